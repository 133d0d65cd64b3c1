"""Cached summaries cannot outlive a write, whoever makes it: every model declares the
unit its rows belong to, single and bulk writes raise that unit's revision, keys carry
the deployment's name, and a restore moves every revision past the ones cached.

These tests commit (transaction=True): revisions are raised when a write commits.
"""

import datetime
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from meetings.meeting import services as meeting_services
from meetings.models import CommitteeSession, Meeting
from members import revisions
from members.enums import RoleKind
from members.models import AuditEvent, LoginAttempt, Member, Organisation
from members.querysets import TouchingQuerySet
from tests.factories import OrganisationFactory, make_user
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MISSING = object()


def all_models():
    return [
        model for app in ("members", "meetings") for model in apps.get_app_config(app).get_models()
    ]


@pytest.mark.parametrize("model", all_models(), ids=lambda m: m._meta.label)
def test_every_model_says_which_unit_its_rows_belong_to(model):
    path = getattr(model, "revision_path", MISSING)
    assert path is not MISSING, (
        "declare revision_path (None, with the reason, if it feeds no summary)"
    )
    if path is None:
        return
    assert isinstance(model._default_manager.get_queryset(), TouchingQuerySet), (
        "bulk writes through this manager would raise no revision"
    )
    for one in revisions.paths(model):
        if one != "self":
            model.objects.values_list(one)  # the path leads somewhere


@pytest.fixture
def clerk(client, tree):
    user = make_user(tree["district"], RoleKind.OBSERVER, username="clerk")
    client.force_login(user)
    return user


def tree_page(client):
    page = client.get(reverse("members:organisation_tree")).content.decode()
    return page[page.index('<ul class="tree">') :]


def test_a_bulk_write_from_the_shell_shows_at_once(client, tree, clerk):
    assert "2 đảng viên" in tree_page(client).split("Đảng bộ xã Phương Tiến")[1][:400]
    Member.objects.filter(cell=tree["b"]).update(status="deceased")  # off the roll
    assert "0 đảng viên" in tree_page(client).split("Đảng bộ xã Phương Tiến")[1][:400]


def test_a_deleted_unit_leaves_the_tree_at_once(client, tree, clerk):
    empty = OrganisationFactory(name="Đảng bộ xã Tạm", code="TMP", parent=tree["district"])
    assert "Đảng bộ xã Tạm" in tree_page(client)
    Organisation.objects.filter(pk=empty.pk).delete()
    assert "Đảng bộ xã Tạm" not in tree_page(client)


def test_a_committee_session_written_outside_the_services_shows_on_the_home_page(
    client, cell_people
):
    client.force_login(cell_people["secretary_user"])
    meeting = meeting_services.plan_meeting(
        actor=cell_people["secretary_user"], cell=cell_people["cell"], kind="regular",
        planned_at=at(datetime.date.today() + datetime.timedelta(days=10), 19), place="Nhà văn hóa",
    )  # fmt: skip
    missing = "Chưa ghi biên bản họp chi ủy chuẩn bị."
    assert missing in client.get(reverse("home")).content.decode()
    assert missing in client.get(reverse("home")).content.decode()  # now from the cache
    CommitteeSession.objects.create(meeting=meeting, held_on=datetime.date.today(),
                                    agreed_content="Chương trình")  # as the shell would  # fmt: skip
    assert missing not in client.get(reverse("home")).content.decode()


def test_a_meeting_moved_to_another_cell_leaves_both_cells_current(client, cell_people, tree):
    from tests.factories import MemberFactory

    client.force_login(cell_people["secretary_user"])
    when = at(datetime.date.today() + datetime.timedelta(days=10), 19)
    meeting = meeting_services.plan_meeting(actor=cell_people["secretary_user"],
                                            cell=cell_people["cell"], kind="regular",
                                            planned_at=when, place="Hội trường Thanh Sơn")  # fmt: skip
    assert "Hội trường Thanh Sơn" in client.get(reverse("home")).content.decode()
    other = make_user(tree["a2"], RoleKind.SECRETARY, username="bithu_a2")
    MemberFactory(cell=tree["a2"], full_name="Lò Văn Pạ")
    client.force_login(other)
    assert "Hội trường Thanh Sơn" not in client.get(reverse("home")).content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(cell=tree["a2"])
    assert "Hội trường Thanh Sơn" in client.get(reverse("home")).content.decode()
    client.force_login(cell_people["secretary_user"])
    assert "Hội trường Thanh Sơn" not in client.get(reverse("home")).content.decode()


def test_a_lockout_raises_no_revision(client, tree, settings):
    user = make_user(tree["district"], username="province.clerk")
    before = dict(Organisation.objects.values_list("code", "revision"))
    for _n in range(settings.CELLMEET_LOGIN_MAX_FAILURES):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert AuditEvent.objects.filter(action="lockout").exists()
    assert LoginAttempt.objects.count() == settings.CELLMEET_LOGIN_MAX_FAILURES
    assert dict(Organisation.objects.values_list("code", "revision")) == before


def test_after_a_restore_no_summary_of_the_lost_writes_is_served(client, tree, clerk):
    y = Organisation.objects.get(pk=tree["y"].pk)
    from members.tree import services

    services.update_organisation(actor=clerk, org=y, data={"name": "Đảng bộ xã Tên Mới"},
                                 version=y.version)  # fmt: skip
    assert "Đảng bộ xã Tên Mới" in tree_page(client)  # cached under today's revisions
    with connection.cursor() as cursor:  # the backup: the old name, at the same revisions
        cursor.execute("UPDATE members_organisation SET name = %s, version = version - 1 "
                       "WHERE id = %s", ["Đảng bộ xã Phương Tiến", y.pk])  # fmt: skip
    assert "Đảng bộ xã Tên Mới" in tree_page(client)  # what a shared cache would serve
    call_command("forget_summaries")  # scripts/restore.sh runs it
    page = tree_page(client)
    assert "Đảng bộ xã Phương Tiến" in page and "Tên Mới" not in page


def test_cache_keys_carry_the_name_of_the_deployment():
    def prefix(url):
        code = ("from django.conf import settings; "
                "print(settings.CACHES['default']['KEY_PREFIX'])")  # fmt: skip
        env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": url}
        env.pop("CELLMEET_DEPLOYMENT", None)
        return subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env,
                              check=True, capture_output=True, text=True).stdout.split()[-1]  # fmt: skip

    one = prefix("postgres://postgres@127.0.0.1:5432/cellmeet_one")
    other = prefix("postgres://postgres@127.0.0.1:5432/cellmeet_two")
    assert one.startswith("cellmeet:") and other.startswith("cellmeet:") and one != other


def test_revision_fields_alone_raise_nothing(tree):
    calls = []
    revisions_before = dict(Organisation.objects.values_list("pk", "revision"))
    Organisation.objects.filter(pk=tree["y"].pk).update(revision=7)
    assert dict(Organisation.objects.values_list("pk", "revision")) == {
        **revisions_before, tree["y"].pk: 7}  # fmt: skip
    assert not calls
    assert {"revision"} == revisions.SILENT_FIELDS
