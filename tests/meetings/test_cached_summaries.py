"""Cached summaries (tree, rotation grid, compliance, home page cards, signed meeting
pages) follow every committed write.

These tests commit (transaction=True): the stamps are read and written as on a server.
"""

import datetime
import os
import socket
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from meetings.follow_up import services as follow_up_services
from meetings.meeting import services as meeting_services
from meetings.models import Dissemination, Lesson, Task
from meetings.rotation_plan import services as rotation_services
from members import revisions, services
from members.enums import RoleKind
from members.models import Member, Organisation
from members.people import services as people_services
from members.tree import services as tree_services
from tests.factories import MemberFactory, make_user
from tests.meetings.conftest import at, signed_meeting

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _tree(client):
    page = client.get(reverse("members:organisation_tree")).content.decode()
    return page[page.index('<ul class="tree">') :]


def _queries(client, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, data)
    assert page.status_code == 200
    return len(queries), page.content.decode()


@pytest.fixture
def staff(client, tree):
    user = make_user(tree["district"], RoleKind.OBSERVER, username="clerk")
    client.force_login(user)
    return user


def test_a_summary_is_computed_once_then_read_from_the_cache(client, tree, staff):
    url = reverse("members:organisation_tree")
    first, page = _queries(client, url)
    second, again = _queries(client, url)
    assert second < first
    assert again.split('<ul class="tree">')[1] == page.split('<ul class="tree">')[1]
    page = _tree(client)
    # The proof that it is the cache answering: a write that skips the revisions (raw
    # SQL: every write through the models raises them) is not seen.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET status = 'deceased' WHERE cell_id = %s",
                       [tree["b"].pk])  # fmt: skip
    assert _tree(client) == page


def test_the_tree_follows_new_members_transfers_and_renames(client, tree, staff):
    assert "Đảng bộ xã Phương Tiến" in _tree(client)
    assert "2 đảng viên" in _tree(client).split("Đảng bộ xã Phương Tiến")[1][:400]
    MemberFactory(cell=tree["b"])
    assert "3 đảng viên" in _tree(client).split("Đảng bộ xã Phương Tiến")[1][:400]

    member = Member.objects.get(full_name="Giàng Seo Chứ")
    people_services.transfer_member(actor=staff, member=member, to_cell=tree["a"],
                             on=datetime.date(2018, 6, 1))  # fmt: skip
    after = _tree(client)
    assert "2 đảng viên" in after.split("Đảng bộ xã Phương Tiến")[1][:400]
    assert "4 đảng viên" in after.split("Đảng bộ xã Thanh Thủy")[1][:400]

    y = Organisation.objects.get(pk=tree["y"].pk)
    data = {"name": "Đảng bộ xã Phương Tiến mới", "code": y.code, "kind": y.kind,
            "cell_type": y.cell_type, "liaison": "", "founded_on": None}  # fmt: skip
    tree_services.update_organisation(actor=staff, org=y, data=data, version=y.version)
    assert "Đảng bộ xã Phương Tiến mới" in _tree(client)


def test_compliance_follows_signing(client, tree, staff, cell_people):
    url = reverse("meetings:compliance", args=[tree["district"].pk])
    period = {"year": 2018, "quarter": 1}
    before = client.get(url, period).content.decode()
    assert "(0/9)" in before  # no cell met in the quarter's nine cell-months
    assert "(0/9)" in client.get(url, period).content.decode()  # now cached
    signed_meeting(cell_people, datetime.date(2018, 3, 5))
    assert "(1/9)" in client.get(url, period).content.decode()


def test_the_tree_counts_again_only_the_branch_written_in(client, tree, staff, monkeypatch):
    from members import selectors

    counted = []
    own_counts = selectors.own_counts
    monkeypatch.setattr(selectors, "own_counts", lambda root, by_id, branches, missing: (
        counted.append([b.code for b in missing]) or own_counts(root, by_id, branches, missing)))  # fmt: skip
    assert ">5 đảng viên</span>" in _tree(client)  # the district: 2 + 1 in X, 2 in Y
    assert counted[-1] == ["X", "Y"]
    MemberFactory(cell=tree["a"], full_name="Vàng Thị Dợ")
    page = _tree(client)
    assert ">6 đảng viên</span>" in page and ">4 đảng viên</span>" in page  # district, X
    assert counted[-1] == ["X"]  # Y's counts were kept
    assert len(counted) == 2


