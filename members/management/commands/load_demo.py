from django.core.management.base import BaseCommand, CommandError

from members.demo import load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: Đảng bộ huyện Vị Xuyên (2018). Chạy lại không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Số huyện (dùng cho đo hiệu năng cấp tỉnh)."
        )

    def handle(self, *args, scale, **options):
        if not 1 <= scale <= 50:
            raise CommandError("--scale phải từ 1 đến 50.")
        built = load_demo(scale=scale, stdout=self.stdout)
        if built:
            self.stdout.write(self.style.SUCCESS(f"Đã nạp {len(built)} huyện."))
        else:
            self.stdout.write("Dữ liệu mẫu đã có sẵn; không thay đổi gì.")
