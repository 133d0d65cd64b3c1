"""The upload of a member spreadsheet."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from members.forms import CleanInputMixin


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
