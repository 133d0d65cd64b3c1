import datetime

import pytest
from django.db import connection
from django.urls import reverse

from members.models import AuditEvent, Member, Membership, Position
from tests.factories import CellFactory, MemberFactory, OrganisationFactory

NEW_MEMBER = {
    "full_name": "  Triệu  Thị Mẩy ",
    "sex": "female",
    "date_of_birth": "1988-07-09",
    "ethnicity": "Dao",
    "citizen_id": "",
    "phone": "",
    "email": "",
    "party_card_number": "",
    "admitted_on": "2015-05-19",
    "official_on": "2016-05-19",
}


def test_secretary_adds_a_member_to_their_cell(login, tree, personas):
    client = login(personas["secretary_a"])
    response = client.post(reverse("members:member_create", args=[tree["a"].pk]), NEW_MEMBER)
    member = Member.objects.get(full_name="Triệu Thị Mẩy")
    assert response.url == member.get_absolute_url()
    assert member.cell == tree["a"] and member.status == "official"
    assert member.memberships.get().started_on == datetime.date(2015, 5, 19)
    assert [c.status for c in member.status_changes.all()] == ["official", "probationary"]
    page = client.get(response.url).content.decode()
    assert "Triệu Thị Mẩy" in page and "Chính thức" in page


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"date_of_birth": "2010-01-01"}, "admitted_on", "đủ 18 tuổi"),
        ({"official_on": "2014-01-01"}, "official_on", "trước ngày vào Đảng"),
        ({"citizen_id": "12ab"}, "citizen_id", "12 chữ số"),
        ({"admitted_on": "2999-01-01"}, "admitted_on", "khoảng hợp lý"),
        ({"date_of_birth": "không phải ngày"}, "date_of_birth", "Ngày chưa đúng"),
    ],
)
def test_bad_member_input_gets_a_vietnamese_message(login, tree, personas, change, field, message):
    client = login(personas["secretary_a"])
    response = client.post(
        reverse("members:member_create", args=[tree["a"].pk]), {**NEW_MEMBER, **change}
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Member.objects.filter(full_name="Triệu Thị Mẩy").exists()


def test_member_edit_is_audited(login, tree, personas):
    client = login(personas["secretary_a"])
    member = tree["members"]["a"][0]
    data = {**NEW_MEMBER, "full_name": "Nguyễn Thị Hường", "version": member.version}
    response = client.post(reverse("members:member_update", args=[member.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Thị Hường" and member.search_name == "nguyen thi huong"
    event = AuditEvent.objects.get(action="member.update", target_id=member.pk)
    assert event.changes["full_name"] == ["Nguyễn Thị Hương", "Nguyễn Thị Hường"]
    assert event.actor == personas["secretary_a"]


def test_a_stale_member_edit_is_refused_and_keeps_the_typed_text(login, tree, personas):
    member = tree["members"]["a"][0]
    first = login(personas["secretary_a"])
    stale_version = member.version
    first.post(
        reverse("members:member_update", args=[member.pk]),
        {**NEW_MEMBER, "full_name": "Tên Thứ Nhất", "version": stale_version},
    )
    second = login(personas["staff_x"])
    response = second.post(
        reverse("members:member_update", args=[member.pk]),
        {**NEW_MEMBER, "full_name": "Tên Thứ Hai", "version": stale_version},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "vừa được người khác sửa" in page
    assert "Tên Thứ Hai" in page  # what they typed is still in the form
    member.refresh_from_db()
    assert member.full_name == "Tên Thứ Nhất"


def test_exempt_and_reinstate_keep_history(login, tree, personas):
    client = login(personas["secretary_a"])
    member = tree["members"]["a"][0]
    url = reverse("members:member_exempt", args=[member.pk])
    assert "Miễn công tác" in client.get(url).content.decode()  # GET only confirms
    assert Member.objects.get(pk=member.pk).status == "official"
    response = client.post(url, {"on": "2018-03-01", "reason": ""})
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"on": "1990-03-01", "reason": "Ốm"})
    assert "trước ngày vào Đảng (02/03/1995)" in response.content.decode()
    client.post(url, {"on": "2018-03-01", "reason": "Tuổi cao, sức yếu"})
    member.refresh_from_db()
    assert member.status == "exempted"
    client.post(reverse("members:member_reinstate", args=[member.pk]), {"on": "2018-09-01"})
    member.refresh_from_db()
    assert member.status == "official"
    history = [c.status for c in member.status_changes.all()]
    assert history == ["official", "exempted", "official", "probationary"]
    response = client.post(
        reverse("members:member_reinstate", args=[member.pk]), {"on": "2018-10-01"}
    )
    assert "không có gì để khôi phục" in response.content.decode()


def test_official_transfer_moves_member_and_keeps_history(login, tree, personas):
    client = login(personas["staff_x"])
    member = tree["members"]["a"][0]
    Position.objects.create(
        cell=tree["a"], member=member, role="secretary", started_on="2017-07-01"
    )
    response = client.post(
        reverse("members:member_transfer", args=[member.pk]),
        {"to_cell": tree["a2"].pk, "on": "2018-06-01", "reason": "Chuyển nơi ở"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.cell == tree["a2"]
    periods = list(member.memberships.order_by("started_on").values_list("cell__code", "ended_on"))
    assert periods == [("A", datetime.date(2018, 6, 1)), ("A2", None)]
    assert Position.objects.get(member=member).ended_on == datetime.date(2018, 6, 1)
    assert "Đã chuyển sinh hoạt" in client.get(response.url).content.decode()
    # The old cell's list no longer shows them; the history on their page still does.
    listing = client.get(reverse("members:member_list", args=[tree["a"].pk])).content.decode()
    assert member.full_name not in listing
    assert "Chi bộ thôn Thanh Sơn" in client.get(member.get_absolute_url()).content.decode()


def test_temporary_transfer_keeps_member_on_home_roll(login, tree, personas):
    client = login(personas["staff_x"])
    member = tree["members"]["a"][0]
    response = client.post(
        reverse("members:member_transfer", args=[member.pk]),
        {"to_cell": tree["a2"].pk, "temporary": "on", "on": "2018-06-01", "until": "2018-12-01"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.cell == tree["a"] and member.status == "temporarily_away"
    hosted = Membership.objects.get(member=member, kind="temporary")
    assert hosted.cell == tree["a2"] and hosted.ended_on == datetime.date(2018, 12, 1)


def test_transfer_refuses_cells_outside_scope(login, tree, personas):
    client = login(personas["staff_x"])
    member = tree["members"]["a"][0]
    response = client.post(
        reverse("members:member_transfer", args=[member.pk]),
        {"to_cell": tree["b"].pk, "on": "2018-06-01"},
    )
    assert response.status_code == 200
    assert "to_cell" in response.context["form"].errors
    member.refresh_from_db()
    assert member.cell == tree["a"]


def test_search_ignores_diacritics_and_case(login, tree, personas):
    client = login(personas["district"])
    url = reverse("members:member_list", args=[tree["district"].pk])
    for query in ("nguyen thi huong", "NGUYỄN THỊ HƯƠNG", "huong", "  Nguyễn   thị "):
        names = [m.full_name for m in client.get(url, {"q": query}).context["members"]]
        assert names == ["Nguyễn Thị Hương"], query
    names = [m.full_name for m in client.get(url, {"q": "giang seo"}).context["members"]]
    assert names == ["Giàng Seo Chứ"]


def test_filters_by_status_cell_and_cell_type(login, tree, personas):
    client = login(personas["district"])
    url = reverse("members:member_list", args=[tree["district"].pk])
    MemberFactory(cell=tree["b"], full_name="Sùng Mí Dình", status="probationary", official_on=None)
    names = {m.full_name for m in client.get(url, {"status": "probationary"}).context["members"]}
    assert names == {"Sùng Mí Dình"}
    page = client.get(url, {"cell": tree["a2"].pk, "status": "official"})
    assert {m.full_name for m in page.context["members"]} == {"Hoàng Văn Thạch"}
    # The filters stay chosen in the form.
    html = page.content.decode()
    assert f'<option value="{tree["a2"].pk}" selected>' in html
    assert '<option value="official" selected>' in html
    assert html.count(" selected>") == 4  # and "Tất cả" for the cell type, and the language
    school = CellFactory(parent=tree["x"], cell_type="school", code="SCH")
    MemberFactory(cell=school, full_name="Phạm Thu Trang")
    names = {m.full_name for m in client.get(url, {"cell_type": "school"}).context["members"]}
    assert names == {"Phạm Thu Trang"}


def test_member_list_paginates(login, tree, personas):
    for n in range(55):
        MemberFactory(cell=tree["a"], full_name=f"Vàng Thị Mai {n:02d}")
    client = login(personas["secretary_a"])
    url = reverse("members:member_list", args=[tree["a"].pk])
    first = client.get(url, {"q": "vang thi mai"})
    assert len(first.context["members"]) == 50 and "Trang 1/2" in first.content.decode()
    second = client.get(url, {"q": "vang thi mai", "page": 2})
    assert len(second.context["members"]) == 5


@pytest.mark.parametrize("rows", [1, 3])
def test_a_committee_member_list_query_count_is_constant(
    login, tree, personas, rows, django_assert_num_queries
):
    # Above the cells, each row shows the member's cell and the committee it is under.
    committee = OrganisationFactory(parent=tree["x"], name=f"Đảng bộ xã Pó {rows}")
    for n in range(rows):
        cell = CellFactory(parent=committee, name=f"Chi bộ thôn Pó {rows}-{n}")
        MemberFactory(cell=cell, full_name=f"Lù Văn Pó {n}")
    client = login(personas["staff_x"])
    client.get(reverse("home"))  # session warm-up
    # and the cells under it, for the cell filter, the number of members and the page's keys
    # (kept until the next write in the organisation: tests/meetings/test_cached_summaries.py)
    with django_assert_num_queries(8):
        response = client.get(reverse("members:member_list", args=[tree["x"].pk]))
    page = response.content.decode()
    assert all(f"Chi bộ thôn Pó {rows}-{n}" in page for n in range(rows))
    assert page.count(f'<div class="small text-muted">Đảng bộ xã Pó {rows}</div>') == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_member_list_query_count_is_constant(
    login, tree, personas, rows, django_assert_num_queries
):
    cell = CellFactory(parent=tree["x"], code=f"Q{rows}")
    for n in range(rows):
        MemberFactory(cell=cell, full_name=f"Lù Văn Pó {n}")
    client = login(personas["staff_x"])
    client.get(reverse("home"))  # session warm-up
    url = reverse("members:member_list", args=[cell.pk])
    with django_assert_num_queries(8):  # the number of members, the page's keys, its rows
        response = client.get(url)
    # The keys of the first 1,001 matches (their number), then the page's rows.
    with django_assert_num_queries(7):
        client.get(url, {"q": "lu van po"})
    assert len(response.context["members"]) == rows
    assert f"Tìm thấy {rows} đảng viên." in response.content.decode()


@pytest.mark.parametrize(
    ("asked", "shown", "names"),
    [("2", 2, ["Pó 02", "Pó 03"]), ("9", 3, ["Pó 04"]), ("x", 1, ["Pó 00", "Pó 01"]),
     ("99999999999999999999999", 3, ["Pó 04"])],
)  # fmt: skip
def test_member_list_pages_count_every_match(login, tree, personas, monkeypatch, asked, shown,
                                             names):  # fmt: skip
    monkeypatch.setattr("members.people.views.MEMBERS_PER_PAGE", 2)
    cell = CellFactory(parent=tree["x"], code="PAGES")
    for n in range(5):
        MemberFactory(cell=cell, full_name=f"Lù Văn Pó {n:02}")
    client = login(personas["staff_x"])
    response = client.get(reverse("members:member_list", args=[cell.pk]), {"page": asked})
    page = response.context["page"]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (shown, 5, 3)
    assert [m.full_name[-5:] for m in response.context["members"]] == names
    assert "Tìm thấy 5 đảng viên." in response.content.decode()


def test_a_search_counts_its_matches_only_so_far(login, tree, personas, monkeypatch):
    monkeypatch.setattr("members.people.views.MEMBERS_PER_PAGE", 2)
    monkeypatch.setattr("members.people.views.MATCH_LIMIT", 3)
    cell = CellFactory(parent=tree["x"], code="MANY")
    for n in range(5):
        MemberFactory(cell=cell, full_name=f"Lù Văn Pó {n:02}")
    client = login(personas["staff_x"])
    url = reverse("members:member_list", args=[cell.pk])
    response = client.get(url, {"q": "lu van", "page": "9"})
    page = response.context["page"]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (2, 3, 2)
    assert [m.full_name[-5:] for m in response.context["members"]] == ["Pó 02"]
    assert "Hơn 3 đảng viên khớp; danh sách chỉ hiện 3 người đầu." in response.content.decode()
    # The list without a name is not limited, filtered or not.
    for filters in ({"page": "3"}, {"page": "3", "status": "official"}):
        listed = client.get(url, filters)
        assert (listed.context["page"].paginator.count, listed.context["page"].number) == (5, 3)
        assert [m.full_name[-5:] for m in listed.context["members"]] == ["Pó 04"]
        assert "Tìm thấy 5 đảng viên." in listed.content.decode()
    # Exactly as many as the limit is not more than it.
    monkeypatch.setattr("members.people.views.MATCH_LIMIT", 5)
    exact = client.get(url, {"q": "lu van"})
    assert "Hơn" not in exact.content.decode() and "Tìm thấy 5 đảng viên." in exact.content.decode()


def test_member_list_search_without_matches_says_so(login, tree, personas):
    client = login(personas["staff_x"])
    url = reverse("members:member_list", args=[tree["x"].pk])
    response = client.get(url, {"q": "không có ai tên này", "page": "3"})
    assert response.context["page"].paginator.count == 0
    assert "Không có đảng viên nào khớp." in response.content.decode()


def test_staff_record_a_death_and_the_member_leaves_the_roll(login, tree, personas):
    member = tree["members"]["a"][0]
    Position.objects.create(cell=tree["a"], member=member, role="deputy", started_on="2017-07-01")
    secretary = login(personas["secretary_a"])
    assert secretary.get(reverse("members:member_status", args=[member.pk])).status_code == 403
    client = login(personas["staff_x"])
    url = reverse("members:member_status", args=[member.pk])
    response = client.post(url, {"status": "deceased", "on": "2018-08-08", "reason": ""})
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"status": "deceased", "on": "2018-08-08", "reason": "Từ trần"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "deceased"
    assert member.memberships.get().ended_on == datetime.date(2018, 8, 8)
    assert Position.objects.get(member=member).ended_on == datetime.date(2018, 8, 8)
    counts = client.get(reverse("members:organisation_detail", args=[tree["a"].pk])).context
    assert counts["node"].member_count == 1
    response = client.post(url, {"status": "expelled", "on": "2018-09-09", "reason": "x"})
    assert "không còn trong danh sách" in response.content.decode()


def test_staff_recognise_a_probationary_member_as_official(login, tree, personas):
    member = MemberFactory(cell=tree["a"], status="probationary", official_on=None)
    client = login(personas["staff_x"])
    form = client.get(reverse("members:member_update", args=[member.pk])).context["form"]
    assert "official_on" not in form.fields  # becoming official is a decision, not an edit
    url = reverse("members:member_official", args=[member.pk])
    response = client.post(url, {"on": "02/03/1996", "reason": "Quyết định số 15-QĐ/ĐU"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "official" and member.official_on == datetime.date(1996, 3, 2)
    assert member.status_changes.first().effective_on == datetime.date(1996, 3, 2)
    response = client.post(url, {"on": "02/03/1996", "reason": "lần nữa"})
    assert "Chỉ công nhận chính thức cho đảng viên dự bị" in response.content.decode()


def test_a_committee_member_elected_secretary_leaves_the_old_post(login, tree, personas):
    client = login(personas["staff_x"])
    old_secretary, member = tree["members"]["a"]
    Position.objects.create(
        cell=tree["a"], member=old_secretary, role="secretary", started_on="2015-07-01"
    )
    Position.objects.create(
        cell=tree["a"], member=member, role="committee_member", started_on="2015-07-01"
    )
    url = reverse("members:position_create", args=[tree["a"].pk])
    response = client.post(
        url, {"member": member.pk, "role": "secretary", "started_on": "01/07/2017"}
    )
    assert response.status_code == 302
    current = Position.objects.filter(cell=tree["a"], ended_on__isnull=True)
    assert list(current.values_list("member", "role")) == [(member.pk, "secretary")]
    assert Position.objects.filter(ended_on=datetime.date(2017, 7, 1)).count() == 2


@pytest.mark.parametrize(
    "started_on, message", [("01/01/1990", "trước ngày"), ("01/01/2999", "tương lai")]
)
def test_post_dates_must_fit_the_member(login, tree, personas, started_on, message):
    client = login(personas["staff_x"])
    member = tree["members"]["a"][0]
    url = reverse("members:position_create", args=[tree["a"].pk])
    response = client.post(url, {"member": member.pk, "role": "deputy", "started_on": started_on})
    assert message in response.content.decode()
    assert not Position.objects.exists()


def test_transfer_dated_before_a_post_began_is_refused_not_crashed(login, tree, personas):
    client = login(personas["staff_x"])
    member = tree["members"]["a"][0]
    Position.objects.create(cell=tree["a"], member=member, role="deputy", started_on="2018-07-01")
    response = client.post(
        reverse("members:member_transfer", args=[member.pk]),
        {"to_cell": tree["a2"].pk, "on": "01/06/2018"},
    )
    assert response.status_code == 200
    assert "trước ngày bắt đầu giữ chức vụ" in response.content.decode()
    member.refresh_from_db()
    assert member.cell == tree["a"] and member.memberships.count() == 1


def test_host_cell_lists_temporarily_attending_members(login, tree, personas):
    client = login(personas["staff_x"])
    member = tree["members"]["a"][0]
    today = datetime.date.today()
    client.post(
        reverse("members:member_transfer", args=[member.pk]),
        {"to_cell": tree["a2"].pk, "temporary": "on", "on": today.strftime("%d/%m/%Y"),
         "until": (today + datetime.timedelta(days=120)).strftime("%d/%m/%Y")},
    )  # fmt: skip
    host = client.get(reverse("members:organisation_detail", args=[tree["a2"].pk]))
    assert "sinh hoạt tạm thời tại chi bộ" in host.content.decode()
    assert [stay.member for stay in host.context["hosted"]] == [member]
    assert host.context["node"].member_count == 1  # counted at home, not here


def test_plain_members_cannot_export_personal_data(login, tree, personas):
    client = login(personas["member_a"])
    assert client.get(reverse("members:member_export_csv", args=[tree["a"].pk])).status_code == 403
    page = client.get(reverse("members:member_list", args=[tree["a"].pk])).content.decode()
    assert "Xuất CSV" not in page


def test_cell_choices_name_their_committee(login, tree, personas):
    CellFactory(name="Chi bộ thôn Thanh Sơn", code="DUP", parent=tree["y"])
    client = login(personas["district"])
    page = client.get(
        reverse("members:member_transfer", args=[tree["members"]["a"][0].pk])
    ).content.decode()
    assert "Chi bộ thôn Thanh Sơn — Đảng bộ xã Phương Tiến" in page


def test_names_are_stored_composed(login, tree, personas):
    import unicodedata

    client = login(personas["secretary_a"])
    decomposed = unicodedata.normalize("NFD", "Lù Thị Hương")
    client.post(
        reverse("members:member_create", args=[tree["a"].pk]),
        {**NEW_MEMBER, "full_name": decomposed},
    )
    member = Member.objects.get(search_name="lu thi huong")
    assert member.full_name == "Lù Thị Hương" and len(member.full_name) == 12


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_member_search_can_use_the_trigram_index_on_postgresql(tree):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Member.objects.search("Thị Hương").values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "members_member_search_trgm" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_a_new_member_goes_straight_into_the_search_index(tree):
    MemberFactory(cell=tree["a"], full_name="Hoàng Văn Thắng")
    with connection.cursor() as cursor:
        # The pages merged from the pending list: none, as nothing is queued.
        cursor.execute("SELECT gin_clean_pending_list('members_member_search_trgm')")
        assert cursor.fetchone()[0] == 0


def test_the_member_list_escapes_what_it_shows(login, tree, personas):
    cell = CellFactory(parent=tree["x"], code="ESC", name="Chi bộ <Pó & Co>")
    MemberFactory(cell=cell, full_name='Lò Văn "Bé" <i>Tí</i>', ethnicity="Dao & Mông")
    client = login(personas["staff_x"])
    page = client.get(reverse("members:member_list", args=[tree["x"].pk])).content.decode()
    assert "Lò Văn &quot;Bé&quot; &lt;i&gt;Tí&lt;/i&gt;" in page and "<i>Tí" not in page
    assert "Dao &amp; Mông" in page and "Dao & Mông" not in page
    assert "Chi bộ &lt;Pó &amp; Co&gt;" in page and "<Pó" not in page


def test_vietnamese_numbers_group_thousands_with_dots():
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    with translation.override("vi"):
        assert intcomma(7900) == "7.900"
    with translation.override("en"):
        assert intcomma(7900) == "7,900"


def test_the_import_button_and_the_import_reason_are_translated_apart(login, tree, personas):
    from django.utils import translation

    client = login(personas["staff_x"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("members:member_list", args=[tree["x"].pk])).content.decode()
    assert "Import from file" in page
    with translation.override("en"):
        assert translation.pgettext("lý do", "Nhập từ tệp") == "Imported from file"