def test_a_rolled_up_dashboard_works_out_again_only_the_branch_written_in(
    client, tree, staff, cell_people, monkeypatch
):
    from meetings.compliance import figures as compliance

    monkeypatch.setattr(compliance, "ROLLUP_ABOVE", 1)  # the district's X and Y, summed
    asked = []
    group_rows = compliance.group_rows
    monkeypatch.setattr(compliance, "group_rows",
                        lambda groups, *args: asked.append(groups) or group_rows(groups, *args))  # fmt: skip
    url = reverse("meetings:compliance", args=[tree["district"].pk])
    period = {"year": 2018, "quarter": 1}
    assert "(0/9)" in client.get(url, period).content.decode()
    assert [g.code for g in asked[-1]] == ["X", "Y"]
    signed_meeting(cell_people, datetime.date(2018, 3, 5))  # in cell A, under X
    page = client.get(url, period).content.decode()
    assert "(1/9)" in page  # the district's total
    assert [g.code for g in asked[-1]] == ["X"]  # Y's sums were kept
    district = Organisation.objects.get(pk=tree["district"].pk)
    rows = compliance.dashboard(district, year=2018, quarter=1)["rows"]
    assert [(r.group.code, r.rollup, r.met, r.cell_count) for r in rows] == [
        ("X", True, 1, 2), ("Y", True, 0, 1)]  # fmt: skip


def test_the_rotation_grid_follows_planning(client, tree, staff):
    url = reverse("meetings:rotation", args=[tree["district"].pk])
    assert "Chưa có lịch cho năm này." in client.get(url, {"year": 2031}).content.decode()
    rotation_services.plan_rotation(actor=staff, org=tree["district"], year=2031)
    page = client.get(url, {"year": 2031}).content.decode()
    assert "Chưa có lịch cho năm này." not in page and "Chi bộ thôn Nà Miều" in page


def test_a_write_raises_its_unit_and_the_units_above_it_only(tree):
    def revisions_now():
        return dict(Organisation.objects.values_list("code", "revision"))

    before = revisions_now()
    MemberFactory(cell=tree["b"])  # cell B, under committee Y, under the district
    after = revisions_now()
    raised = {code for code in after if after[code] != before[code]}
    assert raised == {"B", "Y", "D"}
    assert all(after[code] == before[code] + 1 for code in raised)


def test_a_transaction_raises_each_unit_once_when_it_commits(tree):
    before = Organisation.objects.get(pk=tree["y"].pk).revision
    with transaction.atomic():
        for _n in range(5):
            MemberFactory(cell=tree["b"])
        assert Organisation.objects.get(pk=tree["y"].pk).revision == before  # not yet
    assert Organisation.objects.get(pk=tree["y"].pk).revision == before + 1


def test_nothing_is_cached_inside_a_transaction_that_wrote(tree):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with pytest.raises(RuntimeError), transaction.atomic():
        MemberFactory(cell=tree["b"])
        # The stamp now counts a write that is about to be rolled back: caching under it
        # would later serve these figures for whatever write comes next.
        assert revisions.cached_summary("t", tree["y"], [], compute) == 1
        raise RuntimeError
    assert revisions.cached_summary("t", tree["y"], [], compute) == 2
    assert revisions.cached_summary("t", tree["y"], [], compute) == 2  # cached now
    assert cache.get("absent") is None


def test_the_home_page_counts_follow_new_members(client, tree, staff):
    def members_counted():
        return client.get(reverse("home")).context["roles"][0].counts["members"]

    before = members_counted()
    assert members_counted() == before  # now from the cache
    MemberFactory(cell=tree["a2"])
    assert members_counted() == before + 1


def test_a_signed_meeting_page_follows_tasks_and_dissemination(client, tree, cell_people):
    meeting = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    secretary = cell_people["secretary_user"]
    client.force_login(secretary)
    url = meeting.get_absolute_url()
    first, page = _queries(client, url)
    second, again = _queries(client, url)
    assert second < first  # the record now comes from the cache
    assert "Sửa đường liên thôn" not in again
    task = follow_up_services.add_task(actor=secretary, meeting=meeting, description="Sửa đường liên thôn",
                                     assignee=cell_people["taker"], due_on=datetime.date(2018, 4, 1))  # fmt: skip
    assert "Sửa đường liên thôn" in client.get(url).content.decode()
    follow_up_services.update_task(actor=secretary, task=task, status="done")
    assert "Đã hoàn thành" in client.get(url).content.decode()
    follow_up_services.add_dissemination(actor=secretary, meeting=meeting, audience="Chi hội phụ nữ",
                                       on=datetime.date(2018, 3, 20), method="Họp")  # fmt: skip
    assert "Chi hội phụ nữ" in client.get(url).content.decode()


