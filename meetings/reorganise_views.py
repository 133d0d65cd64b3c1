"""The reorganisation page: move a unit under another superior, or merge units into a
successor; a preview of what will change, then the change."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from cellmeet.inputs import DateField
from meetings import reorganisation
from members import selectors
from members.enums import OrgKind
from members.forms import CleanInputMixin
from members.models import Organisation, tree_order
from members.views import OrganisationMixin


class ReorganiseForm(CleanInputMixin, forms.Form):
    MOVE, MERGE = "move", "merge"
    action = forms.ChoiceField(
        label=_("Việc sắp xếp"),
        choices=[
            (MOVE, _("Chuyển sang trực thuộc tổ chức khác (cùng các tổ chức trực thuộc)")),
            (MERGE, _("Hợp nhất vào một tổ chức kế thừa (rồi giải thể tổ chức này)")),
        ],  # fmt: skip
        widget=forms.RadioSelect,
    )
    target = forms.ModelChoiceField(
        label=_("Tổ chức cấp trên mới, hoặc tổ chức kế thừa"), queryset=Organisation.objects.none()
    )
    on = DateField(label=_("Có hiệu lực từ ngày"))
    reason = forms.CharField(label=_("Căn cứ, lý do"), max_length=300,
                             help_text=_("Ví dụ: Quyết định số 15-QĐ/TU ngày 30/6/2025."))  # fmt: skip
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, org, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Committees the user administers; for a cell, also the cells near it to merge into.
        scope = selectors.organisations_for_user(user, manage=True).active()
        targets = scope.exclude(path__startswith=org.path).exclude(
            kind__in=[*OrgKind.cell_kinds(), OrgKind.PARTY_GROUP]
        )
        if org.is_cell:
            near = org.parent.parent or org.parent
            cells = scope.cells().filter(path__startswith=near.path).exclude(pk=org.pk)
            targets = targets | cells
        allowed = sorted((o for o in targets if selectors.can_administer(user, o)), key=tree_order)
        self.fields["target"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in allowed])
        self.fields["target"].choices = [("", "---------")] + [
            (o.pk, "— " * o.depth + o.name) for o in allowed
        ]

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("Ngày có hiệu lực không thể ở tương lai."))
        return on


class ReorganiseView(OrganisationMixin, FormView):
    permission = "administer"
    template_name = "meetings/reorganise.html"
    form_class = ReorganiseForm

    def get_organisation(self):
        org = super().get_organisation()
        roots = {role.organisation_id for role in selectors.roles_for_user(self.request.user)}
        if org.parent_id is None or (org.pk in roots and not self.request.user.is_superuser):
            raise PermissionDenied
        return org

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "org": self.get_organisation(),
                "user": self.request.user}  # fmt: skip

    def get_initial(self):
        return {"on": timezone.localdate(), "action": ReorganiseForm.MOVE}

    def form_valid(self, form):
        org, data = self.get_organisation(), form.cleaned_data
        target, action = data["target"], data["action"]
        try:
            if not data["confirm"]:
                self._check(org, target, action)
                preview = reorganisation.preview(
                    orgs=[org], new_parent=target if action == form.MOVE else None,
                    successor=target if action == form.MERGE else None,
                )  # fmt: skip
                confirm = self.get_form_class()(
                    data={**self.request.POST.dict(), "confirm": "True"},
                    **{k: v for k, v in self.get_form_kwargs().items() if k in ("org", "user")},
                )
                return self.render_to_response(
                    self.get_context_data(form=confirm, preview=preview, action=action)
                )
            if action == form.MOVE:
                reorganisation.move(actor=self.request.user, org=org, new_parent=target,
                                    on=data["on"], reason=data["reason"])  # fmt: skip
                messages.success(self.request, _("Đã chuyển %(org)s sang trực thuộc %(new)s.")
                                 % {"org": org.name, "new": target.name})  # fmt: skip
                return redirect(org)
            reorganisation.merge(actor=self.request.user, orgs=[org], successor=target,
                                 on=data["on"], reason=data["reason"])  # fmt: skip
            messages.success(self.request, _("Đã hợp nhất %(org)s vào %(new)s.")
                             % {"org": org.name, "new": target.name})  # fmt: skip
            return redirect(target)
        except reorganisation.ReorganisationError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)

    def _check(self, org, target, action):
        """Refusals the preview can give before anything is written."""
        if action == ReorganiseForm.MOVE:
            if org.parent_id == target.pk:
                raise reorganisation.ReorganisationError(_("Tổ chức đã trực thuộc đơn vị này."))
            reorganisation._check_target(org, target)
        elif org.is_cell != target.is_cell:
            raise reorganisation.ReorganisationError(
                _("Chỉ hợp nhất chi bộ với chi bộ, đảng bộ với đảng bộ.")
            )
