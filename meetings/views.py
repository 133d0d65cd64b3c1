"""The home page, and what every meeting page shares: the mixins that fetch a meeting
through its selector and check the action's permission, and the parsing of a query's
numbers and years."""

import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from meetings import permissions, selectors, services
from meetings.compliance import attention
from meetings.enums import MeetingState
from members import revisions
from members import selectors as member_selectors
from members.enums import RoleKind

# Years a page may be asked about (the Party's founding to a lifetime ahead); anything
# else is a typo or a tampered address, and would not fit a date or the database.
FIRST_YEAR, LAST_YEAR = 1930, 2100


class HomeView(LoginRequiredMixin, TemplateView):
    """Each user's starting point: their roles with counts, and for a secretary the
    next meeting and what is still missing to hold it."""

    template_name = "meetings/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        roles = member_selectors.roles_for_user(user)
        cells, staff_cards = [], []
        for role in roles:
            # A province's counts read 87,000 members, a cell's card a dozen queries:
            # each is kept until the next write under its organisation.
            org = role.organisation
            role.counts = revisions.cached_summary(
                "counts", org, [], partial(member_selectors.summary_counts, org)
            )
            if role.kind == RoleKind.SECRETARY:
                cells.append(
                    revisions.cached_summary(
                        "cell-overview", org, [today], partial(self.render_cell, org, today)
                    )
                )
            elif not org.is_cell and role.kind in (RoleKind.COMMITTEE_STAFF, RoleKind.OBSERVER):
                staff_cards.append(
                    revisions.cached_summary(
                        "attention", org, [today], partial(self.render_attention, org, today)
                    )
                )
        member = member_selectors.own_member(user)
        to_sign, reopen_asks = selectors.submitted_for(member)
        return {
            **super().get_context_data(**kwargs),
            "roles": roles,
            "own_member": member,
            "cells": cells,
            "attention": staff_cards,
            "to_sign": to_sign,
            "at_hand": selectors.meetings_at_hand(user, member),
            "reopen_asks": reopen_asks,
        }

    def render_attention(self, org, today):
        context = {"a": attention.for_committee(org, today)}
        return render_to_string("meetings/_staff_attention.html", context)

    def render_cell(self, cell, today):
        context = {"item": selectors.cell_overview(cell, today)}
        return render_to_string("meetings/_cell_overview.html", context)


def _number(value):
    """`value`, from a query string or a form, as an int; None if it is not one (or has
    more digits than Python converts)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _year(value):
    """`value` as a year between FIRST_YEAR and LAST_YEAR, else None."""
    year = _number(value)
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None


def _present(org):
    """The day a unit's pages open on: today, or for a dissolved unit its last day."""
    if org.dissolved_on is not None:
        return org.dissolved_on - datetime.timedelta(days=1)
    return timezone.localdate()


class MeetingMixin(LoginRequiredMixin):
    """Fetches the meeting through the user's scope: 404 outside it, 403 without the role."""

    permission = "read"  # "manage", "minutes" or "sign"
    # What the page reads besides the meeting; each join costs planning time on every request.
    related = ("cell__parent",)

    def get_meeting(self):
        if not hasattr(self, "_meeting"):
            user = self.request.user
            meeting = selectors.meeting_for_user(
                user, self.kwargs["pk"], related=self.related, as_guest=self.permission == "read"
            )
            if meeting is None:
                raise Http404
            if self.permission != "read":  # reading is the scoped selector's rule
                permissions.require(user, self.permission, meeting)
            self._meeting = meeting
        return self._meeting

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "meeting": meeting,
            "org": meeting.cell,
            "breadcrumb": member_selectors.visible_ancestors(user, meeting.cell) + [meeting.cell],
            "can_manage": permissions.can_manage(user, meeting),
            "can_write_minutes": permissions.can_write_minutes(user, meeting),
        }


class MeetingActionMixin(MeetingMixin):
    """Runs a service; its refusal becomes a form error, success a message and redirect."""

    success_message = ""
    open_states = None  # states in which the form can be saved; None: any

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locked"] = _locked_message(self.get_meeting(), self.open_states)
        return context

    def run(self, form, action):
        try:
            action()
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_meeting())


def _locked_message(meeting, open_states):
    """Why a form cannot be saved in the meeting's present state (None if it can)."""
    if open_states is None or meeting.state in open_states:
        return None
    if meeting.state == MeetingState.SIGNED:
        return _("Biên bản đã ký: không thể thay đổi cuộc họp này.")
    return _("Ở trạng thái “%(s)s” không sửa được phần này.") % {"s": meeting.get_state_display()}
