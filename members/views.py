import hashlib
from functools import partial

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from cellmeet.views import act_and_redirect
from members import history, permissions, revisions, roles, selectors, services
from members.enums import CellType, MemberStatus, OrgKind
from members.forms import (
    AsOfForm,
    AuditFilterForm,
    DissolveForm,
    EndPositionForm,
    ExemptForm,
    ImportForm,
    MemberFilterForm,
    MemberForm,
    OrganisationForm,
    PasswordChangeForm,
    PositionForm,
    RecogniseForm,
    RecordStatusForm,
    StatusChangeForm,
    TransferForm,
)
from members.imports import HEADERS, export_csv, export_xlsx, import_members
from members.models import Organisation, Position
from members.templatetags.org_tree import organisation_tree
from members.text import fold

MEMBERS_PER_PAGE = 50
MATCH_LIMIT = 1000
# What a row of the member list shows (members.templatetags.member_list), read as tuples.
LIST_COLUMNS = ["pk", "full_name", "status", "date_of_birth", "ethnicity", "admitted_on",
                "cell__name", "cell__parent_id", "cell__parent__name"]  # fmt: skip
AUDIT_PER_PAGE = 50
LAST_PAGE = 10**6  # beyond any list: a country's members fill a tenth of it
# A committee's cells fit a drop-down; a district's 475 do not (too long to read or to
# render): above this, staff open a committee to filter by its cells.
CELL_FILTER_LIMIT = 80
TREE_DEPTH = 2
TREE_NODE_LIMIT = 150


def counted_page(keys_between, number, per_page, count):
    """Page `number` of a list of `count` rows, holding the keys `keys_between(start, end)`
    returns for the rows from `start` to `end`.

    Like `Paginator.get_page`, a number that is not one gives the first page and one
    past the end the last. The keys come from a query of their own, with no count riding
    along as a window: PostgreSQL then plans it as a top-N, and reads a big subtree in
    name order only as far as the page, where a window made it read every member.
    """
    try:
        # Past the end is past the end: keep the offset a number the database can take.
        number = min(max(int(number), 1), LAST_PAGE)
    except (TypeError, ValueError):
        number = 1
    paginator = Paginator([], per_page)
    paginator.count = count
    number = min(number, paginator.num_pages)
    start = (number - 1) * per_page
    end = min(start + per_page, count)  # a bounded count bounds the list as well
    return Page(keys_between(start, end) if count else [], number, paginator)


class OrganisationMixin(LoginRequiredMixin):
    """Fetches the URL's organisation through the user's scope (404 outside it)."""

    permission = "read"  # or "manage" (members) or "administer" (the tree itself)
    org_url_kwarg = "pk"

    def get_organisation(self):
        if not hasattr(self, "_organisation"):
            user = self.request.user
            org = selectors.organisation_for_user(user, self.kwargs[self.org_url_kwarg])
            if self.permission != "read":  # reading is the scope's own rule
                permissions.require(user, self.permission, org)
            self._organisation = org
        return self._organisation

    def get_context_data(self, **kwargs):
        org = self.get_organisation()
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "org": org,
            "breadcrumb": _visible_ancestors(user, org),
            "can_manage": permissions.can_manage(user, org),
            "can_administer": permissions.can_administer(user, org),
        }


