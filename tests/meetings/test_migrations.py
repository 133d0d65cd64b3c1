"""The migration that gives signed minutes made before it their records, and repairs
the signatures made with the English interface where the stored content proves them."""

import datetime
import hashlib
import json
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meetings import content

BEFORE = [("meetings", "0007_meeting_cell_signed_totals_index")]
AFTER = [("meetings", "0009_repair_and_record_signed_minutes")]
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def english_hash(meeting):
    """What format 1 gave a signer who read the interface in English."""
    structure = content.canonical(meeting, version=1)
    month = meeting.planned_at.astimezone(HANOI)
    structure["title"] = f"Cell meeting for {month.month:02d}/{month.year}"
    text = json.dumps(structure, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def back_to_latest():
    """The rest of the suite runs on the latest schema: migrate forward afterwards."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signatures_are_repaired_only_where_the_stored_content_proves_them(capsys, back_to_latest):
    apps = migrate(BEFORE)
    Organisation = apps.get_model("members", "Organisation")
    Member = apps.get_model("members", "Member")
    User = apps.get_model("auth", "User")
    Meeting = apps.get_model("meetings", "Meeting")
    Attendance = apps.get_model("meetings", "Attendance")
    Signature = apps.get_model("meetings", "Signature")
    MinutesDocument = apps.get_model("meetings", "MinutesDocument")
    committee = Organisation.objects.create(name="Đảng bộ xã Thanh Thủy", code="X", kind="grassroots", path="/")  # fmt: skip
    committee.path = f"/{committee.pk}/"
    committee.save()
    cell = Organisation.objects.create(name="Chi bộ thôn Thanh Sơn", code="A", kind="cell", cell_type="village",
                                       parent=committee, path="")  # fmt: skip
    cell.path = f"{committee.path}{cell.pk}/"
    cell.save()
    people = []
    for name in ("Nguyễn Thị Hương", "Lê Văn An"):
        user = User.objects.create(username=name.split()[-1].lower())
        people.append((Member.objects.create(
            cell=cell, full_name=name, sort_name=name, search_name=name, sex="female", date_of_birth="1970-01-01",
            ethnicity="Tày", admitted_on="1995-01-01", official_on="1996-01-01",
            status="official"), user))  # fmt: skip
    (chair, chair_user), (taker, taker_user) = people

    def meeting(month, state, signers):
        planned = datetime.datetime(2018, month, 5, 19, 30, tzinfo=HANOI)
        row = Meeting.objects.create(
            cell=cell, kind="regular", planned_at=planned, period=planned.date().replace(day=1),
            place="Nhà văn hóa", state=state, opened_at=planned,
            closed_at=planned + datetime.timedelta(hours=2),
            cell_name=cell.name, chair=chair, minute_taker=taker, chair_name=chair.full_name,
            minute_taker_name=taker.full_name, conclusion=f"Nghị quyết tháng {month}",
        )  # fmt: skip
        for member in (chair, taker):
            Attendance.objects.create(meeting=row, member=member, member_name=member.full_name,
                                      status_on_day="official", official_on_day=True,
                                      presence="present")  # fmt: skip
        vietnamese, english = content.content_hash(row, version=1), english_hash(row)
        hashes = {"vi": vietnamese, "en": english, "bad": "0" * 64}
        for role, (member, user), language in signers:
            Signature.objects.create(meeting=row, role=role, member=member, user=user,
                                     signer_name=member.full_name, signer_position="Bí thư",
                                     signed_at=planned, content_hash=hashes[language])  # fmt: skip
        return row, vietnamese

    taker_en = ("minute_taker", (taker, taker_user), "en")
    chair_vi = ("chair", (chair, chair_user), "vi")
    mixed, mixed_hash = meeting(1, "signed", [taker_en, chair_vi])
    # Its document, made while the hashes disagreed, printed none.
    MinutesDocument.objects.create(meeting=mixed, kind="minutes", number=1, file="x.pdf",
                                   sha256="0" * 64, code="NONECODE00")  # fmt: skip
    plain, plain_hash = meeting(2, "signed", [("minute_taker", (taker, taker_user), "vi"),
                                              chair_vi])  # fmt: skip
    unproven, unproven_hash = meeting(
        3, "signed", [taker_en, ("chair", (chair, chair_user), "bad")]
    )
    waiting, waiting_hash = meeting(4, "submitted", [taker_en])

    apps = migrate(AFTER)
    Signature = apps.get_model("meetings", "Signature")
    SignedRecord = apps.get_model("meetings", "SignedRecord")
    AuditEvent = apps.get_model("members", "AuditEvent")
    assert set(Signature.objects.filter(meeting_id=mixed.pk).values_list("content_hash", flat=True)) == {mixed_hash}  # fmt: skip
    assert Signature.objects.get(meeting_id=waiting.pk).content_hash == waiting_hash
    # Each signature is repaired on its own proof; the one nothing proves stays as it was.
    assert set(
        Signature.objects.filter(meeting_id=unproven.pk).values_list("content_hash", flat=True)
    ) == {unproven_hash, "0" * 64}
    repairs = AuditEvent.objects.filter(action="meeting.signature_repaired")
    assert sorted(repairs.values_list("target_id", flat=True)) == [
        mixed.pk,
        unproven.pk,
        waiting.pk,
    ]
    records = {r.meeting_id: r for r in SignedRecord.objects.all()}
    assert set(records) == {mixed.pk, plain.pk}
    assert records[mixed.pk].content_hash == mixed_hash and records[mixed.pk].content_version == 1
    assert records[plain.pk].snapshot["cell"] == "Chi bộ thôn Thanh Sơn"
    assert records[plain.pk].snapshot["superior"] == "Đảng bộ xã Thanh Thủy"
    assert records[plain.pk].number == 2
    MinutesDocument = apps.get_model("meetings", "MinutesDocument")
    assert not MinutesDocument.objects.filter(meeting_id=mixed.pk).exists()
    # The meeting nothing proves is named for what it is.
    with pytest.raises(Exception, match="1/4 biên bản có các chữ ký không cùng một mã băm"):
        call_command("verify_minutes")
    assert f"CHỮ KÝ KHÔNG THỐNG NHẤT: #{unproven.pk}" in capsys.readouterr().err
