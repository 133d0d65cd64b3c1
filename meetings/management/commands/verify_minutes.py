from django.core.management.base import BaseCommand, CommandError

from meetings.content import MINUTES_PREFETCH, verify
from meetings.documents import document_intact
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


class Command(BaseCommand):
    help = (
        "Tính lại mã băm mọi biên bản đã ký và mọi tệp PDF đã lưu; "
        "báo lỗi nếu nội dung hay tệp không còn khớp."
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
            meetings.select_related("cell", "chair", "minute_taker")
            .prefetch_related(*MINUTES_PREFETCH, "documents")
            .order_by("pk")
        )
        bad = []
        broken = []
        checked = 0
        files = 0
        for meeting in meetings.iterator(chunk_size=200):
            checked += 1
            ok, current, signed = verify(meeting)
            if not ok:
                bad.append((meeting, current, signed))
            for document in meeting.documents.all():
                files += 1
                problem = document_problem(document)
                if problem:
                    broken.append((meeting, document, problem))
        for meeting, current, signed in bad:
            self.stderr.write(
                f"KHÔNG KHỚP: #{meeting.pk} {meeting.cell.name} — {meeting.display_title}: "
                f"đã ký {', '.join(s[:12] for s in signed)}, hiện tại {current[:12]}"
            )
        for meeting, document, problem in broken:
            self.stderr.write(
                f"TỆP HỎNG: #{meeting.pk} {meeting.cell.name} — {meeting.display_title}: "
                f"{document.file.name}: {problem}"
            )
        failures = []
        if bad:
            failures.append(f"{len(bad)}/{checked} biên bản đã ký không còn khớp nội dung.")
        if broken:
            failures.append(f"{len(broken)}/{files} tệp PDF đã lưu bị thiếu hoặc bị thay đổi.")
        if failures:
            raise CommandError(" ".join(failures))
        signed_total = meetings.filter(state=MeetingState.SIGNED).count()
        self.stdout.write(
            f"Đã kiểm tra {checked} biên bản có chữ ký ({signed_total} đã ký đủ) "
            f"và {files} tệp PDF đã lưu: tất cả khớp."
        )