def _visible_ancestors(user, org):
    return selectors.visible_ancestors(user, org)


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
            org = services.create_organisation(
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
            services.update_organisation(
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
            services.dissolve_organisation(
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


class MemberListView(OrganisationMixin, TemplateView):
    template_name = "members/member_list.html"

    def scoped_members(self):
        """The members of the organisation, as far as the user may read them."""
        return selectors.members_for_user(self.request.user).filter(
            cell__path__startswith=self.get_organisation().path
        )

    def filtered_members(self):
        org = self.get_organisation()
        members = self.scoped_members().select_related("cell__parent")
        cells = None
        if not org.is_cell:
            cells = (
                selectors.cells_for_user(self.request.user)
                .subtree_of(org)
                .select_related("parent")
                .order_by("path")
            )
            # Counting a province's cells costs more than the search: kept per revision.
            if revisions.cached_summary("cell-count", org, [], cells.count) > CELL_FILTER_LIMIT:
                cells = None
        form = MemberFilterForm(self.request.GET or None, cells=cells)
        if cells is None:
            del form.fields["cell"]
        if org.is_cell:
            del form.fields["cell_type"]
        if form.is_valid():
            data = form.cleaned_data
            members = members.search(data["q"])
            if data["status"]:
                members = members.filter(status=data["status"])
            if data.get("cell"):
                members = members.filter(cell=data["cell"])
            if data.get("cell_type"):
                members = members.filter(cell__cell_type=data["cell_type"])
        elif self.request.GET:
            members = members.none()
        return form, members

    def get_context_data(self, **kwargs):
        form, members = self.filtered_members()
        number = self.request.GET.get("page")
        if _by_name(form):
            page, more_than = self.searched_page(form, members, number)
        else:
            page, more_than = self.listed_page(form, members, number), False
        # Read through the scoped list: a key only ever selects within what the user may read.
        page.object_list = (
            self.scoped_members()
            .filter(pk__in=page.object_list)
            .values_list(*LIST_COLUMNS, named=True)
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "filter_form": form,
            "filtered": any(query.get(name) for name in ("status", "cell", "cell_type")),
            "page": page,
            "more_than": more_than,
            "members": page.object_list,
            "query_string": query.urlencode(),
        }

    def searched_page(self, form, members, number):
        """The keys of a page of the matches of a search by name, and whether there are
        more than MATCH_LIMIT.

        The matches are the keys of the first MATCH_LIMIT + 1 members in name order: their
        number is the count (counting every "thị" of a province reads 23,000 rows; past a
        thousand matches, the person searching narrows the search rather than pages on).
        They are kept until the next write in the organisation, as the list's count is:
        the next page, or the list again after opening a member, reads only its own rows.
        """
        matches = revisions.cached_summary(
            "member-search",
            self.get_organisation(),
            [MATCH_LIMIT, *_search_key(form)],
            lambda: list(members.values_list("pk", flat=True)[: MATCH_LIMIT + 1]),
        )
        count = min(len(matches), MATCH_LIMIT)
        page = counted_page(lambda start, end: matches[start:end], number, MEMBERS_PER_PAGE, count)
        return page, len(matches) > MATCH_LIMIT

    def listed_page(self, form, members, number):
        """The keys of a page of the list not searched by name, kept until the next write
        in the organisation as its count is: a committee's list is opened far more often
        than its members change, and finding a page of a district in a province's name
        order reads ten times the page."""
        keys = members.values_list("pk", flat=True)
        filters = _search_key(form)[1:]

        def keys_between(start, end):
            return revisions.cached_summary(
                "member-page",
                self.get_organisation(),
                [*filters, start, end],
                lambda: list(keys[start:end]),
            )

        return counted_page(keys_between, number, MEMBERS_PER_PAGE, self.count(form, members))

    def count(self, form, members):
        """How many members the list holds, when not searched by name.

        Kept per revision of the organisation, for each combination of filters. It is
        the same for every reader: whoever may read an organisation reads all of its
        subtree.
        """
        if form.is_bound and not form.is_valid():
            return 0  # the list is empty: filtered_members says why
        return revisions.cached_summary(
            "member-count", self.get_organisation(), _search_key(form)[1:], members.count
        )


def _by_name(form):
    return form.is_bound and form.is_valid() and bool(form.cleaned_data["q"])


def _search_key(form):
    """What a list's members depend on besides the organisation: name searched (folded,
    as a digest: a cache key holds no spaces), status, cell and cell type."""
    data = form.cleaned_data if form.is_bound else {}
    folded = fold(data.get("q") or "")
    cell = data.get("cell")
    return [
        hashlib.sha256(folded.encode()).hexdigest()[:40] if folded else "",
        data.get("status") or "",
        cell.pk if cell else "",
        data.get("cell_type") or "",
    ]


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


class MemberCreateView(OrganisationMixin, FormView):
    permission = "manage"
    template_name = "members/member_form.html"
    form_class = MemberForm

    def get_organisation(self):
        org = super().get_organisation()
        if not org.is_cell:
            raise PermissionDenied
        return org

    def form_valid(self, form):
        try:
            member = services.create_member(
                actor=self.request.user, cell=self.get_organisation(), data=form.member_data()
            )
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã thêm đảng viên %(name)s.") % {"name": member})
        return redirect(member)


class MemberMixin(LoginRequiredMixin):
    permission = "read"

    def get_member(self):
        if not hasattr(self, "_member"):
            user = self.request.user
            member = get_object_or_404(
                selectors.members_for_user(user).select_related("cell"), pk=self.kwargs["pk"]
            )
            if self.permission != "read":
                permissions.require(user, self.permission, member.cell)
            self._member = member
        return self._member

    def get_context_data(self, **kwargs):
        member = self.get_member()
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "member": member,
            "org": member.cell,
            "breadcrumb": _visible_ancestors(user, member.cell) + [member.cell],
            "can_manage": permissions.can_manage(user, member.cell),
            "can_administer": permissions.can_administer(user, member.cell),
        }


class MemberDetailView(MemberMixin, TemplateView):
    template_name = "members/member_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = context["member"]
        context.update(
            personal=permissions.can_see_personal_data(self.request.user, member),
            on_roll=MemberStatus.on_roll(),
            status_changes=member.status_changes.select_related("recorded_by"),
            memberships=member.memberships.select_related("cell"),
            positions=member.positions.select_related("cell"),
            audit=selectors.audit_for("members.member", member.pk)[:30]
            if context["can_manage"]
            else [],
        )
        return context


class MemberUpdateView(MemberMixin, FormView):
    permission = "manage"
    template_name = "members/member_form.html"
    form_class = MemberForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_member()}

    def form_valid(self, form):
        member = self.get_member()
        member.refresh_from_db()
        try:
            services.update_member(
                actor=self.request.user,
                member=member,
                data=form.member_data(),
                version=form.cleaned_data["version"],
            )
        except services.StaleEdit as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu."))
        return redirect(member)


class MemberActionView(MemberMixin, FormView):
    """GET shows a confirmation form; POST calls the service and redirects."""

    permission = "manage"
    template_name = "members/member_action.html"
    form_class = StatusChangeForm
    title = ""
    success_message = ""

    def get_initial(self):
        return {"on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.title}

    def form_valid(self, form):
        member = self.get_member()
        try:
            self.perform(member, form.cleaned_data)
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"name": member})
        return redirect(member)


