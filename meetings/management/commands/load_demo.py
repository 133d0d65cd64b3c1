import multiprocessing
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.db.models import F

from cellmeet.demo.meetings import COPIES_LAST_YEAR
from cellmeet.demo.today import load_meeting_history
from cellmeet.demo.tree import district_codes, load_demo
from members.models import Organisation


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: Đảng bộ huyện Vị Xuyên với sinh hoạt chi bộ hằng tháng từ 01/2018 "
        "đến tháng trước, qua lần sắp xếp tổ chức ngày 01/07/2025. Chạy lại không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Số huyện (dùng cho đo hiệu năng cấp tỉnh)."
        )
        parser.add_argument(
            "--years",
            type=int,
            default=1,
            help=f"Số năm sinh hoạt của các huyện nhân bản (--scale), tính đến hết {COPIES_LAST_YEAR}.",
        )
        parser.add_argument(
            "--jobs", type=int, default=1,
            help="Số tiến trình nạp lịch sử sinh hoạt song song (chỉ với PostgreSQL).",
        )  # fmt: skip

    def handle(self, *args, scale, years, jobs, **options):
        if not 1 <= scale <= 50:
            raise CommandError("--scale phải từ 1 đến 50.")
        if not 1 <= years <= 10:
            raise CommandError("--years phải từ 1 đến 10.")
        started = time.monotonic()
        built = load_demo(scale=scale, stdout=self.stdout)
        total = 0
        first, *codes = [(code, years) for code in district_codes(scale)]
        # Vị Xuyên first: its history moves the province's districts on 1 July 2025.
        total += self._report(first, _history(first))
        if jobs > 1 and connection.vendor == "postgresql" and len(codes) > 1:
            connections.close_all()  # each worker opens its own
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                loaded = list(pool.imap(_history, codes))
        else:
            loaded = map(_history, codes)
        for args, meetings in zip(codes, loaded, strict=True):
            total += self._report(args, meetings)
        if built or total:
            # The history goes in by COPY, without signals: every cached summary is stale.
            Organisation.objects.update(revision=F("revision") + 1)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã nạp {len(built)} huyện, {total} cuộc sinh hoạt "
                    f"({time.monotonic() - started:.0f} s)."
                )
            )
        else:
            self.stdout.write("Dữ liệu mẫu đã có sẵn; không thay đổi gì.")

    def _report(self, args, meetings):
        code, years = args
        if meetings:
            since = "01/2018" if code == "VX" else str(COPIES_LAST_YEAR - years + 1)
            until = "tháng trước" if code == "VX" else str(COPIES_LAST_YEAR)
            self.stdout.write(f"  {code}: {meetings} cuộc sinh hoạt đã ký, {since}–{until}")
        return meetings


def _history(args):
    code, years = args
    with transaction.atomic():
        return load_meeting_history(code, years=years)
