"""The tree's paths are kept by the database, whoever writes (members 0009)."""

import pytest
from django.core.checks import Tags, run_checks
from django.db import DatabaseError, connection, transaction

from members.models import Organisation
from members.selectors import organisations_for_user
from tests.factories import make_user


def consistent():
    for org in Organisation.objects.select_related("parent"):
        parent_path = org.parent.path if org.parent_id else "/"
        assert org.path == f"{parent_path}{org.pk}/", org
        assert org.depth == (org.parent.depth + 1 if org.parent_id else 0), org


def test_a_unit_made_outside_the_services_gets_its_path(tree):
    made = Organisation.objects.create(name="Chi bộ thôn Mới", code="N1", kind="cell",
                                       cell_type="village", parent=tree["x"])  # fmt: skip
    made.refresh_from_db()
    assert made.path == f"{tree['x'].path}{made.pk}/" and made.depth == 2
    user = make_user(made, "secretary", username="bithu_moi")
    assert list(organisations_for_user(user)) == [made]


def test_a_bulk_move_carries_the_subtree_and_an_emptied_path_comes_back(tree):
    Organisation.objects.filter(pk=tree["x"].pk).update(parent=tree["y"])
    consistent()
    a = Organisation.objects.get(pk=tree["a"].pk)
    assert a.path == f"{tree['district'].path}{tree['y'].pk}/{tree['x'].pk}/{a.pk}/"
    Organisation.objects.filter(pk=a.pk).update(path="", depth=0)
    consistent()


def test_a_unit_cannot_be_put_under_its_own_descendant(tree):
    with pytest.raises(DatabaseError), transaction.atomic():
        Organisation.objects.filter(pk=tree["x"].pk).update(parent=tree["a"])
    consistent()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="switches the path triggers off as PostgreSQL can"
)
def test_the_system_check_names_paths_the_database_did_not_keep(tree):
    assert not [e for e in run_checks(tags=[Tags.database], databases=["default"])
                if e.id == "members.E001"]  # fmt: skip
    with connection.cursor() as cursor:  # as before the triggers existed
        cursor.execute("SET LOCAL session_replication_role = replica")  # no user triggers
        cursor.execute("UPDATE members_organisation SET path = '' WHERE id = %s", [tree["b"].pk])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    errors = [e for e in run_checks(tags=[Tags.database], databases=["default"])
              if e.id == "members.E001"]  # fmt: skip
    assert len(errors) == 1 and f"#{tree['b'].pk}" in errors[0].msg
