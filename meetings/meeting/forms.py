"""Forms of a meeting's course: the plan, the committee's session, a state change, a
signature."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cellmeet.inputs import DATE_WIDGET, TIME_WIDGET, DateField, TimeField
from meetings.enums import MeetingKind
from meetings.forms import TEXTAREA, MemberMultipleChoiceField
from members.forms import CleanInputMixin
from members.models import Member


class PlanForm(CleanInputMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại sinh hoạt"),
        choices=[c for c in MeetingKind.choices if c[0] != MeetingKind.ADDENDUM],
    )
    day = DateField(label=_("Ngày"), widget=DATE_WIDGET)
    time = TimeField(label=_("Giờ"), widget=TIME_WIDGET, initial=datetime.time(8, 0))
    place = forms.CharField(label=_("Địa điểm"), max_length=200)
    title = forms.CharField(
        label=_("Trích yếu (không bắt buộc)"),
        max_length=200,
        required=False,
        help_text=_("Để trống với sinh hoạt thường kỳ: “Sinh hoạt chi bộ tháng …”."),
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if abs((day - timezone.localdate()).days) > 3660:
            raise forms.ValidationError(_("Ngày nằm ngoài khoảng hợp lý."))
        return day

    def planned_at(self):
        data = self.cleaned_data
        return timezone.make_aware(datetime.datetime.combine(data["day"], data["time"]))


class CommitteeSessionForm(CleanInputMixin, forms.Form):
    held_on = DateField(label=_("Ngày họp chi ủy"), widget=DATE_WIDGET)
    attendees = MemberMultipleChoiceField(
        label=_("Thành phần dự"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chi ủy viên; nơi chưa có chi ủy: bí thư và phó bí thư."),
    )
    agreed_content = forms.CharField(
        label=_("Nội dung, chương trình đã thống nhất"), widget=TEXTAREA
    )
    assignments = forms.CharField(label=_("Phân công chuẩn bị"), widget=TEXTAREA, required=False)
    draft_resolution = forms.CharField(
        label=_("Dự thảo nghị quyết"), widget=TEXTAREA, required=False
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members


class StateChangeForm(CleanInputMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)


class SignForm(CleanInputMixin, forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu của bạn"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Nhập lại mật khẩu để xác nhận chính bạn ký biên bản."),
    )
