"""Every form of the members app posted with hostile data through its view (tests/fuzz.py).

Never a server error; a refused form says why on the page.
"""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import strategies as st

from members.access.forms import EndPositionForm, PositionForm
from members.imports import HEADERS
from members.imports.forms import ImportForm
from members.models import Member, Position
from members.people import services
from members.people.forms import (
    ExemptForm,
    MemberFilterForm,
    MemberForm,
    RecogniseForm,
    RecordStatusForm,
    StatusChangeForm,
    TransferForm,
)
from members.tree.forms import AsOfForm, AuditFilterForm, DissolveForm, OrganisationForm
from tests.factories import CellFactory, MemberFactory
from tests.fuzz import ODD_TEXT, date_texts, fuzz, fuzz_form_view, fuzzes, integer_texts


@pytest.fixture
def staff(personas):
    return personas["staff_x"]


NEW_CELL = {"name": "Chi bộ thôn Nà Mạ", "code": "NA-MA", "cell_type": "village"}
NEW_MEMBER = {
    "full_name": "Lò Văn Sèn",
    "sex": "male",
    "date_of_birth": "02/09/1980",
    "ethnicity": "Giáy",
    "admitted_on": "19/05/2010",
    "official_on": "19/05/2011",
}
REASON = {"reason": "Quyết định số 12-QĐ/ĐU"}


@fuzzes(OrganisationForm)
@pytest.mark.parametrize("view", ["organisation_create", "organisation_update"])
def test_fuzz_organisation_form(tree, staff, view):
    org = tree["x"] if view == "organisation_create" else tree["a"]
    valid = NEW_CELL if view == "organisation_create" else {}
    fuzz_form_view(staff, reverse(f"members:{view}", args=[org.pk]), valid=valid)


@fuzzes(DissolveForm)
def test_fuzz_dissolve_form(tree, staff):
    empty = CellFactory(parent=tree["x"], code="EMPTY", founded_on=datetime.date(2001, 1, 1))
    for org in (empty, tree["a2"]):
        url = reverse("members:organisation_dissolve", args=[org.pk])
        fuzz_form_view(staff, url, valid=REASON)


@fuzzes(MemberForm)
def test_fuzz_member_form(tree, staff):
    url = reverse("members:member_create", args=[tree["a"].pk])
    fuzz_form_view(staff, url, valid=NEW_MEMBER)
    member = tree["members"]["a"][0]
    fuzz_form_view(staff, reverse("members:member_update", args=[member.pk]))


@fuzzes(MemberFilterForm)
@pytest.mark.parametrize("org", ["x", "a"])
def test_fuzz_member_filter(tree, staff, org):
    fuzz_form_view(
        staff,
        reverse("members:member_list", args=[tree[org].pk]),
        method="get",
        name="filter_form",
        extra=st.fixed_dictionaries({"page": integer_texts()}),
    )


@fuzzes(AsOfForm)
def test_fuzz_tree_as_of(tree, staff):
    fuzz_form_view(staff, reverse("members:organisation_as_of", args=[tree["x"].pk]),
                   method="get")  # fmt: skip


@fuzzes(AuditFilterForm)
def test_fuzz_audit_filter(tree, staff):
    fuzz_form_view(
        staff,
        reverse("members:audit_log", args=[tree["x"].pk]),
        method="get",
        name="filter_form",
        extra=st.fixed_dictionaries({"page": integer_texts()}),
    )


@pytest.fixture
def probationary(tree):
    return MemberFactory(cell=tree["a"], full_name="Triệu Thị Mẩy", status="probationary",
                         official_on=None, admitted_on=datetime.date(2018, 1, 10))  # fmt: skip


@fuzzes(StatusChangeForm, ExemptForm, RecordStatusForm, TransferForm)
@pytest.mark.parametrize(
    "view", ["member_reinstate", "member_exempt", "member_status", "member_transfer"]
)
def test_fuzz_member_actions(tree, staff, view):
    member = tree["members"]["a"][0]
    if view == "member_reinstate":
        services.exempt_member(actor=staff, member=member, on=datetime.date(2020, 1, 1),
                               reason="Tuổi cao")  # fmt: skip
    valid = {**REASON, "status": "deceased", "to_cell": str(tree["a2"].pk)}
    fuzz_form_view(staff, reverse(f"members:{view}", args=[member.pk]), valid=valid)


