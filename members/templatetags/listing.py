"""What the long lists share around their rows: the filter drop-downs and the pager."""

from django import template

register = template.Library()


@register.inclusion_tag("_partials/filter_select.html")
def filter_select(field):
    """A filter's drop-down with its label and errors, as crispy draws one, in one template
    (Django's widget templates render a template per option)."""
    value = field.value()
    return {"field": field, "selected": "" if value is None else str(value)}


@register.inclusion_tag("_partials/pagination.html")
def pagination(page, query_string):
    """Links to the pages around `page` and its ends (`Paginator.get_elided_page_range`),
    each keeping the list's filters (`query_string`); nothing for a single page."""
    paginator = page.paginator
    numbers = []
    if paginator.num_pages > 1:
        numbers = paginator.get_elided_page_range(page.number, on_each_side=2)
    return {
        "page": page,
        "query_string": query_string,
        "numbers": numbers,
        "ellipsis": paginator.ELLIPSIS,
    }
