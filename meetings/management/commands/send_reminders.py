"""Run from cron (e.g. hourly): creates the reminders due today and retries failed emails."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from meetings.notices import reminders


class Command(BaseCommand):
    help = "Send due reminders and retry emails that failed; safe to run any number of times."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD: act as if today were this day")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today: {exc}") from exc
        result = reminders.send_reminders(today=day)
        self.stdout.write(
            "reminders created: {created}, emails sent: {sent}, failed: {failed}".format(**result)
        )
