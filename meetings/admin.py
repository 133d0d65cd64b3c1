from django.contrib import admin

from meetings.enums import MeetingState
from meetings.models import (
    AgendaItem,
    Attendance,
    CommitteeSession,
    Directive,
    Dissemination,
    Guest,
    Meeting,
    MinutesDraft,
    Opinion,
    Signature,
    SignedRecord,
    Task,
    Vote,
)


def _signed(obj):
    meeting = getattr(obj, "meeting", obj)
    return meeting is not None and meeting.state == MeetingState.SIGNED


class FrozenAdmin(admin.ModelAdmin):
    """Signed meetings and everything recorded in them are read-only here too."""

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and _signed(obj)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and _signed(obj)) and super().has_delete_permission(
            request, obj
        )


@admin.register(Meeting)
class MeetingAdmin(FrozenAdmin):
    list_display = ["__str__", "cell", "kind", "state", "planned_at"]
    list_filter = ["state", "kind"]
    search_fields = ["cell__name", "title"]
    raw_id_fields = ["cell", "chair", "minute_taker", "amends"]
    readonly_fields = ["state", "version", "period"]
    date_hierarchy = "planned_at"


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["meeting", "role", "signer_name", "signed_at"]
    readonly_fields = [f.name for f in Signature._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignedRecord)
class SignedRecordAdmin(SignatureAdmin):
    list_display = ["meeting", "number", "minutes_code", "signed_at", "issue_error"]
    search_fields = ["minutes_code", "resolution_code"]
    readonly_fields = [f.name for f in SignedRecord._meta.fields]


for model in (CommitteeSession, AgendaItem, Directive, Attendance, Guest, Opinion, Vote):
    admin.site.register(model, FrozenAdmin, raw_id_fields=[
        f.name for f in model._meta.fields if f.many_to_one or f.one_to_one
    ])  # fmt: skip


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["description", "assignee", "due_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "assignee"]


@admin.register(Dissemination)
class DisseminationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "audience", "on"]
    raw_id_fields = ["meeting"]


@admin.register(MinutesDraft)
class MinutesDraftAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "saved_at"]
    raw_id_fields = ["meeting", "user"]
