from django.core.management.base import BaseCommand, CommandError

from meetings.content import MINUTES_PREFETCH, verify
from meetings.enums import MeetingState
from meetings.models import Meeting
from members.models import Organisation


class Command(BaseCommand):
    help = "Tính lại mã băm mọi biên bản đã ký; báo lỗi nếu nội dung không còn khớp."

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
            .prefetch_related(*MINUTES_PREFETCH)
            .order_by("pk")
        )
        bad = []
        checked = 0
        for meeting in meetings.iterator(chunk_size=200):
            checked += 1
            ok, current, signed = verify(meeting)
            if not ok:
                bad.append((meeting, current, signed))
        for meeting, current, signed in bad:
            self.stderr.write(
                f"KHÔNG KHỚP: #{meeting.pk} {meeting.cell.name} — {meeting.display_title}: "
                f"đã ký {', '.join(s[:12] for s in signed)}, hiện tại {current[:12]}"
            )
        if bad:
            raise CommandError(f"{len(bad)}/{checked} biên bản đã ký không còn khớp nội dung.")
        signed_total = meetings.filter(state=MeetingState.SIGNED).count()
        self.stdout.write(
            f"Đã kiểm tra {checked} biên bản có chữ ký ({signed_total} đã ký đủ): tất cả khớp."
        )
