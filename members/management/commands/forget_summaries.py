import time

from django.core.management.base import BaseCommand
from django.db.models import F

from members.models import Organisation


class Command(BaseCommand):
    help = (
        "Cho mọi bản tóm tắt đã lưu đệm hết hiệu lực (sau khi khôi phục cơ sở dữ liệu): "
        "nâng số phiên bản của mọi tổ chức lên quá mọi số đã dùng."
    )

    def handle(self, *args, **options):
        # A restore sets the revisions back to the backup's: the numbers the cache was
        # filled with since then would come round again and serve the summaries of writes
        # the backup does not have. Raised past anything used before (the revision is
        # raised by one per write; this adds the time in milliseconds), no key repeats.
        offset = int(time.time() * 1000)
        count = Organisation.objects.update(revision=F("revision") + offset)
        self.stdout.write(f"Đã làm mới phiên bản của {count} tổ chức.")
