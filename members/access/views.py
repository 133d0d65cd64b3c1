"""Posts, roles and passwords: appointing and ending positions, carrying roles to a
successor unit, changing one's password."""

from functools import partial

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from cellmeet.views import act_and_redirect
from members import permissions, selectors, services
from members.access import roles
from members.access import services as access_services
from members.access.forms import EndPositionForm, PasswordChangeForm, PositionForm
from members.enums import MemberStatus
from members.models import Position
from members.tree import history
from members.views import OrganisationMixin


class RoleCarryView(OrganisationMixin, View):
    """Give a role that ended with a merged unit again, on its successor."""

    permission = "administer"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        org = self.get_organisation()
        role = next((r for r in history.roles_to_carry(org) if r.pk == kwargs["role"]), None)
        if role is None:
            raise Http404
        return act_and_redirect(
            request,
            partial(roles.grant_role, actor=request.user, user=role.user, organisation=org,
                    kind=role.kind),
            refused=services.MembersError,
            done=_("Đã giao vai trò %(kind)s ở %(org)s cho %(user)s.")
            % {"kind": role.get_kind_display(), "org": org.name, "user": role.user.get_username()},
            to=org,
        )  # fmt: skip


class PositionCreateView(OrganisationMixin, FormView):
    permission = "administer"
    template_name = "members/position_form.html"
    form_class = PositionForm

    def get_organisation(self):
        org = super().get_organisation()
        if not org.is_cell:
            raise PermissionDenied
        return org

    def get_initial(self):
        return {"started_on": timezone.localdate()}

    def get_form_kwargs(self):
        members = (
            self.get_organisation()
            .members.filter(status=MemberStatus.OFFICIAL)
            .order_by("sort_name")
        )
        return {**super().get_form_kwargs(), "members": members}

    def form_valid(self, form):
        org = self.get_organisation()
        try:
            access_services.appoint_position(actor=self.request.user, cell=org, **form.cleaned_data)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã ghi nhận chức vụ."))
        return redirect(org)


class PositionEndView(LoginRequiredMixin, FormView):
    template_name = "members/position_end.html"
    form_class = EndPositionForm

    def get_position(self):
        user = self.request.user
        cells = selectors.cells_for_user(user)
        position = get_object_or_404(
            Position.objects.filter(cell__in=cells).select_related("cell", "member"),
            pk=self.kwargs["pk"],
        )
        if not permissions.can_administer(user, position.cell):
            raise PermissionDenied
        return position

    def get_initial(self):
        return {"ended_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        position = self.get_position()
        return {**super().get_context_data(**kwargs), "position": position, "org": position.cell}

    def form_valid(self, form):
        position = self.get_position()
        try:
            access_services.end_position(
                actor=self.request.user, position=position, ended_on=form.cleaned_data["ended_on"]
            )
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã kết thúc nhiệm kỳ."))
        return redirect(position.cell)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with the old password counted like a login's and the
    change written to the audit log. The signing password is the same password."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        access_services.password_changed(actor=self.request.user, user=self.request.user)
        return response