@fuzzes(RecogniseForm)
def test_fuzz_recognise_form(staff, probationary):
    url = reverse("members:member_official", args=[probationary.pk])
    fuzz_form_view(staff, url, valid=REASON)


@fuzzes(PositionForm)
def test_fuzz_position_form(tree, staff):
    valid = {"member": str(tree["members"]["a"][0].pk), "role": "secretary"}
    fuzz_form_view(staff, reverse("members:position_create", args=[tree["a"].pk]), valid=valid)


@fuzzes(EndPositionForm)
def test_fuzz_end_position_form(tree, staff):
    secretary = tree["members"]["a"][0]
    position = Position.objects.create(cell=tree["a"], member=secretary, role="secretary",
                                       started_on=datetime.date(2017, 7, 1))  # fmt: skip
    fuzz_form_view(staff, reverse("members:position_end", args=[position.pk]))


# -- member files ------------------------------------------------------------------

SMALL_ODD_TEXT = [text for text in ODD_TEXT if len(text) < 1000]


def cell_values():
    return st.one_of(
        st.sampled_from(SMALL_ODD_TEXT + ["A", "A2", "B", "Nam", "Nữ", "Chính thức", "Dự bị"]),
        date_texts().filter(lambda text: len(text) < 1000),
        st.text(max_size=30),
    )


GOOD_ROW = ["Hoàng Thị Lả", "Nữ", "12/03/1980", "Tày", "", "0912345678", "", "", "05/06/2005",
            "05/06/2006", "A", "Chính thức"]  # fmt: skip


@st.composite
def fuzzed_row(draw):
    """A good row with some cells changed, or cut short or made longer."""
    row = list(GOOD_ROW)
    row[0] = draw(st.sampled_from(["Hoàng Thị Lả", "Ma Văn Kiên", "Giàng Seo Páo"]))
    for index in draw(st.sets(st.integers(0, len(row) - 1), max_size=2)):
        row[index] = draw(cell_values())
    if draw(st.integers(0, 3)) == 0:
        row = row[: draw(st.integers(0, 14))] + draw(st.lists(cell_values(), max_size=2))
    return row


@st.composite
def member_files(draw):
    """Mostly a CSV file of fuzzed rows under the right headers; at times one in another
    encoding, random bytes, or a name that does not match."""
    name = draw(st.sampled_from(["ds.csv"] * 4 + ["ds.xlsx", "DS.CSV", "ds.csv.xlsx", "ds"]))
    if draw(st.sampled_from(["rows"] * 4 + ["bytes"])) == "bytes":
        return SimpleUploadedFile(name, draw(st.binary(max_size=2000)))
    rows = draw(st.lists(fuzzed_row(), max_size=4))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ",", ";", "\t"])))
    writer.writerow(HEADERS)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8"] * 4 + ["utf-8-sig", "utf-16", "cp1258"]))
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding, errors="replace"))


@fuzzes(ImportForm)
def test_fuzz_import_form(tree, staff):
    url = reverse("members:member_import", args=[tree["x"].pk])
    count = Member.objects.count()

    def nothing_imported_unless_accepted(response, data):
        if response.status_code == 200:
            assert Member.objects.count() == count

    fuzz(
        staff,
        url,
        st.fixed_dictionaries({"file": member_files()}),
        shown=("form", "result"),
        check=nothing_imported_unless_accepted,
    )


# -- found by the fuzz ---------------------------------------------------------------


def test_a_form_without_its_hidden_version_says_to_reload(client, tree, staff):
    member = tree["members"]["a"][0]
    client.force_login(staff)
    response = client.post(reverse("members:member_update", args=[member.pk]), NEW_MEMBER)
    assert "Trang này đã cũ hoặc bị thay đổi" in response.content.decode()
    assert Member.objects.get(pk=member.pk).full_name == member.full_name


def test_a_nul_character_is_refused_in_vietnamese(client, tree, staff):
    client.force_login(staff)
    data = {**NEW_MEMBER, "full_name": "Lò Văn\x00 Sèn"}
    response = client.post(reverse("members:member_create", args=[tree["a"].pk]), data)
    assert "ký tự không hợp lệ (ký tự NUL)" in response.content.decode()
    assert not Member.objects.filter(full_name__startswith="Lò Văn").exists()
