"""The minute book's choice of cell and period."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from cellmeet.inputs import DATE_WIDGET, DateField
from members.forms import CleanInputMixin


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
