"""What every members service shares: the error, the audit row (`record_audit`), and the
versioned save that refuses a stale edit."""

from django.db.models import F

from members import revisions
from members.logtext import gettext_kept as _
from members.logtext import plain_params
from members.models import AuditEvent, Organisation


class MembersError(Exception):
    """A refused action; the message is for the user, already translated."""


class StaleEdit(MembersError):
    """Someone else saved the record after this form was opened."""


def record_audit(*, actor, action, target, organisation, summary, changes=None):
    """Write one audit row describing a change a person made."""
    return AuditEvent.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        organisation=organisation,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        summary=summary[:400],
        message=getattr(summary, "msgid", None) or "",
        params=plain_params(getattr(summary, "params", None)),
        changes=changes or {},
    )


def _diff(instance, data):
    changes = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
    return changes


def _plain(value):
    if isinstance(value, Organisation):
        return value.name
    if value is None:
        return None
    return str(value)


def _save_versioned(instance, data, version):
    """Save `data` onto `instance` only if nobody saved it since `version` was read."""
    model = type(instance)
    updated = model.objects.filter(pk=instance.pk, version=version).update(
        version=F("version") + 1, **data
    )
    if not updated:
        raise StaleEdit(
            _(
                "Bản ghi này vừa được người khác sửa sau khi bạn mở biểu mẫu. "
                "Nội dung của bạn vẫn còn bên dưới: hãy xem lại bản mới rồi lưu lại."
            )
        )
    for field, value in data.items():
        setattr(instance, field, value)
    instance.version = version + 1
    # An update() sends no signal: the unit's cached summaries must still see the change.
    revisions.touch(instance.pk if isinstance(instance, Organisation) else instance.cell_id)
