"""Who may do what to an organisation and its members: one named predicate per action.

Views, templates (through the view's context) and the permission-matrix test ask here;
the scoped selectors (members.selectors) decide what a user may see at all, and these
what they may do with it once seen.
"""

from django.core.exceptions import PermissionDenied

from members import selectors
from members.enums import RoleKind


def can_read(user, org):
    """May the user read `org` (any role at or above it)? `organisations_for_user`'s rule
    for one organisation already fetched."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(org.path.startswith(path) for path in selectors.scope_paths(user, RoleKind.values))


def can_manage(user, org):
    """May the user change `org` and its members (committee staff above it, its secretary)?"""
    if user.is_superuser:
        return True
    return any(
        org.path.startswith(path) for path in selectors.scope_paths(user, RoleKind.managing())
    )


def can_administer(user, org):
    """May the user create, edit or dissolve organisations at `org` (committee staff only)?"""
    if user.is_superuser:
        return True
    paths = selectors.scope_paths(user, [RoleKind.COMMITTEE_STAFF])
    return any(org.path.startswith(path) for path in paths)


def can_see_personal_data(user, member):
    return can_manage(user, member.cell) or getattr(user, "member", None) == member


# The actions a page can require, by name (the `permission` of a view mixin).
ACTIONS = {"read": can_read, "manage": can_manage, "administer": can_administer}


def require(user, action, org):
    """Raise PermissionDenied unless `user` may do `action` ("read", "manage",
    "administer") at `org`."""
    if not ACTIONS[action](user, org):
        raise PermissionDenied
