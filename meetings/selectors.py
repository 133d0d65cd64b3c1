"""Reads of meetings, scoped to what the user may see."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from meetings import workflow
from meetings.enums import MeetingKind, MeetingState, NotificationKind, Presence, TaskStatus
from meetings.models import Meeting, Notification, Signature, Task
from members import permissions as member_permissions
from members import selectors as member_selectors
from members.enums import MembershipKind, MemberStatus, OrgKind, RoleKind
from members.models import Member, Membership, MemberStatusChange, Organisation, tree_order

GONE = {
    MemberStatus.TRANSFERRED_OUT,
    MemberStatus.STRUCK_OFF,
    MemberStatus.EXPELLED,
    MemberStatus.DECEASED,
}


def meetings_for_user(user, *, manage=False, as_guest=False):
    """Meetings of cells the user may read (or manage).

    `as_guest`: also the model meetings of other cells the user was sent the notice of
    as a guest (for the pages of one meeting, not for lists and dashboards).
    """
    cells = member_selectors.cells_for_user(user, manage=manage)
    if not as_guest or manage or not user.is_authenticated:
        return Meeting.objects.filter(cell__in=cells)
    invited = _invitations(user).values("meeting_id")
    return Meeting.objects.filter(Q(cell__in=cells) | Q(pk__in=invited))


def _invitations(user):
    """The notices of other cells' model meetings the user was sent as a guest."""
    return Notification.objects.filter(
        recipient__user=user, kind=NotificationKind.NOTICE, meeting__kind=MeetingKind.MODEL
    )


def meeting_for_user(user, pk, *, related=(), as_guest=False):
    """The meeting `pk` if the user may read it (the rule of `meetings_for_user`), else None.

    For the pages of one meeting: the row by its key and the rule checked on its cell,
    rather than the scope as a subquery, which costs more to plan than to run.
    """
    if not user.is_authenticated:
        return None
    meeting = Meeting.objects.select_related("cell", *related).filter(pk=pk).first()
    if meeting is None:
        return None
    if member_permissions.can_read(user, meeting.cell):
        return meeting
    if as_guest and _invitations(user).filter(meeting=meeting).exists():
        return meeting
    if member_selectors.reads_as_successor(user, meeting.cell):
        return meeting  # a predecessor's history; managing it stays with can_manage
    return None


@dataclass
class RosterEntry:
    member: Member
    status_on_day: str
    official_on_day: bool
    hosted: bool

    @property
    def status_label(self):
        return MemberStatus(self.status_on_day).label


def roster(cell, day):
    """Everyone who belonged to (or was hosted by) `cell` on `day`, in three queries.

    Each comes with the status they had that day, read from their history, so an
    old meeting still shows who was in the cell then.
    """
    covering = Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))
    stays = Membership.objects.filter(covering, cell=cell).values_list("member_id", "kind")
    hosted_ids = {mid for mid, kind in stays if kind == MembershipKind.TEMPORARY}
    member_ids = {mid for mid, _kind in stays}
    status = {}
    for change in (
        MemberStatusChange.objects.filter(member_id__in=member_ids, effective_on__lte=day)
        .order_by("effective_on", "id")
        .values("member_id", "status")
    ):
        status[change["member_id"]] = change["status"]
    entries = []
    for member in Member.objects.filter(pk__in=member_ids).order_by("sort_name"):
        hosted = member.pk in hosted_ids
        on_day = status.get(member.pk, member.status)
        if hosted and on_day == MemberStatus.TEMPORARILY_AWAY:
            on_day = MemberStatus.OFFICIAL if member.official_on else MemberStatus.PROBATIONARY
        if on_day in GONE:
            continue
        official = bool(member.official_on and member.official_on <= day)
        entries.append(RosterEntry(member, on_day, official, hosted))
    return entries


def meeting_page(meeting):
    """Everything the meeting page shows, with related rows fetched up front."""
    return {
        "agenda": list(meeting.agenda.all()),
        "directives": list(meeting.directives.all()),
        "attendance": list(meeting.attendance.select_related("member")),
        "guests": list(meeting.guests.all()),
        "opinions": list(
            meeting.opinions.select_related("speaker_member", "speaker_guest", "item")
        ),
        "votes": list(meeting.votes.all()),
        "signatures": list(meeting.signatures.all()),
        "tasks": list(meeting.tasks.select_related("assignee")),
        "disseminations": list(meeting.disseminations.all()),
        "addenda": list(meeting.addenda.all()),
    }


