import time
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.db.models import Count

from meetings.documents import services as documents
from meetings.enums import DocumentKind
from meetings.models import Meeting, SignedRecord
from members.models import Organisation


class Command(BaseCommand):
    help = (
        "Tạo tệp PDF còn thiếu của các biên bản đã ký, từ hồ sơ ký của từng biên bản "
        "(cho kho lưu trữ, hoặc sau khi khôi phục). Với --repair: tạo lại tệp bị hỏng "
        "hoặc bị mất, và chỉ ghi lại khi tệp tạo lại khớp đúng mã SHA-256 đã ghi."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Tên hoặc mã tổ chức: chỉ các biên bản bên dưới nó.")
        parser.add_argument("--repair", action="store_true")
        parser.add_argument("--jobs", type=int, default=1, help="Số tệp tạo cùng lúc.")

    def handle(self, *args, org=None, repair=False, jobs=1, **options):
        meetings = Meeting.objects.filter(state="signed")
        if org:
            found = Organisation.objects.named(org)
            if found is None:
                raise CommandError(f"Không tìm thấy đúng một tổ chức “{org}”.")
            meetings = meetings.filter(cell__path__startswith=found.path)
        if repair:
            return self.repair(meetings)
        started = time.monotonic()
        records = list(
            SignedRecord.objects.filter(meeting__in=meetings)
            .annotate(made=Count("meeting__documents"))
            .filter(made__lt=len(DocumentKind.values))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        failed = []
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for pk, error in pool.map(self.issue, records):
                if error:
                    failed.append(f"#{pk}: {error}")
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Đã tạo tệp cho {len(records) - len(failed)} biên bản trong {seconds:.0f} giây."
        )
        if failed:
            raise CommandError("Không tạo được:\n" + "\n".join(failed))

    @staticmethod
    def issue(record_pk):
        try:
            record = SignedRecord.objects.select_related("meeting__cell").get(pk=record_pk)
            documents.issue_documents(record)
            return record_pk, None
        except Exception as exc:  # reported per record; the others go on
            return record_pk, str(exc)
        finally:
            close_old_connections()

    def repair(self, meetings):
        restored, failed = documents.repair_documents(meetings)
        for document in restored:
            self.stdout.write(f"Đã khôi phục: {document.file.name}")
        for document in failed:
            self.stderr.write(
                f"KHÔNG KHÔI PHỤC ĐƯỢC: {document.file.name} (tệp tạo lại không khớp mã đã ghi: "
                "hãy khôi phục từ bản sao lưu)"
            )
        self.stdout.write(f"Đã khôi phục {len(restored)} tệp.")
        if failed:
            raise CommandError(f"{len(failed)} tệp không khôi phục được.")
