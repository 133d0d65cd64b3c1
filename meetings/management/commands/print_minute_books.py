import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.documents.book import minute_book
from meetings.documents.layout import RenderError
from meetings.documents.services import DocumentError
from members.models import Organisation, tree_order


class Command(BaseCommand):
    help = "In sổ biên bản của mọi chi bộ dưới một tổ chức cho một năm (lưu trữ cuối năm)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Tên hoặc mã tổ chức.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="Thư mục ghi các tệp PDF.")

    def handle(self, *args, org, year, out, **options):
        root = Organisation.objects.named(org)
        if root is None:
            raise CommandError(f"Không tìm thấy đúng một tổ chức “{org}”.")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        written, refused = 0, []
        for cell in sorted(Organisation.objects.subtree_of(root).cells(), key=tree_order):
            try:
                body, count = minute_book(cell, start, end)
            except (DocumentError, RenderError) as exc:
                refused.append(f"{cell.name}: {exc}")
                continue
            if not count:
                continue
            path = folder / f"so-bien-ban-{cell.code}-{year}.pdf"
            path.write_bytes(body)
            written += 1
            self.stdout.write(f"{path}: {count} biên bản")
        self.stdout.write(f"Đã in {written} sổ biên bản năm {year}.")
        if refused:
            raise CommandError("Không in được:\n" + "\n".join(refused))
