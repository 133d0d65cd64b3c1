"""Meetings in Django's admin: read-only. Every change to a meeting goes through the
services from the pages, with its state rules, audit and cache revisions."""

from django.contrib import admin

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
from members.admin import ReadOnlyAdmin


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "cell", "kind", "state", "planned_at"]
    list_filter = ["state", "kind"]
    search_fields = ["cell__name", "title"]
    date_hierarchy = "planned_at"


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "role", "signer_name", "signed_at"]


@admin.register(SignedRecord)
class SignedRecordAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "number", "minutes_code", "signed_at", "issue_error"]
    search_fields = ["minutes_code", "resolution_code"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["description", "assignee", "due_on", "status"]
    list_filter = ["status"]


@admin.register(Dissemination)
class DisseminationAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "audience", "on"]


@admin.register(MinutesDraft)
class MinutesDraftAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "user", "saved_at"]


for model in (CommitteeSession, AgendaItem, Directive, Attendance, Guest, Opinion, Vote):
    admin.site.register(model, ReadOnlyAdmin)
