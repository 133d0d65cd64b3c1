import time

from django.core.management.base import BaseCommand, CommandError

from meetings.rotation_plan.services import plan_rotation
from members.models import Organisation


class Command(BaseCommand):
    help = "Lập lịch sinh hoạt chi bộ điểm luân phiên cho một năm (chạy lại không đổi gì)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Tên hoặc mã tổ chức.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ in, không lưu.")

    def handle(self, *args, org, year, dry_run, **options):
        found = Organisation.objects.named(org)
        if found is None:
            raise CommandError(f"Không tìm thấy đúng một tổ chức “{org}”.")
        started = time.perf_counter()
        result = plan_rotation(actor=None, org=found, year=year, dry_run=dry_run)
        elapsed = time.perf_counter() - started
        ids = {s.host_id for _group, slots in result for s in slots}
        names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
        for group, slots in result:
            hosts = " | ".join(f"Q{s.quarter}: {names.get(s.host_id, '—')}" for s in slots)
            self.stdout.write(f"{group.name}: {hosts}")
        verb = "Xem trước" if dry_run else "Đã lập"
        self.stdout.write(f"{verb} lịch năm {year} cho {len(result)} nhóm ({elapsed:.2f} s).")