def test_readers_of_a_signed_meeting_share_the_copy_of_their_rights_only(client, tree, cell_people):
    meeting = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    url = meeting.get_absolute_url()
    manage_link = reverse("meetings:task_create", args=[meeting.pk])
    client.force_login(cell_people["secretary_user"])
    assert manage_link in client.get(url).content.decode()

    client.force_login(make_user(tree["a"], RoleKind.MEMBER, username="dangvien_a1"))
    first, page = _queries(client, url)  # a member: may read, not manage
    assert manage_link not in page  # the secretary's copy is not theirs
    client.force_login(make_user(tree["a"], RoleKind.MEMBER, username="dangvien_a2"))
    second, again = _queries(client, url)
    assert second < first  # another member reads the members' copy
    record = again[again.index("<main") :]
    assert record == page[page.index("<main") :]
    assert "csrfmiddlewaretoken" not in record  # nobody's token is kept in it


def test_every_row_a_signed_meeting_shows_after_signing_raises_its_cell(tree, cell_people):
    meeting = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    author = cell_people["secretary_user"]

    def revision():
        return Organisation.objects.get(pk=tree["a"].pk).revision

    # Written here without a service, so without an audit event: their own receivers.
    writes = [
        lambda: Task.objects.create(meeting=meeting, assignee=cell_people["taker"],
                                    description="Trồng cây", due_on=datetime.date(2018, 5, 1)),
        lambda: Dissemination.objects.create(meeting=meeting, audience="Đoàn thanh niên",
                                             on=datetime.date(2018, 3, 9), method="Họp"),
        lambda: Lesson.objects.create(meeting=meeting, author=author, author_name="Bí thư",
                                      text="Chuẩn bị kỹ tài liệu"),
    ]  # fmt: skip
    for write in writes:
        before = revision()
        write()
        assert revision() == before + 1


def test_the_home_page_card_of_a_cell_follows_planning(client, tree, cell_people):
    client.force_login(cell_people["secretary_user"])
    assert "Chưa có cuộc họp nào được lên kế hoạch." in client.get(reverse("home")).content.decode()
    meeting_services.plan_meeting(actor=cell_people["secretary_user"], cell=tree["a"],
                                  kind="regular", planned_at=at(datetime.date(2031, 1, 5)),
                                  place="Nhà văn hóa thôn")  # fmt: skip
    page = client.get(reverse("home")).content.decode()
    assert "Chưa có cuộc họp nào được lên kế hoạch." not in page
    assert "05/01/2031" in page


def test_an_audited_write_raises_its_unit(tree, cell_people):
    # Attendance, agenda, votes and notices have no receiver of their own: a service
    # writing them audits the change against the cell, and that raises it.
    before = Organisation.objects.get(pk=tree["a"].pk).revision
    services.record_audit(actor=cell_people["secretary_user"], action="meeting.attendance",
                          target=tree["a"], organisation=tree["a"], summary="Điểm danh")  # fmt: skip
    assert Organisation.objects.get(pk=tree["a"].pk).revision == before + 1


def test_a_new_name_reaches_the_pages_of_the_cell_a_member_left(client, tree, cell_people):
    meeting = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    secretary = cell_people["secretary_user"]
    member = Member.objects.get(pk=cell_people["taker"].pk)
    follow_up_services.add_task(actor=secretary, meeting=meeting, assignee=member,
                              description="Rà soát hộ nghèo", due_on=datetime.date(2018, 4, 1))  # fmt: skip
    staff = make_user(tree["district"], RoleKind.COMMITTEE_STAFF, username="vanphong")
    people_services.transfer_member(actor=staff, member=member, to_cell=tree["b"],
                             on=datetime.date(2018, 6, 1))  # fmt: skip
    client.force_login(secretary)
    url = meeting.get_absolute_url()
    assert "Rà soát hộ nghèo" in client.get(url).content.decode()  # now cached
    member = Member.objects.get(pk=member.pk)
    data = {"full_name": "Hoàng Thị Tên Mới"}
    people_services.update_member(actor=staff, member=member, data=data, version=member.version)
    assert "Hoàng Thị Tên Mới" in client.get(url).content.decode()
    # Saved directly too (as the import does): the receiver sees the new name.
    member = Member.objects.get(pk=member.pk)
    member.full_name = "Hoàng Thị Tên Khác"
    member.save()
    assert "Hoàng Thị Tên Khác" in client.get(url).content.decode()


