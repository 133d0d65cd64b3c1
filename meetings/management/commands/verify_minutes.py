from django.core.management.base import BaseCommand, CommandError

from meetings.content import MINUTES_PREFETCH, verify
from meetings.documents.services import document_intact
from meetings.enums import MeetingState
from meetings.models import Meeting
from members.models import Organisation


def document_problem(document):
    """Why a stored PDF no longer is what was signed, or None if it still is."""
    try:
        intact = document_intact(document)
    except OSError:
        return "thiếu tệp"
    return None if intact else "SHA-256 của tệp không khớp"


def signature_problem(meeting, current, signed):
    """Why the signatures of `meeting` do not verify: the stored content changed, or the
    signatures never agreed on one hash (nothing then proves what was signed)."""
    if len(signed) > 1:
        return (
            "DISAGREE",
            f"các chữ ký không cùng một mã băm ({', '.join(s[:12] for s in signed)}); nội dung "
            f"hiện tại {current[:12]}: không có gì chứng minh nội dung nào đã được ký",
        )
    return "CHANGED", f"đã ký {', '.join(s[:12] for s in signed)}, hiện tại {current[:12]}"


class Command(BaseCommand):
    help = (
        "Tính lại mã băm mọi biên bản đã ký và mọi tệp PDF đã lưu; "
        "báo lỗi nếu nội dung hay tệp không còn khớp, hoặc nếu các chữ ký không thống nhất."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Tên hoặc mã tổ chức: chỉ kiểm tra biên bản bên dưới nó.")

    def handle(self, *args, org=None, **options):
        meetings = Meeting.objects.filter(signatures__isnull=False).distinct()
        if org:
            found = Organisation.objects.named(org)
            if found is None:
                raise CommandError(f"Không tìm thấy đúng một tổ chức “{org}”.")
            meetings = meetings.filter(cell__path__startswith=found.path)
        meetings = (
            meetings.select_related("cell", "chair", "minute_taker", "record")
            .prefetch_related(*MINUTES_PREFETCH, "documents")
            .order_by("pk")
        )
        problems = {"CHANGED": [], "DISAGREE": [], "NO_RECORD": [], "FILE": []}
        checked = 0
        files = 0
        for meeting in meetings.iterator(chunk_size=200):
            checked += 1
            label = f"#{meeting.pk} {meeting.cell.name} — {meeting.display_title}"
            ok, current, signed = verify(meeting)
            record = getattr(meeting, "record", None)
            if not ok:
                kind, why = signature_problem(meeting, current, signed)
                problems[kind].append(f"{label}: {why}")
            elif meeting.state == MeetingState.SIGNED and record is None:
                problems["NO_RECORD"].append(f"{label}: đã ký nhưng không có hồ sơ ký")
            elif record is not None and signed != [record.content_hash]:
                problems["CHANGED"].append(
                    f"{label}: hồ sơ ký ghi mã băm {record.content_hash[:12]}"
                )
            for document in meeting.documents.all():
                files += 1
                problem = document_problem(document)
                if problem:
                    problems["FILE"].append(f"{label}: {document.file.name}: {problem}")
        headings = {
            "CHANGED": "KHÔNG KHỚP",
            "DISAGREE": "CHỮ KÝ KHÔNG THỐNG NHẤT",
            "NO_RECORD": "THIẾU HỒ SƠ KÝ",
            "FILE": "TỆP HỎNG",
        }
        for kind, lines in problems.items():
            for line in lines:
                self.stderr.write(f"{headings[kind]}: {line}")
        failures = []
        if problems["CHANGED"]:
            failures.append(
                f"{len(problems['CHANGED'])}/{checked} biên bản đã ký không còn khớp nội dung."
            )
        if problems["DISAGREE"]:
            failures.append(
                f"{len(problems['DISAGREE'])}/{checked} biên bản có các chữ ký không cùng một "
                "mã băm: không xác minh được nội dung đã ký."
            )
        if problems["NO_RECORD"]:
            failures.append(f"{len(problems['NO_RECORD'])} biên bản đã ký thiếu hồ sơ ký.")
        if problems["FILE"]:
            failures.append(
                f"{len(problems['FILE'])}/{files} tệp PDF đã lưu bị thiếu hoặc bị thay đổi."
            )
        if failures:
            raise CommandError(" ".join(failures))
        signed_total = meetings.filter(state=MeetingState.SIGNED).count()
        self.stdout.write(
            f"Đã kiểm tra {checked} biên bản có chữ ký ({signed_total} đã ký đủ) "
            f"và {files} tệp PDF đã lưu: tất cả khớp."
        )
