"""Importing members from a spreadsheet, and exporting the list."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView

from members.imports import HEADERS, export_csv, export_xlsx, import_members
from members.imports.forms import ImportForm
from members.people.views import MemberListView
from members.views import OrganisationMixin


class MemberExportView(MemberListView):
    """The list as a file. Files carry personal data, so only managers get them."""

    permission = "manage"

    def get(self, request, *args, **kwargs):
        _form, members = self.filtered_members()
        org = self.get_organisation()
        fmt = kwargs["fmt"]
        stamp = timezone.localdate().strftime("%Y%m%d")
        if fmt == "xlsx":
            body = export_xlsx(members.iterator(chunk_size=2000))
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body = export_csv(members.iterator(chunk_size=2000))
            content_type = "text/csv; charset=utf-8"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="dang-vien-{org.code}-{stamp}.{fmt}"'
        )
        return response


class MemberImportView(OrganisationMixin, FormView):
    permission = "manage"
    template_name = "members/member_import.html"
    form_class = ImportForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "columns": HEADERS}

    def form_valid(self, form):
        org = self.get_organisation()
        result = import_members(
            actor=self.request.user, root=org, uploaded=form.cleaned_data["file"]
        )
        if not result.ok:
            return self.render_to_response(self.get_context_data(form=form, result=result))
        messages.success(
            self.request,
            _("Đã nhập %(rows)s dòng: thêm mới %(c)s, cập nhật %(u)s, giữ nguyên %(s)s.")
            % {
                "rows": result.rows,
                "c": result.created,
                "u": result.updated,
                "s": result.unchanged,
            },
        )
        return redirect("members:member_list", pk=org.pk)