def test_the_member_list_counts_follow_new_members_and_transfers(client, tree, staff):
    def counted(org, **filters):
        url = reverse("members:member_list", args=[org.pk])
        return client.get(url, filters).context["page"].paginator.count

    district, y = tree["district"], tree["y"]
    before, in_y, official_in_y = counted(district), counted(y), counted(y, status="official")
    url = reverse("members:member_list", args=[district.pk])
    cache.clear()
    # The number of cells (for the cell filter) and of members, and the keys of the page:
    # read once, then cached.
    assert _queries(client, url)[0] == _queries(client, url)[0] + 3
    MemberFactory(cell=tree["b"], status="official", full_name="Thào Thị Mới")
    assert (counted(district), counted(y), counted(y, status="official")) == (
        before + 1, in_y + 1, official_in_y + 1)  # fmt: skip
    listed = [m.full_name for m in client.get(url).context["members"]]
    assert "Thào Thị Mới" in listed
    member = Member.objects.get(full_name="Giàng Seo Chứ")
    people_services.transfer_member(actor=staff, member=member, to_cell=tree["a"],
                             on=datetime.date(2018, 6, 1))  # fmt: skip
    assert (counted(district), counted(y)) == (before + 1, in_y)


def test_a_search_pages_through_its_matches_until_the_next_write(client, tree, staff):
    for n in range(3):
        MemberFactory(cell=tree["a"], full_name=f"Vàng Thị Mai {n}")
    url = reverse("members:member_list", args=[tree["district"].pk])

    def names(**data):
        return [m.full_name for m in client.get(url, {"q": "vang thi", **data}).context["members"]]

    cache.clear()
    first = _queries(client, url, {"q": "vang thi"})[0]
    # The matches are kept (and the number of cells, for the cell filter): the next page,
    # or the list again, reads its own rows only.
    assert _queries(client, url, {"q": "vang thi", "page": "2"})[0] == first - 2
    assert _queries(client, url, {"q": "Vàng thị"})[0] == first - 2  # the same name, folded
    assert _queries(client, url, {"q": "vang thi", "status": "official"})[0] == first - 1
    # The proof that it is the cache answering: a write that skips the revisions (raw
    # SQL) is not seen.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET search_name = 'vang thi chu' "
                       "WHERE full_name = 'Giàng Seo Chứ'")  # fmt: skip
    assert names() == [f"Vàng Thị Mai {n}" for n in range(3)]
    # A write through the services is.
    MemberFactory(cell=tree["b"], full_name="Vàng Thị Mai 3")
    assert names() == [f"Vàng Thị Mai {n}" for n in range(4)] + ["Giàng Seo Chứ"]


def _redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


SHARED_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": "cellmeet-tests",
    }
}


def test_summaries_kept_in_a_shared_redis_follow_writes(client, tree, staff):
    if not _redis_answers():
        if os.environ.get("CELLMEET_REQUIRE_REDIS") == "1":  # as in CI
            pytest.fail("no Redis at 127.0.0.1:6379 (CELLMEET_REQUIRE_REDIS=1)", pytrace=False)
        pytest.skip("no Redis at 127.0.0.1:6379")
    with override_settings(CACHES=SHARED_CACHE):
        cache.clear()
        url = reverse("members:organisation_tree")
        first = _queries(client, url)[0]
        assert _queries(client, url)[0] < first  # kept in Redis
        before = _tree(client)
        # The proof that Redis answers: a write that skips the revisions is not seen.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE members_member SET status = 'deceased' WHERE cell_id = %s",
                           [tree["b"].pk])  # fmt: skip
        assert _tree(client) == before
        MemberFactory(cell=tree["b"], full_name="Sùng Thị Chung")
        assert _tree(client) != before  # the branch written in, counted again
        cache.clear()


def test_cellmeet_cache_url_names_the_shared_cache():
    shown = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from django.conf import settings; "
         "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"],
        env={**os.environ, "CELLMEET_CACHE_URL": "redis://cache.internal:6379/2",
             "DJANGO_SETTINGS_MODULE": "cellmeet.settings"},
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert shown == ["django.core.cache.backends.redis.RedisCache", "redis://cache.internal:6379/2"]
