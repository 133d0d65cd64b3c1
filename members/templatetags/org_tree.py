"""The organisation tree (templates/members/_tree.html), rendered once per revision of
its root (members.views: the tree is a cached summary)."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def organisation_tree(node, max_depth):
    """`node` and the units below it, `max_depth` levels down, as HTML: nested lists, a
    level folded open and the others closed."""
    _fold(node, 0, max_depth)
    return render_to_string("members/_tree.html", {"top": node})


def _fold(node, level, max_depth):
    node.top = level == 0
    node.unfold = bool(node.tree_children) and level < max_depth
    if node.unfold:
        for child in node.tree_children:
            _fold(child, level + 1, max_depth)
