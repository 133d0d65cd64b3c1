"""The demo's published logins (printed by `make run`), one per persona, all with the
same password."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from members.enums import MemberStatus, PositionRole, RoleKind
from members.models import Member, Organisation, Position, Role

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo logins, printed by `make run`

DEMO_USERS = [
    # username, full name or None (taken from the linked member), role, org code, member role
    ("district", "Ban Tổ chức Huyện ủy Vị Xuyên", RoleKind.COMMITTEE_STAFF, "VX", None),
    ("thanhthuy", "Văn phòng Đảng ủy xã Thanh Thủy", RoleKind.COMMITTEE_STAFF, "VX-TT", None),
    ("thanhson.bithu", None, RoleKind.SECRETARY, "VX-TT-THANHSON", "secretary"),
    ("thanhson.thuky", None, RoleKind.MEMBER, "VX-TT-THANHSON", "minute_taker"),
    ("namieu.bithu", None, RoleKind.SECRETARY, "VX-PT-NAMIEU", "secretary"),
]


@functools.cache
def demo_password_hash():
    """The demo password, hashed once for every demo account (hashing is slow by design)."""
    return make_password(DEMO_PASSWORD)


def demo_logins():
    return [(username, DEMO_PASSWORD) for username, *_rest in DEMO_USERS]


def _ensure_users():
    User = get_user_model()
    password = demo_password_hash()
    if not User.objects.filter(username="admin").exists():
        User.objects.create(username="admin", password=password, is_staff=True, is_superuser=True,
                            first_name="Quản trị hệ thống")  # fmt: skip
    for username, full_name, role_kind, org_code, member_role in DEMO_USERS:
        org = Organisation.objects.get(code=org_code)
        user, created = User.objects.get_or_create(
            username=username, defaults={"password": password}
        )
        if not created:
            continue
        member = None
        if member_role == "secretary":
            member = Position.objects.get(
                cell=org, role=PositionRole.SECRETARY, ended_on__isnull=True
            ).member
        elif member_role == "minute_taker":
            posts = Position.objects.filter(cell=org).values_list("member_id", flat=True)
            member = (
                Member.objects.filter(cell=org, status=MemberStatus.OFFICIAL, user__isnull=True)
                .exclude(pk__in=posts)
                .order_by("pk")
                .first()
            )
        if member is not None:
            member.user = user
            member.save(update_fields=["user"])
            full_name = member.full_name
        *first, last = full_name.split(" ")
        user.first_name, user.last_name = (" ".join(first), last) if member else (full_name, "")
        user.save(update_fields=["first_name", "last_name"])
        Role.objects.create(user=user, organisation=org, kind=role_kind)
