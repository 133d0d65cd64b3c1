"""Forms of members: a member's record, the list's filter, status moves and transfers."""

import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cellmeet.inputs import DATE_WIDGET, DateField
from members.enums import CellType, MemberStatus
from members.forms import CleanInputMixin, VersionedFormMixin
from members.models import MEMBER_FIELDS, Member, Organisation, age_on


class MemberForm(CleanInputMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = MEMBER_FIELDS
        widgets = {
            "date_of_birth": DATE_WIDGET,
            "admitted_on": DATE_WIDGET,
            "official_on": DATE_WIDGET,
        }
        field_classes = dict.fromkeys(("date_of_birth", "admitted_on", "official_on"), DateField)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.add_version_field()
            if self.instance.status == MemberStatus.PROBATIONARY:
                # Becoming official is a decision with its own action, not an edit.
                del self.fields["official_on"]

    def clean_full_name(self):
        name = " ".join(unicodedata.normalize("NFC", self.cleaned_data["full_name"]).split())
        if len(name) < 2:
            raise forms.ValidationError(_("Họ và tên quá ngắn."))
        return name

    def clean_citizen_id(self):
        value = self.cleaned_data["citizen_id"].strip()
        if value and not (value.isdigit() and len(value) == 12):
            raise forms.ValidationError(_("Số CCCD phải gồm đúng 12 chữ số."))
        if value and Member.objects.filter(citizen_id=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Số CCCD này đã thuộc về đảng viên khác."))
        return value

    def clean_party_card_number(self):
        value = self.cleaned_data["party_card_number"].strip()
        others = Member.objects.filter(party_card_number=value).exclude(pk=self.instance.pk)
        if value and others.exists():
            raise forms.ValidationError(_("Số thẻ đảng viên này đã được cấp cho người khác."))
        return value

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        born, admitted, official = (
            data.get("date_of_birth"),
            data.get("admitted_on"),
            data.get("official_on"),
        )
        for name in ("date_of_birth", "admitted_on", "official_on"):
            value = data.get(name)
            if value and (value > today or value.year < 1900):
                self.add_error(name, _("Ngày nằm ngoài khoảng hợp lý."))
        if born and admitted and age_on(born, admitted) < 18:
            self.add_error("admitted_on", _("Ngày vào Đảng phải từ khi đủ 18 tuổi."))
        if admitted and official and official < admitted:
            self.add_error("official_on", _("Ngày chính thức không thể trước ngày vào Đảng."))
        return data

    def member_data(self):
        return {name: self.cleaned_data[name] for name in MEMBER_FIELDS if name in self.fields}


class _ReadOnceChoices(forms.models.ModelChoiceIterator):
    """A template's for loop asks for the number of choices, then for them: one query."""

    def __iter__(self):
        if not hasattr(self, "_read"):
            self._read = list(super().__iter__())
        return iter(self._read)

    def __len__(self):
        return len(list(iter(self)))


class CellChoiceField(forms.ModelChoiceField):
    """Cells named with their committee: many villages share a name across communes."""

    iterator = _ReadOnceChoices

    def label_from_instance(self, obj):
        if obj.parent_id:
            return f"{obj.name} — {obj.parent.name}"
        return obj.name


class MemberFilterForm(CleanInputMixin, forms.Form):
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=120)
    status = forms.ChoiceField(
        label=_("Tình trạng"),
        required=False,
        choices=[("", _("Tất cả"))] + MemberStatus.choices,
    )
    cell = CellChoiceField(
        label=_("Chi bộ"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Tất cả"),
    )
    cell_type = forms.ChoiceField(
        label=_("Loại hình chi bộ"), required=False, choices=[("", _("Tất cả"))] + CellType.choices
    )

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cells is not None:
            self.fields["cell"].queryset = cells


class StatusChangeForm(CleanInputMixin, forms.Form):
    on = DateField(label=_("Từ ngày"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)

    def clean_on(self):
        value = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày không thể ở tương lai."))
        return value


class ExemptForm(StatusChangeForm):
    reason = forms.CharField(label=_("Lý do"), max_length=300)


class RecogniseForm(StatusChangeForm):
    on = DateField(label=_("Ngày chính thức"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Số quyết định công nhận"), max_length=300)


class RecordStatusForm(StatusChangeForm):
    status = forms.ChoiceField(label=_("Tình trạng mới"))
    reason = forms.CharField(label=_("Lý do, số quyết định"), max_length=300)

    field_order = ["status", "on", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(MemberStatus.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in MemberStatus.recordable()]


class TransferForm(CleanInputMixin, forms.Form):
    to_cell = CellChoiceField(label=_("Chuyển đến chi bộ"), queryset=Organisation.objects.none())
    temporary = forms.BooleanField(label=_("Chuyển sinh hoạt tạm thời"), required=False)
    on = DateField(label=_("Từ ngày"), widget=DATE_WIDGET)
    until = DateField(label=_("Đến ngày (khi chuyển tạm thời)"), widget=DATE_WIDGET, required=False)
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cell"].queryset = cells

    def clean(self):
        data = super().clean()
        on, until = data.get("on"), data.get("until")
        if data.get("temporary") and on:
            if not until:
                self.add_error("until", _("Chuyển tạm thời cần ngày kết thúc."))
            elif until <= on:
                self.add_error("until", _("Ngày kết thúc phải sau ngày bắt đầu."))
            elif (until - on).days > 366:
                self.add_error("until", _("Chuyển sinh hoạt tạm thời dưới một năm."))
        return data
