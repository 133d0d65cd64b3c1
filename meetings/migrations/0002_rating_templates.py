"""The two rating templates cellmeet ships: HD 12's criteria and a 100-point scale."""

from django.db import migrations

HD12 = {
    "code": "hd12",
    "version": 1,
    "name": "Tiêu chí chất lượng sinh hoạt chi bộ (Hướng dẫn 12-HD/BTCTW)",
    "kind": "checklist",
    "criteria": [
        {"key": "attendance", "label": "Tỷ lệ đảng viên dự sinh hoạt trên 85%", "points": 1},
        {"key": "no_unexcused", "label": "Không có đảng viên vắng mặt không có lý do", "points": 1},
        {"key": "prepared", "label": "Chi ủy (bí thư, phó bí thư) họp chuẩn bị trước", "points": 1},
        {"key": "content", "label": "Nội dung sinh hoạt đầy đủ, đúng trình tự", "points": 1},
        {"key": "discussion", "label": "Nhiều đảng viên tham gia phát biểu ý kiến", "points": 1},
        {"key": "minutes", "label": "Biên bản ghi đầy đủ, đúng thể thức", "points": 1},
        {"key": "carried_out", "label": "Nghị quyết được tổ chức thực hiện có kết quả", "points": 1},
    ],
    "bands": [{"min": 7, "label": "Đạt yêu cầu"}, {"min": 0, "label": "Chưa đạt yêu cầu"}],
}
POINTS_100 = {
    "code": "thang-100",
    "version": 1,
    "name": "Thang điểm 100 (như Nghệ An)",
    "kind": "points",
    "criteria": [
        {"key": "preparation", "label": "Công tác chuẩn bị", "points": 20},
        {"key": "attendance", "label": "Tỷ lệ đảng viên dự sinh hoạt", "points": 10},
        {"key": "conduct", "label": "Tiến hành sinh hoạt", "points": 45},
        {"key": "principles", "label": "Thực hiện nguyên tắc sinh hoạt đảng", "points": 15},
        {"key": "reports", "label": "Báo cáo, kết luận, nghị quyết", "points": 10},
    ],
    "bands": [
        {"min": 80, "label": "Tốt"},
        {"min": 70, "label": "Khá"},
        {"min": 50, "label": "Trung bình"},
        {"min": 0, "label": "Yếu"},
    ],
}


def ship(apps, schema_editor):
    RatingTemplate = apps.get_model("meetings", "RatingTemplate")
    for template in (POINTS_100, HD12):
        RatingTemplate.objects.get_or_create(
            code=template["code"], version=template["version"], defaults=template
        )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
