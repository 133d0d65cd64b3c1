"""The organisation tree, written in Python (cellmeet.tables).

A district's tree is some ninety units. As a template, each unit included two templates
and rendered four translated counts: most of the time a district's tree took to
compute afresh (docs/performance.md).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from cellmeet.tables import url_pattern

register = template.Library()


@register.simple_tag
def organisation_tree(node, max_depth):
    """`node` and the units below it, `max_depth` levels down: nested lists, a level
    folded open and the others closed."""
    url = url_pattern("members:organisation_detail")
    return mark_safe(f'<ul class="tree">{_node(node, 0, max_depth, url)}</ul>')  # noqa: S308 - every value is escaped where it is put in


def _node(node, level, max_depth, url):
    link = f'<a href="{url.format(node.pk)}">{escape(node.name)}</a> {_counts(node)}'
    if node.tree_children and level < max_depth:
        children = "".join(_node(child, level + 1, max_depth, url) for child in node.tree_children)
        if node.hidden_count:
            more = ngettext("và %(n)s chi bộ trực thuộc", "và %(n)s chi bộ trực thuộc",
                            node.hidden_count) % {"n": node.hidden_count}  # fmt: skip
            children += f'<li><a class="small" href="{url.format(node.pk)}">{escape(more)}</a></li>'
        opened = " open" if level == 0 else ""
        return f"<li><details{opened}><summary>{link}</summary><ul>{children}</ul></details></li>"
    below = ""
    if node.child_count:
        units = ngettext("%(n)s đơn vị trực thuộc", "%(n)s đơn vị trực thuộc",
                         node.child_count) % {"n": node.child_count}  # fmt: skip
        below = f' <a class="small" href="{url.format(node.pk)}">({escape(units)})</a>'
    return f"<li>{link}{below}</li>"


def _counts(node):
    parts = []
    if not node.is_cell:
        cells = ngettext("%(n)s chi bộ", "%(n)s chi bộ", node.cell_count) % {"n": node.cell_count}
        parts.append(_badge(gettext("Số chi bộ"), cells))
    members = ngettext("%(n)s đảng viên", "%(n)s đảng viên", node.member_count) % {
        "n": node.member_count
    }
    parts.append(_badge(gettext("Đảng viên trong danh sách"), members))
    statuses = gettext("chính thức %(o)s · dự bị %(p)s · miễn %(e)s") % {
        "o": node.official_count,
        "p": node.probationary_count,
        "e": node.exempted_count,
    }
    parts.append(f'<span class="d-none d-sm-inline">{escape(statuses)}</span>')
    if not node.is_active:
        parts.append(
            f'<span class="badge text-bg-secondary">{escape(gettext("đã giải thể"))}</span>'
        )
    return f'<span class="counts">{" ".join(parts)}</span>'


def _badge(title, text):
    return f'<span class="badge text-bg-light border" title="{escape(title)}">{escape(text)}</span>'
