import importlib

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache

from cellmeet import celery_app
from members.enums import RoleKind
from tests.factories import CellFactory, MemberFactory, OrganisationFactory, make_user
from tests.meetings.conftest import cell_people  # noqa: F401 - a fixture for every test


@pytest.fixture
def rating_templates(db):
    """The rating templates the migrations ship, put back if a test that commits (a browser
    test's live server, a worker test) emptied the tables earlier in this process."""
    shipped = importlib.import_module("meetings.migrations.0002_rating_templates")
    shipped.ship(django_apps, None)


@pytest.fixture(autouse=True)
def _jobs_inline():
    """Jobs run in the test's own process, at the commit, unless a test starts workers
    (tests/test_jobs.py)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Revisions roll back with each test's transaction: a summary cached by one test
    # could match another's stamp.
    cache.clear()


@pytest.fixture
def tree(db):
    """A small district: two committees X and Y, with cells A, A2 under X and B under Y.

    Every cell holds members, so a leak from one to another would show.
    """
    district = OrganisationFactory(name="Đảng bộ huyện Thử", code="D", kind="district")
    x = OrganisationFactory(name="Đảng bộ xã Thanh Thủy", code="X", parent=district)
    y = OrganisationFactory(name="Đảng bộ xã Phương Tiến", code="Y", parent=district)
    a = CellFactory(name="Chi bộ thôn Thanh Sơn", code="A", parent=x)
    a2 = CellFactory(name="Chi bộ thôn Lùng Chang", code="A2", parent=x)
    b = CellFactory(name="Chi bộ thôn Nà Miều", code="B", parent=y)
    members = {
        "a": [MemberFactory(cell=a, full_name=name) for name in ("Nguyễn Thị Hương", "Lê Văn An")],
        "a2": [MemberFactory(cell=a2, full_name="Hoàng Văn Thạch")],
        "b": [
            MemberFactory(cell=b, full_name="Giàng Seo Chứ"),
            MemberFactory(cell=b, full_name="Bàn Thị Mẩy"),
        ],
    }
    return {"district": district, "x": x, "y": y, "a": a, "a2": a2, "b": b, "members": members}


@pytest.fixture
def personas(tree):
    """One user per role the permission tests care about."""
    member_user = make_user(tree["a"], RoleKind.MEMBER, username="member_a")
    tree["members"]["a"][1].user = member_user
    tree["members"]["a"][1].save(update_fields=["user"])
    return {
        "district": make_user(tree["district"], username="district_staff"),
        "staff_x": make_user(tree["x"], username="staff_x"),
        "staff_y": make_user(tree["y"], username="staff_y"),
        "observer": make_user(tree["district"], RoleKind.OBSERVER, username="observer"),
        "secretary_a": make_user(tree["a"], RoleKind.SECRETARY, username="secretary_a"),
        "secretary_b": make_user(tree["b"], RoleKind.SECRETARY, username="secretary_b"),
        "member_a": member_user,
    }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
