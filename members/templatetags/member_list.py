"""The member list's rows, written in Python (cellmeet.tables).

A search shows 50 members a page. As a template loop, each row resolved 15 variables
and rendered 25 nodes: at province scale more than the search itself
(docs/performance.md).
The rows come as tuples rather than members with their cell and committee attached:
the page's 50, read by key (members.views.LIST_COLUMNS).
"""

from html import escape  # Django's escape() adds a lazy-text wrapper: 3 µs a call

from django import template
from django.utils.safestring import mark_safe

from cellmeet.tables import dmy, url_pattern
from members.enums import MemberStatus

register = template.Library()


@register.simple_tag
def member_rows(rows, org):
    """One table row per member (a tuple of the list's columns, members.views.LIST_COLUMNS);
    outside a cell, with the member's cell and committee."""
    url = url_pattern("members:member_detail")
    labels = {value: escape(str(label)) for value, label in MemberStatus.choices}
    return mark_safe("\n".join(_row(row, org, url, labels) for row in rows))  # noqa: S308 - every value is escaped where it is put in


def _row(row, org, url, labels):
    pk, full_name, status, born, ethnicity, admitted_on, cell, committee_id, committee = row
    born = dmy(born)
    cell_inline = cell_column = ""
    if not org.is_cell:
        cell = escape(cell)
        above = ""
        if committee_id != org.pk:
            above = f'<div class="small text-muted">{escape(committee)}</div>'
        cell_inline = f" · {cell}"
        cell_column = f'<td class="d-none d-md-table-cell">{cell}{above}</td>'
    return (
        f'<tr><td><a href="{url.format(pk)}">{escape(full_name)}</a>'
        f'<div class="d-sm-none small text-muted wrap">{born}{cell_inline}</div></td>'
        f"<td>{labels[status]}</td>{cell_column}"
        f'<td class="d-none d-sm-table-cell">{born}</td>'
        f'<td class="d-none d-lg-table-cell">{escape(ethnicity)}</td>'
        f'<td class="d-none d-lg-table-cell">{dmy(admitted_on)}</td></tr>'
    )
