import datetime
import shutil
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.documents import books
from meetings.models import BookState, MinuteBook
from members.models import Organisation, tree_order


class Command(BaseCommand):
    help = (
        "In sổ biên bản của mọi chi bộ dưới một tổ chức cho một năm (lưu trữ cuối năm). "
        "Các sổ được đóng bởi các tiến trình xử lý việc (celery worker), trên một hay nhiều "
        "máy; với --here, lệnh tự đóng sổ trong tiến trình của mình."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Tên hoặc mã tổ chức.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="Thư mục ghi các tệp PDF.")
        parser.add_argument("--here", action="store_true",
                            help="Đóng sổ ngay trong lệnh này, không cần tiến trình xử lý việc.")  # fmt: skip
        parser.add_argument("--timeout", type=int, default=6 * 3600,
                            help="Số giây chờ tối đa các tiến trình xử lý việc.")  # fmt: skip

    def handle(self, *args, org, year, out, here=False, timeout=6 * 3600, **options):
        root = Organisation.objects.named(org)
        if root is None:
            raise CommandError(f"Không tìm thấy đúng một tổ chức “{org}”.")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        started = time.monotonic()
        asked = {}
        for cell in sorted(Organisation.objects.subtree_of(root).cells(), key=tree_order):
            book = books.ask(cell, start, end, actor=None, retry=True)
            if book is not None:
                asked[book.pk] = cell
        if here:
            for pk in asked:
                books.bind(pk)
        pending = set(asked)
        while pending:
            done = MinuteBook.objects.filter(pk__in=pending).exclude(
                state__in=[BookState.QUEUED, BookState.BINDING]
            )
            pending -= set(done.values_list("pk", flat=True))
            if not pending:
                break
            if time.monotonic() - started > timeout:
                raise CommandError(f"Hết thời gian chờ: còn {len(pending)} sổ chưa đóng xong.")
            time.sleep(0.5)
        written, refused = 0, []
        for book in MinuteBook.objects.filter(pk__in=asked).select_related("cell"):
            if book.state != BookState.READY:
                refused.append(f"{book.cell.name}: {book.error}")
                continue
            path = folder / f"so-bien-ban-{book.cell.code}-{year}.pdf"
            with book.file.open("rb") as source, path.open("wb") as target:
                shutil.copyfileobj(source, target)
            written += 1
            self.stdout.write(f"{path}: {book.total} biên bản")
        seconds = time.monotonic() - started
        self.stdout.write(f"Đã in {written} sổ biên bản năm {year} trong {seconds:.1f} giây.")
        if refused:
            raise CommandError("Không in được:\n" + "\n".join(refused))
