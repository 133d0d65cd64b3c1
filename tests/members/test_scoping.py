"""Who may see what: every organisation and member page, per persona."""

import pytest
from django.urls import reverse

from members.models import Position

ORG_PAGES = [
    "members:organisation_detail",
    "members:organisation_create",
    "members:organisation_update",
    "members:organisation_dissolve",
    "members:member_list",
    "members:member_create",
    "members:member_import",
    "members:member_export_csv",
    "members:member_export_xlsx",
    "members:position_create",
]
MEMBER_PAGES = [
    "members:member_detail",
    "members:member_update",
    "members:member_transfer",
    "members:member_exempt",
    "members:member_reinstate",
    "members:member_status",
    "members:member_official",
]


READ_ONLY = {
    "members:organisation_detail",
    "members:member_list",
    "members:member_export_csv",
    "members:member_export_xlsx",
    "members:member_detail",
}


def _all_pages_of_cell(tree, cell_key, *, forms_only=False):
    cell = tree[cell_key]
    member = tree["members"][cell_key][0]
    position = Position.objects.create(
        cell=cell, member=member, role="secretary", started_on="2017-07-01"
    )
    skip = READ_ONLY if forms_only else set()
    urls = [reverse(name, args=[cell.pk]) for name in ORG_PAGES if name not in skip]
    urls += [reverse(name, args=[member.pk]) for name in MEMBER_PAGES if name not in skip]
    urls.append(reverse("members:position_end", args=[position.pk]))
    return urls


