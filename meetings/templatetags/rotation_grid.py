"""What the rotation grid's quarters (templates/meetings/_rotation_quarter.html) need
besides their fields."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def status_today(slot):
    """The quarter's status today: held, overdue, postponed or planned."""
    return slot.status_on(timezone.localdate())