def previous_tasks(meeting):
    """Tasks from the cell's previous meetings still open, or closed since the last one."""
    earlier = Meeting.objects.filter(cell_id=meeting.cell_id, planned_at__lt=meeting.planned_at)
    last = earlier.exclude(state=MeetingState.CANCELLED).order_by("-planned_at").first()
    if last is None:
        return Task.objects.none()
    return (
        Task.objects.filter(
            meeting__cell_id=meeting.cell_id, meeting__planned_at__lt=meeting.planned_at
        )
        .filter(Q(meeting=last) | Q(status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS]))
        .select_related("assignee", "meeting")
    )


OPEN_STATES = [
    MeetingState.PLANNED,
    MeetingState.PREPARED,
    MeetingState.HELD,
    MeetingState.POSTPONED,
]


def cell_overview(cell, today):
    """For a secretary's home page: the cell's next meeting and what is still missing to
    hold it, minutes waiting for signatures, overdue tasks, and whether it met this month."""
    upcoming = cell.meetings.filter(state__in=OPEN_STATES).order_by("planned_at").first()
    return {
        "cell": cell,
        "next": upcoming,
        "steps": workflow.next_steps(upcoming) if upcoming else [],
        "waiting": list(cell.meetings.filter(state=MeetingState.SUBMITTED)),
        "overdue": list(
            Task.objects.filter(
                meeting__cell=cell,
                status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS],
                due_on__lt=today,
            ).select_related("assignee")
        ),
        "this_month": cell.meetings.sittings()
        .filter(period=today.replace(day=1))
        .exclude(state=MeetingState.CANCELLED)
        .exists(),
    }


def submitted_for(member):
    """(minutes to sign, reopen requests to answer) of `member`, in one query: submitted
    minutes they chaired or took and have not signed yet, and submitted minutes they
    signed whose reopening someone asked for and waits for their agreement."""
    if member is None:
        return [], []
    signed = Signature.objects.filter(meeting=OuterRef("pk"), member=member)
    asked = Signature.objects.filter(member=member, meeting__reopen_request__isnull=False)
    rows = list(
        Meeting.objects.filter(state=MeetingState.SUBMITTED)
        .filter(
            Q(chair_id=member.pk)
            | Q(minute_taker_id=member.pk)
            | Q(pk__in=asked.values("meeting_id"))
        )  # fmt: skip
        .annotate(signed_by_member=Exists(signed))
        .select_related("cell", "reopen_request__asked_by")
        .order_by("planned_at", "pk")
    )
    to_sign = [m for m in rows if member.pk in (m.chair_id, m.minute_taker_id)
               and not m.signed_by_member]  # fmt: skip
    asks = [m for m in rows if m.signed_by_member and _has_reopen_request(m)]
    return to_sign, asks


def _has_reopen_request(meeting):
    try:
        return meeting.reopen_request is not None
    except ObjectDoesNotExist:
        return False


def meetings_at_hand(user, member):
    """Meetings being prepared, held or signed that this user works on tonight: those of
    the cells they manage as secretary, and those they chair or take the minutes of."""
    cells = [r.organisation_id for r in member_selectors.roles_for_user(user)
             if r.kind == RoleKind.SECRETARY]  # fmt: skip
    at_hand = Q(cell_id__in=cells,
                state__in=[MeetingState.PREPARED, MeetingState.HELD, MeetingState.SUBMITTED])  # fmt: skip
    if member is not None:
        at_hand |= Q(state__in=[MeetingState.HELD, MeetingState.SUBMITTED]) & (
            Q(chair_id=member.pk) | Q(minute_taker_id=member.pk)
        )
    return list(Meeting.objects.filter(at_hand).select_related("cell").order_by("planned_at")[:5])


def presence_choices(entry):
    """A suspended member is neither at the meeting nor absent from it."""
    if entry.status_on_day == MemberStatus.SUSPENDED:
        return [(Presence.SUSPENDED.value, Presence.SUSPENDED.label)]
    return [(value, label) for value, label in Presence.choices if value != Presence.SUSPENDED]


# -- the rotation's groups ----------------------------------------------------------


def rotation_groups(org):
    """The groups under `org`: itself if cells sit directly under it, and every committee
    below it (a committee with no cells yet still has its row)."""
    committees = sorted(
        Organisation.objects.subtree_of(org).exclude(
            kind__in=[*OrgKind.cell_kinds(), OrgKind.PARTY_GROUP]
        ),
        key=tree_order,
    )
    has_cells = Organisation.objects.filter(parent=org).cells().exists()
    return [c for c in committees if c.pk != org.pk or has_cells]


def existed_in(group, year):
    """Did `group` exist some time in `year`?"""
    return (group.founded_on is None or group.founded_on.year <= year) and (
        group.dissolved_on is None or group.dissolved_on.year >= year
    )


def unread_of_user():
    """The number of unread notifications of the user whose key is OuterRef("pk"), as an
    expression (read with the signed-in user: members.auth.user_annotations)."""
    unread = (
        Notification.objects.filter(recipient__user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient__user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)
