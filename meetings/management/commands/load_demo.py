import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meetings.demo import load_meeting_history
from members.demo import load_demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: Đảng bộ huyện Vị Xuyên (2018) với một năm sinh hoạt chi bộ. "
        "Chạy lại không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Số huyện (dùng cho đo hiệu năng cấp tỉnh)."
        )

    def handle(self, *args, scale, **options):
        if not 1 <= scale <= 50:
            raise CommandError("--scale phải từ 1 đến 50.")
        started = time.monotonic()
        with transaction.atomic():
            built = load_demo(scale=scale, stdout=self.stdout)
            meetings = load_meeting_history("VX")
        if meetings:
            self.stdout.write(f"  {meetings} cuộc sinh hoạt đã ký năm 2018 (huyện Vị Xuyên)")
        if built or meetings:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã nạp {len(built)} huyện ({time.monotonic() - started:.0f} s)."
                )
            )
        else:
            self.stdout.write("Dữ liệu mẫu đã có sẵn; không thay đổi gì.")
