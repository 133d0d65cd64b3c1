"""What the long lists share around their rows, written in Python (cellmeet.tables): the
filter drop-downs and the pager.

As included templates, the member list's two drop-downs and its pager cost as much as
the fifty rows they frame (docs/performance.md).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def filter_select(field):
    """A filter's drop-down with its label and errors, as crispy draws one (Django's widget
    templates render a template per option)."""
    value = field.value()
    selected = "" if value is None else str(value)
    options = "".join(
        f'<option value="{escape(str(choice))}"{" selected" if str(choice) == selected else ""}>'
        f"{escape(str(label))}</option>"
        for choice, label in field.field.choices
    )
    invalid = " is-invalid" if field.errors else ""
    errors = "".join(f'<div class="invalid-feedback">{escape(e)}</div>' for e in field.errors)
    return mark_safe(  # noqa: S308 - every value is escaped where it is put in
        f'<div id="div_id_{field.name}" class="mb-3">'
        f'<label for="{field.id_for_label}" class="form-label">{escape(str(field.label))}</label>\n'
        f'<select name="{field.html_name}" class="select form-select{invalid}" '
        f'id="{field.id_for_label}">{options}</select>\n{errors}</div>'
    )


@register.simple_tag
def pagination(page, query_string):
    """Links to the pages around `page` and its ends (`Paginator.get_elided_page_range`),
    each keeping the list's filters (`query_string`); nothing for a single page."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return ""
    query = f"{escape(query_string)}&amp;" if query_string else ""

    def link(number, text):
        return f'<li class="page-item"><a class="page-link" href="?{query}page={number}">{text}</a></li>'

    items = []
    if page.has_previous():
        items.append(link(page.previous_page_number(), escape(gettext("Trước"))))
    for number in paginator.get_elided_page_range(page.number, on_each_side=2):
        if number == paginator.ELLIPSIS:
            items.append('<li class="page-item disabled"><span class="page-link">…</span></li>')
        elif number == page.number:
            items.append(
                '<li class="page-item active" aria-current="page">'
                f'<span class="page-link">{number}</span></li>'
            )
        else:
            items.append(link(number, number))
    if page.has_next():
        items.append(link(page.next_page_number(), escape(gettext("Sau"))))
    where = gettext("Trang %(number)s/%(total)s") % {
        "number": page.number,
        "total": paginator.num_pages,
    }
    return mark_safe(  # noqa: S308 - every value is escaped where it is put in
        f'<nav aria-label="{escape(gettext("Trang"))}">'
        f'<ul class="pagination pagination-sm flex-wrap">{"".join(items)}</ul>'
        f'<p class="small text-muted">{escape(where)}</p></nav>'
    )
