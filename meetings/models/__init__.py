"""The meetings app's tables, one module per capability; every model is imported here,
so `meetings.models.Meeting` and the migrations stay as they were."""

from meetings.models.books import BookState, MinuteBook
from meetings.models.follow_up import Dissemination, Task
from meetings.models.meeting import (
    SIGNED_TOTALS,
    FrozenError,
    FrozenQuerySet,
    Meeting,
    MeetingQuerySet,
)
from meetings.models.notices import (
    Attachment,
    MeetingNotice,
    Notification,
    NotificationQuerySet,
    Reply,
    WrittenOpinion,
)
from meetings.models.parts import (
    AgendaItem,
    Attendance,
    CommitteeSession,
    Directive,
    Guest,
    MeetingPart,
    Opinion,
    Vote,
)
from meetings.models.records import (
    ClientOperation,
    MinutesDocument,
    MinutesDraft,
    ReopenRequest,
    Signature,
    SignedRecord,
    WriteOnce,
)
from meetings.models.rotation_plan import Lesson, Rating, RatingTemplate, RotationSlot

__all__ = [
    "BookState",
    "MinuteBook",
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
