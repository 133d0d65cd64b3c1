import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from members import selectors
from members.models import AuditEvent, Organisation
from tests.factories import CellFactory, MemberFactory, OrganisationFactory


def test_staff_create_a_cell_under_their_committee(login, tree, personas):
    client = login(personas["staff_x"])
    response = client.post(
        reverse("members:organisation_create", args=[tree["x"].pk]),
        {"name": "Chi bộ thôn Nặm Ngặt", "code": "X-NAMNGAT", "kind": "cell",
         "cell_type": "village", "founded_on": "2018-01-15"},
    )  # fmt: skip
    cell = Organisation.objects.get(code="X-NAMNGAT")
    assert response.url == cell.get_absolute_url()
    assert cell.parent == tree["x"] and cell.path == f"{tree['x'].path}{cell.pk}/"
    assert AuditEvent.objects.filter(action="organisation.create", target_id=cell.pk).exists()
    page = client.get(reverse("members:organisation_detail", args=[tree["x"].pk])).content.decode()
    assert "Chi bộ thôn Nặm Ngặt" in page


@pytest.mark.parametrize(
    "parent, data, field, message",
    [
        ("x", {"cell_type": ""}, "cell_type", "Chi bộ cần có loại hình"),
        ("district", {"kind": "grassroots"}, "cell_type", "Chỉ chi bộ mới có loại hình"),
        ("x", {"code": "A"}, "code", "đã được dùng"),
        ("x", {"code": "Thôn Mới"}, "code", "không dấu"),
        ("x", {"kind": "province"}, "kind", "lựa chọn hợp lệ"),
        ("district", {"kind": "cell"}, "kind", "lựa chọn hợp lệ"),  # a district has direct cells
        ("x", {"founded_on": "2999-01-01"}, "founded_on", "tương lai"),
    ],
)
def test_bad_organisation_input_is_explained(login, tree, personas, parent, data, field, message):
    client = login(personas["district"])
    base = {"name": "Chi bộ mới", "code": "NEW", "kind": "cell", "cell_type": "village",
            "founded_on": "2018-01-15"}  # fmt: skip
    url = reverse("members:organisation_create", args=[tree[parent].pk])
    response = client.post(url, {**base, **data})
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])


def test_only_party_groups_go_inside_a_cell(login, tree, personas):
    client = login(personas["staff_x"])
    url = reverse("members:organisation_create", args=[tree["a"].pk])
    response = client.post(url, {"name": "X", "code": "XX", "kind": "cell", "cell_type": "village"})
    assert "chỉ lập được tổ đảng" in response.content.decode()
    response = client.post(url, {"name": "Tổ đảng số 1", "code": "A-T1", "kind": "party_group"})
    assert response.status_code == 302


def test_edit_refuses_a_stale_version(login, tree, personas):
    client = login(personas["staff_x"])
    a = tree["a"]
    url = reverse("members:organisation_update", args=[a.pk])
    data = {"name": "Chi bộ thôn Thanh Sơn Mới", "code": "A", "kind": "cell",
            "cell_type": "village", "founded_on": "2000-01-01", "version": a.version}  # fmt: skip
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "name": "Tên khác"})
    assert "vừa được người khác sửa" in response.content.decode()
    a.refresh_from_db()
    assert a.name == "Chi bộ thôn Thanh Sơn Mới" and a.version == 2


def test_dissolving_a_cell_with_members_is_refused_then_allowed(login, tree, personas):
    client = login(personas["staff_x"])
    url = reverse("members:organisation_dissolve", args=[tree["a2"].pk])
    response = client.post(url, {"dissolved_on": "2018-12-01", "reason": "Sáp nhập thôn"})
    assert "còn đảng viên" in response.content.decode()
    member = tree["members"]["a2"][0]
    client.post(
        reverse("members:member_transfer", args=[member.pk]),
        {"to_cell": tree["a"].pk, "on": "2018-11-30"},
    )
    response = client.post(url, {"dissolved_on": "2018-12-01", "reason": "Sáp nhập thôn"})
    assert response.status_code == 302
    a2 = Organisation.objects.get(pk=tree["a2"].pk)
    assert a2.dissolved_on == datetime.date(2018, 12, 1)
    page = client.get(reverse("members:organisation_detail", args=[tree["x"].pk])).content.decode()
    assert "đã giải thể" in page


def test_database_refuses_a_cell_without_type(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="X", code="NOTYPE", kind="cell", parent=tree["x"])


