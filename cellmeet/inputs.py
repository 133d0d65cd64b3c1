"""Dates and times as a phone can type them.

A phone's number pad may have no `:` or `/`: "1930", "19.30", "19h30", "19 30" and
"19:30" are the same time, "05012027", "5/1/2027" and "05/01/2027" the same day
(day first, as Vietnamese documents write it). The widgets ask for the number pad.
"""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

TIME_PATTERN = re.compile(r"^(\d{1,2})\s*(?:[:.,hHgG\s]\s*(\d{1,2})|[hHgG])$")
DATE_PATTERN = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

TIME_WIDGET = forms.TimeInput(
    attrs={"placeholder": "hh:mm", "inputmode": "numeric", "autocomplete": "off"},
    format="%H:%M",
)
DATE_WIDGET = forms.DateInput(
    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
    format="%d/%m/%Y",
)


def parse_time(text):
    """The time in `text`, or None if it is not one."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{3,4}", text):
        hour, minute = int(text[:-2]), int(text[-2:])
    else:
        match = TIME_PATTERN.match(text)
        if not match:
            return None
        hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def parse_date(text):
    """The date in `text` (day first), or None if it is not one."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{8}", text):
        parts = int(text[:2]), int(text[2:4]), int(text[4:])
    elif match := DATE_PATTERN.match(text):
        parts = int(match[1]), int(match[2]), int(match[3])
    elif match := ISO_DATE.match(text):
        parts = int(match[3]), int(match[2]), int(match[1])
    else:
        return None
    day, month, year = parts
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


class TimeField(forms.TimeField):
    widget = TIME_WIDGET
    default_error_messages = {
        "invalid": _("Giờ chưa đúng: gõ như 19:30, 1930 hoặc 19h30."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value
        parsed = parse_time(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class DateField(forms.DateField):
    widget = DATE_WIDGET
    default_error_messages = {
        "invalid": _("Ngày chưa đúng: gõ như 05/01/2027 hoặc 05012027."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        parsed = parse_date(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed
