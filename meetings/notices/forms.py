"""Forms before a meeting: the notice, attached documents, replies and written opinions."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from meetings.forms import TEXTAREA
from members.forms import CleanInputMixin


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
