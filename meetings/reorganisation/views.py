"""The reorganisation pages: move a unit under another superior, merge units into a
successor, or split a unit; a preview of what will change, then the change."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from cellmeet.inputs import DateField
from meetings.reorganisation import services as reorganisation
from members import permissions as member_permissions
from members import selectors
from members import services as member_services
from members.enums import OrgKind
from members.forms import CleanInputMixin
from members.models import Member, Organisation, Position, tree_order
from members.views import OrganisationMixin


class EffectiveDateMixin:
    """A change of the tree takes effect on a day that has come (field `on`)."""

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("Ngày có hiệu lực không thể ở tương lai."))
        return on


class ReorganiseForm(EffectiveDateMixin, CleanInputMixin, forms.Form):
    MOVE, MERGE, END_LEVEL = "move", "merge", "end_level"
    action = forms.ChoiceField(
        label=_("Việc sắp xếp"),
        choices=[
            (MOVE, _("Chuyển sang trực thuộc tổ chức khác (cùng các tổ chức trực thuộc)")),
            (MERGE, _("Hợp nhất vào một tổ chức kế thừa (rồi giải thể tổ chức này)")),
            (
                END_LEVEL,
                _(
                    "Kết thúc cấp này: các tổ chức trực thuộc chuyển lên trực thuộc "
                    "cấp trên, rồi giải thể tổ chức này"
                ),
            ),
        ],  # fmt: skip
        widget=forms.RadioSelect,
    )
    target = forms.ModelChoiceField(
        label=_("Tổ chức cấp trên mới, hoặc tổ chức kế thừa"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Không cần chọn khi kết thúc cấp này."),
    )
    on = DateField(label=_("Có hiệu lực từ ngày"))
    reason = forms.CharField(label=_("Căn cứ, lý do"), max_length=300,
                             help_text=_("Ví dụ: Quyết định số 15-QĐ/TU ngày 30/6/2025."))  # fmt: skip
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, org, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        # Committees the user administers; for a cell, also the cells near it to merge into.
        scope = selectors.organisations_for_user(user, manage=True).active()
        targets = scope.exclude(path__startswith=org.path).exclude(
            kind__in=[*OrgKind.cell_kinds(), OrgKind.PARTY_GROUP]
        )
        if org.is_cell:
            near = org.parent.parent or org.parent
            cells = scope.cells().filter(path__startswith=near.path).exclude(pk=org.pk)
            targets = targets | cells
        allowed = sorted(
            (o for o in targets if member_permissions.can_administer(user, o)), key=tree_order
        )
        self.fields["target"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in allowed])
        self.fields["target"].choices = [("", "---------")] + [
            (o.pk, "— " * o.depth + o.name) for o in allowed
        ]

    def clean(self):
        data = super().clean()
        if data.get("action") == self.END_LEVEL:
            if self.org.is_cell:
                raise forms.ValidationError(_("Chi bộ không có cấp trực thuộc để chuyển lên."))
            # Its units go up to its superior, which succeeds it.
            data["target"], data["action"], data["end_level"] = self.org.parent, self.MERGE, True
        elif data.get("action") and not data.get("target"):
            self.add_error("target", _("Hãy chọn tổ chức."))
        return data


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
                reorganisation._check_date(data["on"], org, target)
                preview = reorganisation.preview(
                    orgs=[org], new_parent=target if action == form.MOVE else None,
                    successor=target if action == form.MERGE else None,
                )  # fmt: skip
                confirm = self.get_form_class()(
                    data={**self.request.POST.dict(), "confirm": "True"},
                    **{k: v for k, v in self.get_form_kwargs().items() if k in ("org", "user")},
                )
                return self.render_to_response(self.get_context_data(
                    form=confirm, preview=preview, action=action,
                    end_level=data.get("end_level", False),
                ))  # fmt: skip
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

    def form_invalid(self, form):
        """Refused, at the preview or at the confirmation: the next submission shows a
        preview again, whatever was changed."""
        data = form.data.copy()
        data["confirm"] = ""
        form.data = data
        return super().form_invalid(form)

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


class SplitForm(EffectiveDateMixin, CleanInputMixin, forms.Form):
    name = forms.CharField(label=_("Tên tổ chức mới"), max_length=200)
    code = forms.CharField(
        label=_("Mã tổ chức mới"), max_length=40,
        help_text=_("Mã ngắn, không dấu, không khoảng trắng; ví dụ VX-TT-05."),
        validators=[RegexValidator(r"^[-a-zA-Z0-9_]+$", _(
            "Mã chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang và gạch dưới."))],
    )  # fmt: skip
    parts = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    on = DateField(label=_("Có hiệu lực từ ngày"))
    reason = forms.CharField(label=_("Căn cứ, lý do"), max_length=300,
                             help_text=_("Ví dụ: Quyết định số 15-QĐ/TU ngày 30/6/2025."))  # fmt: skip
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        if org.is_cell:
            self.parts = {str(m.pk): m for m in Member.objects.filter(cell=org).on_roll()}
            label = _("Đảng viên chuyển sang chi bộ mới")
        else:
            self.parts = {
                str(o.pk): o
                for o in Organisation.objects.filter(parent=org).active().order_by("name")
            }
            label = _("Tổ chức trực thuộc chuyển sang tổ chức mới")
        self.fields["parts"].label = label
        self.fields["parts"].choices = [
            (pk, getattr(part, "full_name", None) or part.name) for pk, part in self.parts.items()
        ]

    def chosen(self):
        return [self.parts[pk] for pk in self.cleaned_data["parts"]]


class SplitView(ReorganiseView):
    template_name = "meetings/split.html"
    form_class = SplitForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return kwargs

    def get_initial(self):
        return {"on": timezone.localdate()}

    def form_valid(self, form):
        org, data = self.get_organisation(), form.cleaned_data
        chosen = form.chosen()
        units = [] if org.is_cell else chosen
        members = chosen if org.is_cell else []
        if not data["confirm"]:
            try:  # what the confirmation would refuse, said at the preview already
                reorganisation.check_split(org=org, code=data["code"], on=data["on"])
            except reorganisation.ReorganisationError as exc:
                form.add_error(None, str(exc))
                return self.form_invalid(form)
            confirm = SplitForm(data={**self.request.POST.dict(), "confirm": "True",
                                      "parts": data["parts"]}, org=org)  # fmt: skip
            preview = reorganisation.preview(orgs=units) if units else None
            posts = Position.objects.filter(
                member__in=members, cell=org, ended_on__isnull=True
            ).select_related("member")
            return self.render_to_response(self.get_context_data(
                form=confirm, preview=preview, chosen=chosen, moving_members=len(members),
                ending_posts=list(posts),
                long_ago=data["on"] < timezone.localdate() - datetime.timedelta(days=31),
            ))  # fmt: skip
        try:
            new = reorganisation.split(actor=self.request.user, org=org, name=data["name"],
                                       code=data["code"], on=data["on"], units=units,
                                       members=members, reason=data["reason"])  # fmt: skip
        except (reorganisation.ReorganisationError, member_services.MembersError) as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã tách %(new)s từ %(org)s.")
                         % {"new": new.name, "org": org.name})  # fmt: skip
        return redirect(new)
