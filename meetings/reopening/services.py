"""Reopening submitted minutes by agreement, before the second signature.

The signer who has not signed yet spots a mistake and asks; the signer who has signed
agrees, re-entering their password: their signature is withdrawn (the audit keeps what
was signed, by whom and when) and the minutes are open to correct again. Once both have
signed, the minutes are frozen and only an addendum corrects them.
"""

from django.contrib.auth import authenticate
from django.db import transaction

from meetings import permissions, services
from meetings.enums import MeetingState
from meetings.models import ReopenRequest, Signature
from members.access.lockout import locked_until, lockout_message
from members.logtext import gettext_kept as _


@transaction.atomic
def ask_to_reopen(*, actor, meeting, reason):
    meeting = services._locked(meeting)
    if not permissions.can_ask(actor, meeting):
        raise services.MeetingError(
            _("Chỉ người chưa ký (chủ trì hoặc thư ký) đề nghị mở lại, khi người kia đã ký.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise services.MeetingError(_("Hãy ghi cần sửa gì trong biên bản."))
    request, _created = ReopenRequest.objects.update_or_create(
        meeting=meeting, defaults={"asked_by": actor.member, "reason": reason[:300]}
    )
    services._audit(actor, meeting, "reopen_asked",
                    _("%(name)s đề nghị mở lại biên bản để sửa: %(reason)s")
                    % {"name": actor.member.full_name, "reason": request.reason})  # fmt: skip
    return request


def agree_to_reopen(*, actor, meeting, password):
    """The signer who signed agrees: checks their password (counted towards the lockout),
    withdraws their signature and reopens the minutes."""
    if until := locked_until(actor.get_username()):
        raise services.MeetingError(lockout_message(until))
    if authenticate(username=actor.get_username(), password=password) is None:
        raise services.MeetingError(_("Mật khẩu không đúng."))
    return _agree(actor=actor, meeting=meeting)


@transaction.atomic
def _agree(*, actor, meeting):
    meeting = services._locked(meeting)
    if not permissions.can_agree(actor, meeting):
        raise services.MeetingError(_("Không có đề nghị mở lại nào chờ bạn đồng ý."))
    request = meeting.reopen_request
    withdrawn = list(meeting.signatures.all())
    for signature in withdrawn:
        services._audit(
            actor, meeting, "signature_withdrawn",
            _("Rút chữ ký của %(name)s (%(role)s) để mở lại biên bản theo đề nghị của %(asker)s")
            % {"name": signature.signer_name, "role": signature.get_role_display(),
               "asker": request.asked_by.full_name},
            changes={"signed_at": signature.signed_at.isoformat(),
                     "content_hash": signature.content_hash, "reason": request.reason},
        )  # fmt: skip
    Signature.objects.filter(pk__in=[s.pk for s in withdrawn]).delete()
    request.delete()
    return services.change_state(actor=actor, meeting=meeting, to=MeetingState.HELD,
                                 reason=_("Mở lại theo thỏa thuận của chủ trì và thư ký"))  # fmt: skip
