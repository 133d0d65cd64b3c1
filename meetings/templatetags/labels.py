"""Stored labels shown in the reader's language."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def label(value):
    """A label stored as text in Vietnamese, translated when the catalogue knows it: a
    signer's post ("Bí thư"), a band or criterion of a shipped rating template. Anything
    else (a post typed by hand) is shown as it is."""
    return gettext(value) if isinstance(value, str) and value else value
