import re
import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cellmeet.inputs import DATE_WIDGET, DateField
from members.auth import client_address
from members.enums import CellType, MemberStatus, OrgKind, PositionRole
from members.lockout import locked_until, lockout_message
from members.models import MEMBER_FIELDS, Member, Organisation, age_on

NO_NULL_CHARACTERS = ProhibitNullCharactersValidator(
    message=_(
        "Nội dung có ký tự không hợp lệ (ký tự NUL), thường do dán từ phần mềm khác; "
        "hãy xóa đoạn đó rồi gõ lại."
    )
)

STALE_PAGE = _("Trang này đã cũ hoặc bị thay đổi; hãy tải lại trang rồi nhập lại.")


class CleanInputMixin:
    """What every form of ours does with its input, whatever its fields.

    NUL characters, which PostgreSQL cannot store, are refused with a message in the
    interface's language (Django's has no Vietnamese). An error on a hidden field,
    which no template shows, becomes an error of the whole form.
    """

    def full_clean(self):
        # Here rather than in __init__: some forms add fields after it.
        for field in self.fields.values():
            field.validators = [
                NO_NULL_CHARACTERS if isinstance(v, ProhibitNullCharactersValidator) else v
                for v in field.validators
            ]
        super().full_clean()
        hidden = [
            name
            for name in self.errors
            if name in self.fields and self.fields[name].widget.is_hidden
        ]
        if hidden:
            for name in hidden:
                del self.errors[name]
            self.add_error(None, STALE_PAGE)


class PasswordChangeForm(CleanInputMixin, auth_forms.PasswordChangeForm):
    """Django's password change form, refusing input as ours do. The old password is
    checked like a login's (members.auth): counted, and refused while locked."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        ip = client_address(self.request)
        if until := locked_until(username, ip):
            raise forms.ValidationError(lockout_message(until), code="locked")
        if authenticate(self.request, username=username, password=password) is None:
            if until := locked_until(username, ip):
                raise forms.ValidationError(lockout_message(until), code="locked")
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return password


class VersionedFormMixin:
    """Carries the record's version so a stale save can be refused."""

    def add_version_field(self):
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


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


class PositionForm(CleanInputMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("Đảng viên"), queryset=Member.objects.none())
    role = forms.ChoiceField(label=_("Chức vụ"), choices=PositionRole.choices)
    started_on = DateField(label=_("Từ ngày"), widget=DATE_WIDGET)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class EndPositionForm(CleanInputMixin, forms.Form):
    ended_on = DateField(label=_("Ngày kết thúc"), widget=DATE_WIDGET)


class ImportForm(CleanInputMixin, forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách (.csv hoặc .xlsx)"),
        help_text=_("Dòng đầu là tiêu đề cột, giống tệp xuất ra. Ngày ghi dạng ngày/tháng/năm."),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = settings.CELLMEET_MAX_IMPORT_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(
                _("Tệp quá lớn (%(size)s MB); giới hạn %(limit)s MB.")
                % {"size": round(uploaded.size / 1048576, 1), "limit": round(limit / 1048576, 1)}
            )
        name = (uploaded.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        return uploaded


class LoginForm(CleanInputMixin, auth_forms.AuthenticationForm):
    """Django's login form, refusing input as ours do, and saying plainly when repeated
    failures locked the account."""

    def clean(self):
        username = self.cleaned_data.get("username")
        ip = client_address(self.request)
        if username and (until := locked_until(username, ip)):
            raise forms.ValidationError(lockout_message(until), code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            if username and (until := locked_until(username, ip)):
                raise forms.ValidationError(lockout_message(until), code="locked") from None
            raise


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