class MemberRecogniseView(MemberActionView):
    permission = "administer"
    form_class = RecogniseForm

    @property
    def title(self):
        return _("Công nhận đảng viên chính thức")

    @property
    def success_message(self):
        return _("%(name)s là đảng viên chính thức.")

    def perform(self, member, data):
        services.recognise_official(
            actor=self.request.user, member=member, on=data["on"], reason=data["reason"]
        )


class MemberExemptView(MemberActionView):
    form_class = ExemptForm

    @property
    def title(self):
        return _("Miễn công tác và sinh hoạt đảng")

    @property
    def success_message(self):
        return _("%(name)s được miễn công tác và sinh hoạt đảng.")

    def perform(self, member, data):
        services.exempt_member(
            actor=self.request.user, member=member, on=data["on"], reason=data["reason"]
        )


class MemberReinstateView(MemberActionView):
    @property
    def title(self):
        return _("Khôi phục sinh hoạt")

    @property
    def success_message(self):
        return _("%(name)s đã sinh hoạt trở lại.")

    def perform(self, member, data):
        services.reinstate_member(
            actor=self.request.user, member=member, on=data["on"], reason=data["reason"]
        )


class MemberRecordStatusView(MemberActionView):
    permission = "administer"
    form_class = RecordStatusForm

    @property
    def title(self):
        return _("Ghi nhận thay đổi tình trạng")

    @property
    def success_message(self):
        return _("Đã ghi nhận tình trạng mới của %(name)s.")

    def perform(self, member, data):
        services.record_status(
            actor=self.request.user,
            member=member,
            status=data["status"],
            on=data["on"],
            reason=data["reason"],
        )


class MemberTransferView(MemberActionView):
    permission = "administer"
    form_class = TransferForm

    @property
    def title(self):
        return _("Chuyển sinh hoạt đảng")

    @property
    def success_message(self):
        return _("Đã chuyển sinh hoạt cho %(name)s.")

    def get_form_kwargs(self):
        cells = (
            selectors.cells_for_user(self.request.user, manage=True)
            .active()
            .exclude(pk=self.get_member().cell_id)
            .select_related("parent")
            .order_by("path")
        )
        return {**super().get_form_kwargs(), "cells": cells}

    def perform(self, member, data):
        services.transfer_member(
            actor=self.request.user,
            member=member,
            to_cell=data["to_cell"],
            on=data["on"],
            temporary=data["temporary"],
            until=data["until"],
            reason=data["reason"],
        )


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
            services.appoint_position(actor=self.request.user, cell=org, **form.cleaned_data)
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
            services.end_position(
                actor=self.request.user, position=position, ended_on=form.cleaned_data["ended_on"]
            )
        except services.MembersError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã kết thúc nhiệm kỳ."))
        return redirect(position.cell)


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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with the old password counted like a login's and the
    change written to the audit log. The signing password is the same password."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(actor=self.request.user, user=self.request.user)
        return response
