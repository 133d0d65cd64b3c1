import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cellmeet.inputs import DATE_WIDGET, TIME_WIDGET, DateField, TimeField
from meetings.enums import AgendaSection, MeetingKind, TaskStatus, VoteKind
from meetings.models import AgendaItem, Guest
from members.forms import STALE_PAGE, CleanInputMixin
from members.models import Member

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


class AgendaItemForm(CleanInputMixin, forms.Form):
    item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(), required=False, widget=forms.HiddenInput
    )
    title = forms.CharField(label=_("Nội dung"), max_length=300)
    section = forms.ChoiceField(
        label=_("Phần"), choices=AgendaSection.choices, initial=AgendaSection.OTHER
    )

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["item"].queryset = items


AgendaFormSet = bounded_formset(AgendaItemForm, extra=1, can_order=True, can_delete=True)


class DirectiveForm(CleanInputMixin, forms.Form):
    reference = forms.CharField(
        label=_("Số, ký hiệu"), max_length=60, help_text=_("Ví dụ: 18-NQ/TW")
    )
    title = forms.CharField(label=_("Trích yếu"), max_length=300)


DirectiveFormSet = bounded_formset(DirectiveForm, extra=1, can_delete=True)


class GuestForm(CleanInputMixin, forms.Form):
    guest = forms.ModelChoiceField(
        queryset=Guest.objects.none(), required=False, widget=forms.HiddenInput
    )
    name = forms.CharField(label=_("Họ và tên"), max_length=120)
    position = forms.CharField(label=_("Chức vụ"), max_length=120, required=False)
    unit = forms.CharField(label=_("Đơn vị"), max_length=200, required=False)

    def __init__(self, *args, guests=None, **kwargs):
        super().__init__(*args, **kwargs)
        if guests is not None:
            self.fields["guest"].queryset = guests


GuestFormSet = bounded_formset(GuestForm, extra=2, can_delete=True)


class MinutesForm(CleanInputMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    chair = MemberChoiceField(label=_("Chủ trì"), queryset=Member.objects.none())
    minute_taker = MemberChoiceField(label=_("Thư ký"), queryset=Member.objects.none())
    opened_at = TimeField(label=_("Bắt đầu lúc"), widget=TIME_WIDGET)
    closed_at = TimeField(label=_("Kết thúc lúc"), widget=TIME_WIDGET, required=False)
    conclusion = forms.CharField(
        label=_("Kết luận, nghị quyết"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )

    def __init__(self, *args, members, items, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = members
        self.fields["minute_taker"].queryset = members
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=f"{item.position}. {item.title}",
                widget=forms.Textarea(attrs={"rows": 5}),
                required=False,
                initial=item.content,
            )
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def item_fields(self):
        return [self[f"item_{item.pk}"] for item in self.items]

    def minutes_data(self):
        data = self.cleaned_data
        return {
            "chair": data["chair"],
            "minute_taker": data["minute_taker"],
            "opened_at": data["opened_at"],
            "closed_at": data["closed_at"],
            "conclusion": data["conclusion"],
            "items": {item.pk: data[f"item_{item.pk}"] for item in self.items},
        }


class OpinionForm(CleanInputMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Mục chương trình"), queryset=AgendaItem.objects.none())
    speaker = forms.ChoiceField(label=_("Người phát biểu"))
    text = forms.CharField(label=_("Ý kiến"), widget=TEXTAREA)

    def __init__(self, *args, items, members, guests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda i: f"{i.position}. {i.title}"
        self.members = {str(m.pk): m for m in members}
        self.guests = {str(g.pk): g for g in guests}
        self.fields["speaker"].choices = [("", "---------")] + [
            (
                _("Đảng viên dự họp"),
                [
                    (f"m{k}", f"{m.full_name} ({m.date_of_birth:%Y})")
                    for k, m in self.members.items()
                ],
            ),
            (_("Khách mời"), [(f"g{k}", g.name) for k, g in self.guests.items()]),
        ]

    def speaker_kwargs(self):
        value = self.cleaned_data["speaker"]
        if value.startswith("m"):
            return {"speaker_member": self.members[value[1:]]}
        return {"speaker_guest": self.guests[value[1:]]}


class VoteForm(CleanInputMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại biểu quyết"), choices=VoteKind.choices)
    subject = forms.CharField(label=_("Nội dung biểu quyết"), max_length=300)
    votes_for = forms.IntegerField(label=_("Tán thành"), min_value=0, max_value=10000)
    votes_against = forms.IntegerField(
        label=_("Không tán thành"), min_value=0, max_value=10000, initial=0
    )
    votes_abstain = forms.IntegerField(
        label=_("Không biểu quyết"), min_value=0, max_value=10000, initial=0
    )


class StateChangeForm(CleanInputMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)


class SignForm(CleanInputMixin, forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu của bạn"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Nhập lại mật khẩu để xác nhận chính bạn ký biên bản."),
    )


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


class MinuteBookForm(CleanInputMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=1930, max_value=2100, required=False)
    start = DateField(label=_("Hoặc từ ngày"), widget=DATE_WIDGET, required=False)
    end = DateField(label=_("đến ngày"), widget=DATE_WIDGET, required=False)

    def clean(self):
        data = super().clean()
        start, end, year = data.get("start"), data.get("end"), data.get("year")
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Cần cả ngày bắt đầu và ngày kết thúc."))
            if end < start:
                raise forms.ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
            if (end - start).days > 366 * 5:
                raise forms.ValidationError(_("Một sổ in tối đa 5 năm."))
        elif not year:
            raise forms.ValidationError(_("Chọn năm hoặc khoảng thời gian."))
        return data

    def period(self):
        data = self.cleaned_data
        if data.get("start"):
            return data["start"], data["end"]
        year = data["year"]
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


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


class NoticeForm(CleanInputMixin, forms.Form):
    message = forms.CharField(
        label=_("Lời nhắn thêm"), widget=TEXTAREA, max_length=2000, required=False
    )


class AttachmentForm(CleanInputMixin, forms.Form):
    reference = forms.CharField(
        label=_("Số, ký hiệu"), max_length=100, required=False,
        help_text=_("Ví dụ: Nghị quyết số 18-NQ/TW"),
    )  # fmt: skip
    title = forms.CharField(label=_("Trích yếu"), max_length=300)
    file = forms.FileField(
        label=_("Tệp"), max_length=200,
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.CELLMEET_MAX_DOCUMENT_BYTES)
        self.fields["file"].help_text = _("PDF, DOCX, XLSX, PNG hoặc JPEG, tối đa %(size)s.") % {
            "size": limit
        }


class ReplyForm(CleanInputMixin, forms.Form):
    attending = forms.TypedChoiceField(
        label=_("Trả lời"),
        choices=[("yes", _("Sẽ dự họp")), ("no", _("Không dự họp được"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Lý do vắng"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("attending") is False and not data.get("reason", "").strip():
            self.add_error("reason", _("Cần ghi lý do vắng."))
        return data


class WrittenOpinionForm(CleanInputMixin, forms.Form):
    text = forms.CharField(label=_("Ý kiến về dự thảo"), widget=TEXTAREA, max_length=4000)
