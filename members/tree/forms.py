"""Forms of the tree: a unit, its dissolution, the audit log's filter, a past day."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cellmeet.inputs import DATE_WIDGET, DateField
from members.enums import OrgKind
from members.forms import CleanInputMixin, VersionedFormMixin
from members.models import Organisation


class OrganisationForm(CleanInputMixin, VersionedFormMixin, forms.ModelForm):
    code = forms.CharField(
        label=_("mã"),
        max_length=40,
        help_text=_("Mã ngắn, không dấu, không khoảng trắng; ví dụ VX-TT-05."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "code", "kind", "cell_type", "liaison", "founded_on"]
        widgets = {"founded_on": DATE_WIDGET}
        field_classes = {"founded_on": DateField}
        help_texts = {
            "code": _("Mã ngắn, không dấu, không khoảng trắng; ví dụ VX-TT-05."),
            "cell_type": _("Chỉ áp dụng cho chi bộ."),
        }

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent if parent is not None else self.instance.parent
        if self.instance.pk:
            self.add_version_field()
        if self.parent is not None:
            allowed = OrgKind.allowed_children(self.parent.kind)
            labels = dict(OrgKind.choices)
            self.fields["kind"].choices = [(kind, labels[kind]) for kind in allowed]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"[-A-Za-z0-9_]+", code):
            raise forms.ValidationError(
                _("Mã chỉ gồm chữ cái không dấu, chữ số, gạch ngang hoặc gạch dưới.")
            )
        if Organisation.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Mã này đã được dùng cho một tổ chức khác."))
        return code

    def clean(self):
        data = super().clean()
        kind, cell_type = data.get("kind"), data.get("cell_type")
        if kind in OrgKind.cell_kinds() and not cell_type:
            self.add_error("cell_type", _("Chi bộ cần có loại hình."))
        if kind and kind not in OrgKind.cell_kinds() and cell_type:
            self.add_error("cell_type", _("Chỉ chi bộ mới có loại hình; hãy để trống."))
        if self.parent is None and kind in OrgKind.cell_kinds() and not self.instance.pk:
            self.add_error("kind", _("Chi bộ phải trực thuộc một tổ chức."))
        if self.parent is not None and self.parent.is_cell and kind != OrgKind.PARTY_GROUP:
            self.add_error("kind", _("Trong chi bộ chỉ lập được tổ đảng."))
        founded = data.get("founded_on")
        if founded and founded > timezone.localdate():
            self.add_error("founded_on", _("Ngày thành lập không thể ở tương lai."))
        was_cell = self.instance.pk and self.instance.is_cell
        if was_cell and kind not in OrgKind.cell_kinds() and self.instance.members.exists():
            self.add_error("kind", _("Chi bộ còn đảng viên nên không đổi được loại tổ chức."))
        return data

    def changed_data_dict(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class DissolveForm(CleanInputMixin, forms.Form):
    dissolved_on = DateField(label=_("Ngày giải thể"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Lý do"), max_length=300)

    def clean_dissolved_on(self):
        value = self.cleaned_data["dissolved_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày giải thể không thể ở tương lai."))
        return value


AUDIT_TARGETS = [
    ("", _("Tất cả")),
    ("members.organisation", _("Tổ chức đảng")),
    ("members.member", _("Đảng viên")),
    ("members.position", _("Chức vụ")),
    ("meetings.meeting", _("Cuộc họp, biên bản, biểu quyết, chữ ký")),
    ("auth.user", _("Tài khoản")),
]


class AuditFilterForm(CleanInputMixin, forms.Form):
    q = forms.CharField(label=_("Nội dung có chứa"), required=False, max_length=120)
    target = forms.ChoiceField(label=_("Loại hồ sơ"), required=False, choices=AUDIT_TARGETS)
    actor = forms.CharField(
        label=_("Người thực hiện (tên đăng nhập)"), required=False, max_length=150
    )
    since = DateField(label=_("Từ ngày"), required=False)
    until = DateField(label=_("Đến ngày"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data


class AsOfForm(CleanInputMixin, forms.Form):
    on = DateField(label=_("Cơ cấu tại ngày"), widget=DATE_WIDGET)
