from django.core.management.base import BaseCommand

from meetings.documents.layout import font_cache, prepare_fonts


class Command(BaseCommand):
    help = "Chuẩn bị phông chữ tĩnh cho văn bản PDF (chạy một lần khi cài đặt)."

    def handle(self, *args, **options):
        made = prepare_fonts()
        self.stdout.write(f"{len(made)} phông mới trong {font_cache()}.")
