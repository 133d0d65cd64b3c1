from django.contrib import admin

from members.models import (
    AuditEvent,
    Member,
    Membership,
    MemberStatusChange,
    Organisation,
    Position,
    Role,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "cell_type", "parent", "dissolved_on"]
    list_filter = ["kind", "cell_type"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth", "version"]


class StatusChangeInline(admin.TabularInline):
    model = MemberStatusChange
    extra = 0
    raw_id_fields = ["recorded_by"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["cell"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "cell", "status", "party_card_number"]
    list_filter = ["status", "sex"]
    search_fields = ["search_name", "party_card_number", "citizen_id"]
    raw_id_fields = ["cell", "user"]
    readonly_fields = ["search_name", "version"]
    inlines = [StatusChangeInline, MembershipInline]


@admin.register(MemberStatusChange)
class MemberStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["member", "status", "effective_on"]
    raw_id_fields = ["member", "recorded_by"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "cell", "kind", "started_on", "ended_on"]
    raw_id_fields = ["member", "cell"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["member", "cell", "role", "started_on", "ended_on"]
    list_filter = ["role"]
    raw_id_fields = ["member", "cell"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "organisation"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "organisation"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by the application and edited by nobody."""

    list_display = ["created_at", "actor", "action", "summary"]
    list_filter = ["action"]
    search_fields = ["summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
