"""Forms of what follows a meeting: tasks and disseminations."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cellmeet.inputs import DATE_WIDGET, DateField
from meetings.enums import TaskStatus
from meetings.forms import MemberChoiceField
from members.forms import CleanInputMixin
from members.models import Member


class TaskForm(CleanInputMixin, forms.Form):
    assignee = MemberChoiceField(label=_("Người thực hiện"), queryset=Member.objects.none())
    description = forms.CharField(label=_("Nhiệm vụ"), max_length=300)
    due_on = DateField(label=_("Hạn hoàn thành"), widget=DATE_WIDGET)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members


class TaskUpdateForm(CleanInputMixin, forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=TaskStatus.choices)
    note = forms.CharField(label=_("Ghi chú tiến độ"), max_length=500, required=False)


class DisseminationForm(CleanInputMixin, forms.Form):
    audience = forms.CharField(
        label=_("Phổ biến tới"),
        max_length=200,
        help_text=_("Ví dụ: Ban công tác Mặt trận, các đoàn thể, nhân dân trong thôn"),
    )
    on = DateField(label=_("Ngày"), widget=DATE_WIDGET)
    method = forms.CharField(
        label=_("Hình thức"), max_length=200, help_text=_("Ví dụ: họp thôn, loa truyền thanh")
    )