def test_subtree_counts_roll_up(tree):
    MemberFactory(cell=tree["b"], status="probationary", official_on=None)
    MemberFactory(cell=tree["b"], status="exempted")
    top, orgs = selectors.subtree_with_counts(tree["district"])
    by_code = {org.code: org for org in orgs}
    assert top.cell_count == 3
    assert top.member_count == 7
    assert by_code["Y"].official_count == 2 and by_code["Y"].probationary_count == 1
    assert by_code["Y"].exempted_count == 1 and by_code["X"].member_count == 3


def _deep_tree(levels):
    parent = OrganisationFactory(code="ROOT", kind="province")
    for n in range(levels):
        parent = OrganisationFactory(code=f"L{n}", parent=parent)
    for n in range(levels):
        CellFactory(parent=parent, code=f"C{n}")
    return Organisation.objects.get(code="ROOT")


@pytest.mark.parametrize("rows", [1, 3])
def test_tree_and_detail_query_counts_do_not_grow(client, db, rows, django_assert_num_queries):
    from members.enums import RoleKind
    from tests.factories import make_user

    root = _deep_tree(rows)
    for cell in Organisation.objects.cells():
        MemberFactory(cell=cell)
    client.force_login(make_user(root, RoleKind.OBSERVER))
    client.get(reverse("home"))
    with django_assert_num_queries(7):
        page = client.get(reverse("members:organisation_tree"))
    # The tree lists committees two levels below the top, cells only right under it;
    # the rest is counted and a click away.
    assert page.content.decode().count("<li>") == (2 if rows == 1 else 3)
    assert "(1 đơn vị trực thuộc)" in page.content.decode()
    # The unit is the user's own: read with their roles, not again; its reorganisations
    # are one query.
    with django_assert_num_queries(9):
        client.get(reverse("members:organisation_detail", args=[root.pk]))


def test_a_tree_too_big_for_two_levels_shows_one(client, tree, personas, monkeypatch):
    from members.tree import views

    client.force_login(personas["district"])
    page = client.get(reverse("members:organisation_tree")).content.decode()
    assert "Chi bộ thôn Thanh Sơn" not in page  # cells below the first level are counted
    assert "Đảng bộ xã Thanh Thủy" in page and "(2 đơn vị trực thuộc)" in page
    monkeypatch.setattr(views, "TREE_NODE_LIMIT", 2)
    page = client.get(reverse("members:organisation_tree")).content.decode()
    assert page.count("<li>") == 3  # the district and its two committees


def test_the_tree_shows_each_units_counts_in_the_readers_language(client, tree, personas):
    import datetime

    Organisation.objects.filter(pk=tree["y"].pk).update(name='Đảng bộ xã <Phương> & "Tiến"')
    Organisation.objects.filter(pk=tree["b"].pk).update(dissolved_on=datetime.date(2020, 1, 1))
    client.force_login(personas["district"])
    page = client.get(reverse("members:organisation_tree")).content.decode()
    assert "Đảng bộ xã &lt;Phương&gt; &amp; &quot;Tiến&quot;" in page and "<Phương>" not in page
    x_url = reverse("members:organisation_detail", args=[tree["x"].pk])
    assert f'<a href="{x_url}">Đảng bộ xã Thanh Thủy</a> <span class="counts">' in page
    assert ">2 chi bộ</span>" in page and ">3 đảng viên</span>" in page
    assert "chính thức 3 · dự bị 0 · miễn 0" in page
    assert page.count("đã giải thể") == 0  # cells below the first level are only counted
    assert ">0 chi bộ</span>" in page  # Y's one cell is dissolved

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("members:organisation_tree")).content.decode()
    assert ">2 cells</span>" in page and ">1 cell</span>" not in page
    assert "(1 subordinate unit)" in page and "official 3 · probationary 0 · exempted 0" in page


def test_tree_order_reads_the_path_as_numbers():
    from members.models import tree_order

    orgs = [Organisation(path=path) for path in ("/8/10/", "/8/9/", "/8/", "/8/9/11/")]
    assert [o.path for o in sorted(orgs, key=tree_order)] == ["/8/", "/8/9/", "/8/9/11/", "/8/10/"]


def test_branch_below_names_the_unit_under_the_root():
    from members.models import branch_below

    province = Organisation(path="/1/", depth=0)
    district = Organisation(path="/1/2/", depth=1)
    assert branch_below(province, Organisation(path="/1/2/30/400/")) == 2
    assert branch_below(province, district) == 2
    assert branch_below(district, Organisation(path="/1/2/30/400/")) == 30
    assert branch_below(province, province) is None
