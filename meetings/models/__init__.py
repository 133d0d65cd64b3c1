"""The meetings app's tables, one module per capability; every model is imported here,
so `meetings.models.Meeting` and the migrations stay as they were."""

from meetings.models.parts import (
    MeetingPart,
    CommitteeSession,
    AgendaItem,
    Directive,
    Attendance,
    Guest,
    Opinion,
    Vote,
)
from meetings.models.records import (
    WriteOnce,
    Signature,
    SignedRecord,
    MinutesDraft,
    ReopenRequest,
    ClientOperation,
    MinutesDocument,
)
from meetings.models.follow_up import Task, Dissemination
from meetings.models.rotation_plan import RotationSlot, RatingTemplate, Rating, Lesson
from meetings.models.notices import (
    MeetingNotice,
    NotificationQuerySet,
    Notification,
    Attachment,
    Reply,
    WrittenOpinion,
)
from meetings.models.meeting import (
    FrozenError,
    FrozenQuerySet,
    MeetingQuerySet,
    SIGNED_TOTALS,
    Meeting,
)

__all__ = [
    "MeetingPart",
    "CommitteeSession",
    "AgendaItem",
    "Directive",
    "Attendance",
    "Guest",
    "Opinion",
    "Vote",
    "WriteOnce",
    "Signature",
    "SignedRecord",
    "MinutesDraft",
    "ReopenRequest",
    "ClientOperation",
    "MinutesDocument",
    "Task",
    "Dissemination",
    "RotationSlot",
    "RatingTemplate",
    "Rating",
    "Lesson",
    "MeetingNotice",
    "NotificationQuerySet",
    "Notification",
    "Attachment",
    "Reply",
    "WrittenOpinion",
    "FrozenError",
    "FrozenQuerySet",
    "MeetingQuerySet",
    "SIGNED_TOTALS",
    "Meeting",
]