def test_anonymous_is_sent_to_login_everywhere(client, tree):
    urls = _all_pages_of_cell(tree, "a") + [reverse("home"), reverse("members:organisation_tree")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("method", ["get", "post"])
def test_secretary_of_a_gets_404_on_every_page_of_b(login, tree, personas, method):
    client = login(personas["secretary_a"])
    for url in _all_pages_of_cell(tree, "b", forms_only=method == "post"):
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_of_x_gets_404_on_everything_under_y(login, tree, personas, method):
    client = login(personas["staff_x"])
    for url in _all_pages_of_cell(tree, "b", forms_only=method == "post"):
        assert getattr(client, method)(url).status_code == 404, url
    assert (
        client.get(reverse("members:organisation_detail", args=[tree["y"].pk])).status_code == 404
    )


def test_staff_of_x_cannot_see_committee_y_in_tree_or_lists(login, tree, personas):
    client = login(personas["staff_x"])
    tree_page = client.get(reverse("members:organisation_tree")).content.decode()
    assert "Chi bộ thôn Thanh Sơn" in tree_page
    assert "Phương Tiến" not in tree_page and "Nà Miều" not in tree_page
    listing = client.get(reverse("members:member_list", args=[tree["x"].pk])).content.decode()
    assert "Nguyễn Thị Hương" in listing and "Hoàng Văn Thạch" in listing
    assert "Giàng Seo Chứ" not in listing


def test_secretary_sees_only_own_cell(login, tree, personas):
    client = login(personas["secretary_a"])
    page = client.get(reverse("members:organisation_tree")).content.decode()
    assert "Chi bộ thôn Thanh Sơn" in page
    for other in ("Lùng Chang", "Nà Miều", "Đảng bộ xã Thanh Thủy", "Đảng bộ huyện Thử"):
        assert other not in page
    assert (
        client.get(reverse("members:organisation_detail", args=[tree["x"].pk])).status_code == 404
    )
    assert (
        client.get(reverse("members:organisation_detail", args=[tree["a2"].pk])).status_code == 404
    )


def test_secretary_manages_own_cell_but_not_the_tree(login, tree, personas):
    client = login(personas["secretary_a"])
    a = tree["a"]
    assert client.get(reverse("members:member_create", args=[a.pk])).status_code == 200
    assert client.get(reverse("members:member_import", args=[a.pk])).status_code == 200
    # Organisation changes and transfers belong to committee staff.
    assert client.get(reverse("members:organisation_update", args=[a.pk])).status_code == 403
    assert client.get(reverse("members:position_create", args=[a.pk])).status_code == 403
    member = tree["members"]["a"][0]
    assert client.get(reverse("members:member_transfer", args=[member.pk])).status_code == 403


def test_member_reads_own_cell_and_changes_nothing(login, tree, personas):
    client = login(personas["member_a"])
    a = tree["a"]
    listing = client.get(reverse("members:member_list", args=[a.pk]))
    assert "Nguyễn Thị Hương" in listing.content.decode()
    other = tree["members"]["a"][0]
    detail = client.get(reverse("members:member_detail", args=[other.pk])).content.decode()
    assert other.full_name in detail
    assert "Số CCCD" not in detail  # personal data is for managers and the member themself
    for name in ("members:member_create", "members:member_import", "members:organisation_update"):
        assert client.get(reverse(name, args=[a.pk])).status_code == 403, name
    for name in ("members:member_update", "members:member_exempt"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 403, name
    assert client.get(reverse("members:member_list", args=[tree["a2"].pk])).status_code == 404


def test_observer_reads_subtree_but_changes_nothing(login, tree, personas):
    client = login(personas["observer"])
    b = tree["b"]
    assert client.get(reverse("members:member_list", args=[b.pk])).status_code == 200
    assert client.get(reverse("members:member_create", args=[b.pk])).status_code == 403
    assert client.get(reverse("members:organisation_create", args=[b.pk])).status_code == 403


def test_district_staff_reach_every_cell(login, tree, personas):
    client = login(personas["district"])
    for key in ("a", "a2", "b"):
        assert (
            client.get(reverse("members:organisation_update", args=[tree[key].pk])).status_code
            == 200
        )


def test_committee_staff_cannot_dissolve_their_own_committee(login, tree, personas):
    client = login(personas["staff_x"])
    assert (
        client.get(reverse("members:organisation_dissolve", args=[tree["x"].pk])).status_code == 403
    )
    assert (
        client.get(reverse("members:organisation_dissolve", args=[tree["a"].pk])).status_code == 200
    )


def test_export_contains_only_scoped_members(login, tree, personas):
    client = login(personas["staff_x"])
    body = client.get(reverse("members:member_export_csv", args=[tree["x"].pk])).content.decode(
        "utf-8-sig"
    )
    assert "Nguyễn Thị Hương" in body and "Hoàng Văn Thạch" in body
    assert "Giàng Seo Chứ" not in body


def test_breadcrumbs_show_only_the_organisations_above_that_the_user_may_read(tree, personas):
    from members.selectors import visible_ancestors

    def codes(user):
        return [org.code for org in visible_ancestors(user, tree["a"])]

    assert codes(personas["district"]) == ["D", "X"]
    assert codes(personas["staff_x"]) == ["X"]
    assert codes(personas["secretary_a"]) == []
    assert codes(personas["staff_y"]) == []  # Y's staff cannot read A at all
    personas["district"].is_superuser = True
    assert codes(personas["district"]) == ["D", "X"]


def test_the_organisation_of_a_url_comes_from_the_users_roles_or_their_scope(
    tree, personas, django_assert_num_queries
):
    from django.http import Http404

    from members import selectors

    staff = personas["staff_x"]
    selectors.roles_for_user(staff)  # read once per request
    with django_assert_num_queries(0):  # their own unit came with their roles
        assert selectors.organisation_for_user(staff, tree["x"].pk) == tree["x"]
    with django_assert_num_queries(1):  # a unit below it is read, through their scope
        assert selectors.organisation_for_user(staff, tree["a"].pk) == tree["a"]
    for outside in (tree["y"], tree["b"], tree["district"]):
        with pytest.raises(Http404):
            selectors.organisation_for_user(staff, outside.pk)
