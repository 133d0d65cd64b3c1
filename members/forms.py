"""What every form shares: clean input (no control characters, trimmed) and the version
that refuses a stale edit."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

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


class VersionedFormMixin:
    """Carries the record's version so a stale save can be refused."""

    def add_version_field(self):
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
