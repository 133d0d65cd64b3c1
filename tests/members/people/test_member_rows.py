"""The member list's rows are the one table written in Python (member_rows): it must
write exactly what its template (templates/members/_member_rows.html) writes."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from members.enums import MemberStatus
from members.models import Member
from members.people.views import LIST_COLUMNS
from members.templatetags.member_list import member_rows
from tests.factories import CellFactory, MemberFactory


@pytest.fixture
def rows(tree):
    odd = CellFactory(parent=tree["x"], code="ODD", name="Chi bộ <Pó & 'Co'>")
    for number, status in enumerate(MemberStatus.values):
        MemberFactory(
            cell=odd if number % 2 else tree["b"],
            full_name=f'Lò Văn "Bé" <i>{number}</i> & Tí\'s',
            status=status,
            ethnicity="Dao & Mông" if number % 3 else "",
            date_of_birth=datetime.date(1958, 3, 7 + number),
        )
    return list(Member.objects.order_by("pk").values_list(*LIST_COLUMNS, named=True))


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("where", ["district", "x", "a"])
def test_the_fast_rows_write_what_the_template_writes(tree, rows, where, language):
    org = tree[where]
    with translation.override(language):
        fast = member_rows(rows, org)
        template = render_to_string("members/_member_rows.html", {"rows": rows, "org": org})
    assert fast.strip() == template.strip()
    assert "<i>" not in fast and "&lt;i&gt;" in fast  # the comparison covers escaping


def test_the_comparison_sees_a_difference(tree, rows):
    """The check above can fail: rows for a cell are not a committee's rows."""
    fast = member_rows(rows, tree["a"])
    template = render_to_string("members/_member_rows.html", {"rows": rows, "org": tree["x"]})
    assert fast.strip() != template.strip()
