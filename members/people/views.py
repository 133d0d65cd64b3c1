"""Members' pages: the list and its search, a member, creating and editing, status moves
and transfers."""

import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from members import permissions, revisions, selectors, services
from members.enums import MemberStatus
from members.people import services as people_services
from members.people.forms import (
    ExemptForm,
    MemberFilterForm,
    MemberForm,
    RecogniseForm,
    RecordStatusForm,
    StatusChangeForm,
    TransferForm,
)
from members.text import fold
from members.views import OrganisationMixin, counted_page

MEMBERS_PER_PAGE = 50
MATCH_LIMIT = 1000
# What a row of the member list shows (members.templatetags.member_list), read as tuples.
LIST_COLUMNS = ["pk", "full_name", "status", "date_of_birth", "ethnicity", "admitted_on",
                "cell__name", "cell__parent_id", "cell__parent__name"]  # fmt: skip
# A committee's cells fit a drop-down; a district's 475 do not (too long to read or to
# render): above this, staff open a committee to filter by its cells.
CELL_FILTER_LIMIT = 80


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
            member = people_services.create_member(
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
            "breadcrumb": selectors.visible_ancestors(user, member.cell) + [member.cell],
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
            people_services.update_member(
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
        people_services.recognise_official(
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
        people_services.exempt_member(
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
        people_services.reinstate_member(
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
        people_services.record_status(
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
        people_services.transfer_member(
            actor=self.request.user,
            member=member,
            to_cell=data["to_cell"],
            on=data["on"],
            temporary=data["temporary"],
            until=data["until"],
            reason=data["reason"],
        )
