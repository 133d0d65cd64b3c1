"""Minute books asked for in the pages, bound by a job and kept for the next reader."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Organisation


class BookState(models.TextChoices):
    QUEUED = "queued", _("đang chờ")
    BINDING = "binding", _("đang đóng sổ")
    READY = "ready", _("đã xong")
    FAILED = "failed", _("không tạo được")


class MinuteBook(models.Model):
    """A cell's book of signed minutes for a period, as its signed minutes stood
    (`fingerprint`: the signed records it binds). A new signature in the period gives a
    new fingerprint, so a new book; the stored one serves every reader until then."""

    cell = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="books")
    start = models.DateField()
    end = models.DateField()
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=BookState.choices, default=BookState.QUEUED)
    done = models.PositiveIntegerField(default=0)  # minutes laid out so far
    total = models.PositiveIntegerField(default=0)  # minutes in the book
    file = models.FileField(upload_to="books/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    revision_path = None  # feeds no cached summary: the book itself is what is kept

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cell", "start", "end", "fingerprint"], name="book_once_per_content"
            ),  # fmt: skip
        ]

    def __str__(self):
        return f"{self.cell} {self.start}–{self.end} ({self.state})"
