"""The members app's tables, one module per capability; every model is imported here, so
`members.models.Member` and the migrations stay as they were."""

from members.models.member import (
    age_on,
    MEMBER_FIELDS,
    MemberQuerySet,
    Member,
    MemberStatusChange,
    Membership,
    Position,
)
from members.models.access import RoleQuerySet, Role, LoginAttempt
from members.models.audit import AuditEventQuerySet, AuditTrailIsAppendOnly, AuditEvent, ISO_DATE
from members.models.organisation import (
    tree_order,
    branch_below,
    OrganisationQuerySet,
    Organisation,
    TreeChange,
)

__all__ = [
    "age_on",
    "MEMBER_FIELDS",
    "MemberQuerySet",
    "Member",
    "MemberStatusChange",
    "Membership",
    "Position",
    "RoleQuerySet",
    "Role",
    "LoginAttempt",
    "AuditEventQuerySet",
    "AuditTrailIsAppendOnly",
    "AuditEvent",
    "ISO_DATE",
    "tree_order",
    "branch_below",
    "OrganisationQuerySet",
    "Organisation",
    "TreeChange",
]
