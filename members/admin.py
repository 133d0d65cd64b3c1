"""Django's admin: a window on the data for the superuser, writing only through the
services. Organisations, roles and user accounts are created and changed here through
the same services (rules, audit, cache revisions) as the pages; everything else is read
here and changed in the pages. tests/members/test_admin.py walks every registered admin.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from members import services
from members.access import roles
from members.access import services as access_services
from members.models import (
    AuditEvent,
    Member,
    Membership,
    MemberStatusChange,
    Organisation,
    Position,
    Role,
)
from members.tree import services as tree_services


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows the rows; adds, changes and deletes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _refused(request, exc):
    messages.error(request, str(exc))
    raise PermissionDenied(str(exc)) from exc


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Created and changed through the services, so that the tree's paths, the audit
    and the cached summaries follow. Moving a unit and dissolving one are done in the
    pages, where their rules are checked."""

    list_display = ["name", "code", "kind", "cell_type", "parent", "dissolved_on"]
    list_filter = ["kind", "cell_type"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    fields = ["name", "code", "kind", "cell_type", "parent", "liaison", "founded_on"]
    EDITABLE = ["name", "code", "kind", "cell_type", "liaison", "founded_on"]

    def get_readonly_fields(self, request, obj=None):
        return ["parent"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.EDITABLE}
        try:
            if change:
                current = Organisation.objects.get(pk=obj.pk)
                saved = tree_services.update_organisation(
                    actor=request.user, org=current, data=data, version=current.version
                )
            else:
                saved = tree_services.create_organisation(
                    actor=request.user, parent=form.cleaned_data["parent"], data=data
                )
        except services.MembersError as exc:
            _refused(request, exc)
        obj.pk, obj.path, obj.depth = saved.pk, saved.path, saved.depth


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Roles are granted here and ended here (never deleted: the record of who could see
    what stays), through members.access.roles."""

    list_display = ["user", "kind", "organisation", "ended_on"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "organisation"]
    fields = ["user", "organisation", "kind"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            role = roles.grant_role(actor=request.user, user=obj.user,
                                    organisation=obj.organisation, kind=obj.kind)  # fmt: skip
        except services.MembersError as exc:
            _refused(request, exc)
        obj.pk = role.pk

    def delete_model(self, request, obj):
        roles.end_role(actor=request.user, role=obj, reason="admin")

    def delete_queryset(self, request, queryset):
        for role in queryset:
            self.delete_model(request, role)


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)  # cellmeet's access is by roles, not groups


@admin.register(User)
class AccountAdmin(UserAdmin):
    """User accounts: created, changed and deactivated here, with an audit row each.
    An account with signatures or audit rows is never deleted: deactivate it."""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        access_services.save_account(actor=request.user, user=obj, changed=form.changed_data)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            access_services.password_changed(actor=request.user, user=self.get_object(request, id))
        return response


for model in (Member, MemberStatusChange, Membership, Position):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail is written by the application and edited by nobody."""

    list_display = ["created_at", "actor", "action", "summary"]
    list_filter = ["action"]
    search_fields = ["summary"]
