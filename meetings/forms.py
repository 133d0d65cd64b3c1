"""What the meetings app's forms share: bounded formsets and the fields that choose a
cell's members."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from members.forms import STALE_PAGE

TEXTAREA = forms.Textarea(attrs={"rows": 4})
# Rows a formset takes at most: far more than a meeting has agenda items or guests, and
# few enough that a tampered form count costs nothing.
MAX_ROWS = 100


class FormSet(forms.BaseFormSet):
    """A formset whose refusals read in the interface's language (Django's have no
    Vietnamese)."""

    default_error_messages = {
        "missing_management_form": STALE_PAGE,
        "too_many_forms": _("Nhiều nhất %(num)d dòng."),
    }


def bounded_formset(form, **kwargs):
    return formset_factory(form, formset=FormSet, max_num=MAX_ROWS, absolute_max=MAX_ROWS, **kwargs)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.date_of_birth:%Y})"


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.date_of_birth:%Y})"

    def clean(self, value):
        # Django looks the ids up with __in, which, unlike an exact lookup, does not
        # check that they fit the column: SQLite raises OverflowError. Such ids are
        # nobody's.
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                fits = -(2**63) <= int(pk) < 2**63
            except (TypeError, ValueError):
                continue  # refused by Django as it should be
            if not fits:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)
