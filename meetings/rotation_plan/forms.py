"""Rating a model meeting, and the lessons drawn from it."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings.forms import TEXTAREA
from members.forms import CleanInputMixin


class RatingForm(CleanInputMixin, forms.Form):
    """One field per criterion of the template: a tick for a checklist, points otherwise."""

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        for criterion in template.criteria:
            if template.kind == "checklist":
                field = forms.BooleanField(label=gettext(criterion["label"]), required=False)
            else:
                field = forms.IntegerField(
                    label=f"{gettext(criterion['label'])} (0–{criterion['points']})",
                    min_value=0,
                    max_value=criterion["points"],
                )
            self.fields[criterion["key"]] = field

    def scores(self):
        return {key: int(value) for key, value in self.cleaned_data.items()}


class LessonForm(CleanInputMixin, forms.Form):
    text = forms.CharField(label=_("Bài học kinh nghiệm"), widget=TEXTAREA, max_length=4000)
