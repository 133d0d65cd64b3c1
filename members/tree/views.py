"""The tree's pages: the tree, a unit, the tree on a past day, creating, editing and
dissolving units, the audit log."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from members import revisions, selectors, services
from members.enums import CellType, MemberStatus, OrgKind
from members.models import Organisation
from members.templatetags.org_tree import organisation_tree
from members.tree import history
from members.tree import services as tree_services
from members.tree.forms import AsOfForm, AuditFilterForm, DissolveForm, OrganisationForm
from members.views import OrganisationMixin

AUDIT_PER_PAGE = 50
TREE_DEPTH = 2
TREE_NODE_LIMIT = 150


class OrganisationTreeView(LoginRequiredMixin, TemplateView):
    template_name = "members/organisation_tree.html"

    def get_context_data(self, **kwargs):
        trees = [
            revisions.cached_summary("tree", root, [], partial(_render_tree, root))
            for root in selectors.root_organisations_for_user(self.request.user)
        ]
        return {**super().get_context_data(**kwargs), "trees": trees}


def _render_tree(root):
    """The tree under `root` as HTML: the same for everyone who may see `root`."""
    # Below the first level only committees are listed; their cells are counted.
    top, orgs = selectors.subtree_with_counts(root, depth=TREE_DEPTH, cells_to=1)
    # A province's two levels are hundreds of committees: show one, then click.
    return organisation_tree(top, TREE_DEPTH if len(orgs) <= TREE_NODE_LIMIT else 1)


class OrganisationDetailView(OrganisationMixin, TemplateView):
    template_name = "members/organisation_detail.html"

    def get_context_data(self, **kwargs):
        org = self.get_organisation()
        top, _orgs = selectors.subtree_with_counts(org, depth=1)
        context = super().get_context_data(**kwargs)
        context.update(
            node=top,
            children=top.tree_children,
            cell_types=_cell_type_rows(selectors.cell_type_counts(org)) if not org.is_cell else [],
            status_rows=[
                (label, top.status_counts.get(value, 0))
                for value, label in MemberStatus.choices
                if top.status_counts.get(value, 0)
            ],
            positions=selectors.current_positions(org) if org.is_cell else [],
            hosted=selectors.hosted_members(org) if org.is_cell else [],
            lineage=history.lineage(org),
            roles_to_carry=history.roles_to_carry(org) if context["can_administer"] else [],
            audit=selectors.audit_for("members.organisation", org.pk)[:20]
            if context["can_manage"]
            else [],
        )
        return context


class OrganisationAsOfView(OrganisationMixin, TemplateView):
    """The units under an organisation as they stood on a past day: before a merger or
    a move, who was under whom."""

    template_name = "members/organisation_as_of.html"

    def get_context_data(self, **kwargs):
        org = self.get_organisation()
        form = AsOfForm(self.request.GET or None)
        trees = None
        if form.is_valid():
            trees = history.trees_as_of(self.request.user, org, form.cleaned_data["on"])
        return {**super().get_context_data(**kwargs), "form": form, "trees": trees}


def _cell_type_rows(counts):
    return [(label, counts[value]) for value, label in CellType.choices if counts.get(value)]


class OrganisationCreateView(OrganisationMixin, FormView):
    permission = "administer"
    template_name = "members/organisation_form.html"
    form_class = OrganisationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.get_organisation()}

    def get_initial(self):
        parent = self.get_organisation()
        kind = OrgKind.PARTY_GROUP if parent.is_cell else OrgKind.CELL
        return {"kind": kind, "founded_on": timezone.localdate()}

    def form_valid(self, form):
        try:
            org = tree_services.create_organisation(
                actor=self.request.user,
                parent=self.get_organisation(),
                data=form.changed_data_dict(),
            )
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã tạo %(name)s.") % {"name": org.name})
        return redirect(org)


class OrganisationUpdateView(OrganisationMixin, FormView):
    permission = "administer"
    template_name = "members/organisation_form.html"
    form_class = OrganisationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_organisation()}

    def form_valid(self, form):
        org = Organisation.objects.get(pk=self.get_organisation().pk)
        try:
            tree_services.update_organisation(
                actor=self.request.user,
                org=org,
                data=form.changed_data_dict(),
                version=form.cleaned_data["version"],
            )
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu."))
        return redirect(org)


class OrganisationDissolveView(OrganisationMixin, FormView):
    permission = "administer"
    template_name = "members/organisation_dissolve.html"
    form_class = DissolveForm

    def get_organisation(self):
        org = super().get_organisation()
        roots = {role.organisation_id for role in selectors.roles_for_user(self.request.user)}
        if org.pk in roots and not self.request.user.is_superuser:
            raise PermissionDenied
        return org

    def get_initial(self):
        return {"dissolved_on": timezone.localdate()}

    def form_valid(self, form):
        org = self.get_organisation()
        try:
            tree_services.dissolve_organisation(
                actor=self.request.user,
                org=org,
                on=form.cleaned_data["dissolved_on"],
                reason=form.cleaned_data["reason"],
            )
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã giải thể %(name)s.") % {"name": org.name})
        return redirect(org)


class AuditLogView(OrganisationMixin, TemplateView):
    """Who changed what and when at or below an organisation, for its committee staff."""

    permission = "administer"
    template_name = "members/audit_log.html"

    def get_context_data(self, **kwargs):
        org = self.get_organisation()
        events = selectors.audit_under(org)
        form = AuditFilterForm(self.request.GET or None)
        if form.is_valid():
            data = form.cleaned_data
            if data["q"]:
                events = events.filter(summary__icontains=data["q"])
            if data["target"]:
                events = events.filter(target_type=data["target"])
            if data["actor"]:
                events = events.filter(actor__username__iexact=data["actor"])
            if data["since"]:
                events = events.filter(created_at__date__gte=data["since"])
            if data["until"]:
                events = events.filter(created_at__date__lte=data["until"])
        elif self.request.GET:
            events = events.none()
        page = Paginator(events, AUDIT_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "filter_form": form,
            "page": page,
            "events": page.object_list,
            "query_string": query.urlencode(),
        }
