"""An import changes members by the same rules, with the same rights, as the pages."""

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from members.people import services
from tests.factories import MemberFactory


def exported(client, org):
    response = client.get(reverse("members:member_export_csv", args=[org.pk]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def upload(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile("ds.csv", buffer.getvalue().encode("utf-8"))


def edit(rows, name, **changes):
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("Họ và tên")] == name:
            for column, value in changes.items():
                row[header.index(column)] = value
    return rows


def post(client, org, rows):
    return client.post(reverse("members:member_import", args=[org.pk]), {"file": upload(rows)})


def test_a_secretary_cannot_recognise_a_member_as_official_by_import(login, tree, personas):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    member = MemberFactory(cell=tree["b"], full_name="Vàng Thị Dợ", admitted_on=yesterday,
                           official_on=None, date_of_birth=datetime.date(1995, 1, 1))  # fmt: skip
    secretary = login(personas["secretary_b"])
    today = timezone.localdate().strftime("%d/%m/%Y")
    rows = edit(exported(secretary, tree["b"]), "Vàng Thị Dợ", **{"Tình trạng": "Chính thức",
                                                                   "Ngày chính thức": today})  # fmt: skip
    response = post(secretary, tree["b"], rows)
    page = response.content.decode()
    assert response.status_code == 200 and "Chưa nhập gì" in page
    assert "Bạn không có quyền công nhận đảng viên chính thức" in page
    member.refresh_from_db()
    assert member.status == "probationary" and member.official_on is None
    # Committee staff may recognise, once the 12 months of probation are served.
    staff = login(personas["staff_y"])
    page = post(staff, tree["y"], rows).content.decode()
    assert "12 tháng dự bị" in page
    member.refresh_from_db()
    assert member.status == "probationary"


def test_an_import_recognises_by_the_rules_and_through_the_service(login, tree, personas):
    member = MemberFactory(cell=tree["b"], full_name="Vàng Thị Dợ", official_on=None,
                           admitted_on=datetime.date(2017, 3, 2))  # fmt: skip
    staff = login(personas["staff_y"])
    rows = edit(exported(staff, tree["y"]), "Vàng Thị Dợ",
                **{"Tình trạng": "Chính thức", "Ngày chính thức": "02/03/2018"})  # fmt: skip
    response = post(staff, tree["y"], rows)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "official" and member.official_on == datetime.date(2018, 3, 2)
    assert member.status_changes.latest("effective_on").status == "official"
    assert member.version == 2


def test_an_import_of_a_file_exported_before_someone_saved_is_refused(login, tree, personas):
    staff = login(personas["staff_y"])
    rows = exported(staff, tree["y"])
    member = Member.objects.get(full_name="Bàn Thị Mẩy")
    services.update_member(actor=personas["secretary_b"], member=member,
                           data={"phone": "0988000111"}, version=member.version)  # fmt: skip
    member.refresh_from_db()
    assert member.phone == "0988000111"
    staff = login(personas["staff_y"])
    page = post(staff, tree["y"], edit(rows, "Bàn Thị Mẩy", **{"Dân tộc": "Dao"})).content.decode()
    assert "đã được sửa sau khi xuất tệp" in page
    member.refresh_from_db()
    assert member.ethnicity == "Tày" and member.phone == "0988000111"
