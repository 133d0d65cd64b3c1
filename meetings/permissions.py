"""Who may do what with a meeting: one named predicate per action.

Views ask here (the `permission` of `MeetingMixin`, and the flags their templates
read), services ask here before they write, and the permission-matrix test checks the
pages against them. Whether a user may see a meeting at all is the scoped selector's
rule (meetings.selectors.meeting_for_user).
"""

from django.core.exceptions import PermissionDenied

from meetings.enums import MeetingState, RaterRole, SignerRole
from members import permissions as member_permissions


def can_manage(user, meeting):
    return member_permissions.can_manage(user, meeting.cell)


def can_write_minutes(user, meeting):
    """The cell's managers, and the meeting's own minute-taker."""
    member = getattr(user, "member", None)
    return can_manage(user, meeting) or (
        member is not None and meeting.minute_taker_id == member.pk
    )


def can_sign(user, meeting):
    """Only the chair and the minute-taker sign, each as themselves."""
    member = getattr(user, "member", None)
    return member is not None and member.pk in (meeting.chair_id, meeting.minute_taker_id)


def can_rate(user, meeting, role):
    """The host cell's managers rate it themselves; committee staff above it rate it too."""
    if role == RaterRole.HOST:
        return member_permissions.can_manage(user, meeting.cell)
    parent = meeting.cell.parent
    return parent is not None and member_permissions.can_administer(user, parent)


def signer_roles(meeting, member):
    roles = set()
    if member is not None and meeting.chair_id == member.pk:
        roles.add(SignerRole.CHAIR)
    if member is not None and meeting.minute_taker_id == member.pk:
        roles.add(SignerRole.MINUTE_TAKER)
    return roles


def can_ask(user, meeting):
    """The chair or minute-taker who has not signed, while the other has."""
    member = getattr(user, "member", None)
    roles = signer_roles(meeting, member)
    if meeting.state != MeetingState.SUBMITTED or not roles:
        return False
    signed = {s.member_id for s in meeting.signatures.all()}
    return bool(signed) and member.pk not in signed


def can_agree(user, meeting):
    member = getattr(user, "member", None)
    request = getattr(meeting, "reopen_request", None)
    if meeting.state != MeetingState.SUBMITTED or request is None or member is None:
        return False
    return meeting.signatures.filter(member=member).exists()


# The actions a meeting page can require, by name (the `permission` of MeetingMixin).
ACTIONS = {"manage": can_manage, "minutes": can_write_minutes, "sign": can_sign}


def require(user, action, meeting):
    """Raise PermissionDenied unless `user` may do `action` with `meeting`."""
    if not ACTIONS[action](user, meeting):
        raise PermissionDenied
