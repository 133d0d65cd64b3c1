"""The members app's tables, one module per capability; every model is imported here, so
`members.models.Member` and the migrations stay as they were."""

from members.models.access import LoginAttempt, Role, RoleQuerySet
from members.models.audit import ISO_DATE, AuditEvent, AuditEventQuerySet, AuditTrailIsAppendOnly
from members.models.member import (
    MEMBER_FIELDS,
    Member,
    MemberQuerySet,
    Membership,
    MemberStatusChange,
    Position,
    age_on,
)
from members.models.organisation import (
    Organisation,
    OrganisationQuerySet,
    TreeChange,
    branch_below,
    tree_order,
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
