"""Forms of the minutes: agenda items, directives, guests, the text, opinions and votes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cellmeet.inputs import TIME_WIDGET, TimeField
from meetings.enums import AgendaSection, VoteKind
from meetings.forms import TEXTAREA, MemberChoiceField, bounded_formset
from meetings.models import AgendaItem, Guest
from members.forms import CleanInputMixin
from members.models import Member


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


class DirectiveForm(CleanInputMixin, forms.Form):
    reference = forms.CharField(
        label=_("Số, ký hiệu"), max_length=60, help_text=_("Ví dụ: 18-NQ/TW")
    )
    title = forms.CharField(label=_("Trích yếu"), max_length=300)


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


AgendaFormSet = bounded_formset(AgendaItemForm, extra=1, can_order=True, can_delete=True)
DirectiveFormSet = bounded_formset(DirectiveForm, extra=1, can_delete=True)
GuestFormSet = bounded_formset(GuestForm, extra=2, can_delete=True)
