"""Django's admin writes through the services, or not at all.

Every registered ModelAdmin is either read-only, or listed in SERVICE_BACKED and saves
(and deletes) through the services: the same rules, audit and cache revisions as the
pages. A ModelAdmin registered without being one of the two fails this file.
"""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.urls import reverse

from members.models import AuditEvent, Organisation, Role
from members.selectors import organisations_for_user
from tests.factories import UserFactory

# Admins that save through the services; everything else is read-only.
SERVICE_BACKED = {"auth.user", "members.organisation", "members.role"}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


@pytest.mark.parametrize(
    "model, model_admin", registered(), ids=lambda v: getattr(v, "__name__", "")
)
def test_every_model_admin_is_read_only_or_backed_by_the_services(
    model, model_admin, rf, superuser
):
    request = rf.get("/")
    request.user = superuser
    label = model._meta.label_lower
    if label in SERVICE_BACKED:
        assert type(model_admin).save_model is not ModelAdmin.save_model, label
        if model_admin.has_delete_permission(request):
            assert type(model_admin).delete_model is not ModelAdmin.delete_model, label
            assert type(model_admin).delete_queryset is not ModelAdmin.delete_queryset, label
        return
    assert not model_admin.has_add_permission(request), label
    assert not model_admin.has_change_permission(request), label
    assert not model_admin.has_delete_permission(request), label


def test_read_only_admins_refuse_to_change_anything(admin_client, tree):
    member = tree["members"]["a"][0]
    url = reverse("admin:members_member_change", args=[member.pk])
    assert admin_client.get(url).status_code == 200  # readable
    response = admin_client.post(url, {"full_name": "Tên Khác", "sex": "male"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Thị Hương"
    assert admin_client.get(reverse("admin:members_member_add")).status_code == 403


def test_an_organisation_made_in_the_admin_has_its_place_in_the_tree(admin_client, tree, personas):
    response = admin_client.post(
        reverse("admin:members_organisation_add"),
        {"name": "Chi bộ thôn Mới", "code": "A9", "kind": "cell", "cell_type": "village",
         "parent": tree["x"].pk, "founded_on": "01/01/2020", "liaison": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Organisation.objects.get(code="A9")
    assert made.path == f"{tree['x'].path}{made.pk}/" and made.depth == tree["x"].depth + 1
    assert AuditEvent.objects.filter(action="organisation.create", target_id=made.pk).exists()
    # A role on it covers it, and nothing else.
    Role.objects.create(user=personas["member_a"], organisation=made, kind="secretary")
    visible = set(organisations_for_user(personas["member_a"]).values_list("code", flat=True))
    assert visible == {"A", "A9"}


def test_an_organisation_changed_in_the_admin_keeps_its_place_and_is_audited(admin_client, tree):
    cell = tree["a"]
    url = reverse("admin:members_organisation_change", args=[cell.pk])
    response = admin_client.post(
        url,
        {"name": "Chi bộ thôn Thanh Sơn Mới", "code": "A", "kind": "cell", "cell_type": "village",
         "parent": tree["y"].pk, "founded_on": "01/01/2000", "liaison": ""},
    )  # fmt: skip
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.name == "Chi bộ thôn Thanh Sơn Mới"
    assert cell.parent == tree["x"] and cell.path.startswith(tree["x"].path)  # moved by no one
    assert AuditEvent.objects.filter(action="organisation.update", target_id=cell.pk).exists()


def test_a_role_granted_and_removed_in_the_admin_is_audited_and_ends(admin_client, tree, personas):
    user = UserFactory(username="canbo_moi")
    response = admin_client.post(
        reverse("admin:members_role_add"),
        {"user": user.pk, "organisation": tree["y"].pk, "kind": "committee_staff"},
    )
    assert response.status_code == 302
    role = Role.objects.get(user=user)
    assert AuditEvent.objects.filter(action="role.grant", target_id=role.pk).exists()
    assert set(organisations_for_user(user).values_list("code", flat=True)) == {"Y", "B"}
    response = admin_client.post(
        reverse("admin:members_role_delete", args=[role.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.ended_on is not None  # kept, ended: the history of who could see what
    assert AuditEvent.objects.filter(action="role.end", target_id=role.pk).exists()
    user = type(user).objects.get(pk=user.pk)  # a new request reads its roles afresh
    assert not organisations_for_user(user).exists()
