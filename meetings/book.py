"""The minute book (sổ biên bản): a cell's signed minutes of a period in one PDF.

The book is made of what was signed. Its own pages (cover, index, closing page) are
laid out around blank places for the signed pages; each stored signed document's pages
are then drawn on those places as they are, their content untouched, and the book's
page number is printed in the top margin. Nothing of a signed page is laid out again,
so a rename or a reorganisation after signing changes no page of the book.
"""

import datetime
import io
from dataclasses import dataclass

from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from meetings import documents, pdf
from meetings.enums import DocumentKind, MeetingState
from meetings.models import Meeting

SIGNED_PAGE = NameObject("/CellmeetSignedPage")


@dataclass
class Entry:
    meeting: Meeting
    title: str
    day: datetime.date
    body: bytes | None  # the stored minutes; None when there is no valid signed document

    @property
    def pages(self):
        return range(len(PdfReader(io.BytesIO(self.body)).pages)) if self.body else range(0)


def minute_book(cell, start, end, *, actor=None):
    """(PDF, number of minutes) of the cell's signed minutes from `start` to `end`.

    Minutes whose document was never made are made now, from what was fixed at their
    signing. Raises documents.DamagedDocument if a stored document no longer matches
    its hash: a book is never bound from a damaged file.
    """
    meetings = list(
        Meeting.objects.filter(
            cell=cell,
            state=MeetingState.SIGNED,
            planned_at__date__gte=start,
            planned_at__date__lte=end,
        )
        .select_related("cell__parent", "record")
        .order_by("planned_at", "pk")
    )
    if not meetings:
        return None, 0
    entries = [_entry(meeting, actor) for meeting in meetings]
    names = _names(cell, meetings)
    if start.month == 1 and start.day == 1 and end == start.replace(month=12, day=31):
        label = f"Năm {start.year}"
    else:
        label = f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    shell = pdf.render_book_shell(
        {"cell_name": names[0], "superior": names[1], "entries": entries,
         "period_label": label, "printed_on": timezone.localdate()}
    )  # fmt: skip
    return _bind(shell, entries), len(entries)


def _entry(meeting, actor):
    record = getattr(meeting, "record", None)
    if record is not None:
        title, day = record.snapshot["title"], record.snapshot["day"]
    else:
        title, day = str(meeting.display_title), meeting.meeting_date.isoformat()
    try:
        body = documents.signed_file(meeting, DocumentKind.MINUTES, actor=actor)
    except documents.DamagedDocument:
        raise
    except documents.DocumentError:
        body = None  # listed in the index as having no valid signed document
    return Entry(meeting, title, datetime.date.fromisoformat(day), body)


def _names(cell, meetings):
    """The cell's and its superior's names as the period's last signed minutes print them."""
    for meeting in reversed(meetings):
        record = getattr(meeting, "record", None)
        if record is not None:
            return record.snapshot["cell"], record.snapshot["superior"]
    return cell.name, cell.parent.name if cell.parent_id else ""


def _bind(shell, entries):
    """The shell with each entry's signed pages drawn on the places kept for them."""
    writer = PdfWriter(clone_from=io.BytesIO(shell))
    reader = PdfReader(io.BytesIO(shell))
    starts = {
        name: reader.get_destination_page_number(destination)
        for name, destination in reader.named_destinations.items()
    }
    for entry in entries:
        if not entry.body:
            continue
        first = starts[f"m{entry.meeting.pk}"]
        signed = PdfReader(io.BytesIO(entry.body))
        for offset, page in enumerate(signed.pages):
            _draw(writer, writer.pages[first + offset], page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _draw(writer, target, page):
    """Draw `page` on `target` as a form: its content stream as it was, its resources
    apart from the target's, so nothing of it is renamed or rewritten."""
    contents = page["/Contents"].get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    form = DecodedStreamObject()
    form.set_data(b"\n".join(stream.get_object().get_data() for stream in streams))
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): page.mediabox,
        NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
    })  # fmt: skip
    # The shell's pages may share one resource dictionary: the target gets its own.
    resources = DictionaryObject(target["/Resources"].get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[SIGNED_PAGE] = writer._add_object(form.flate_encode())
    resources[NameObject("/XObject")] = xobjects
    target[NameObject("/Resources")] = resources
    draw = DecodedStreamObject()
    draw.set_data(b"q " + SIGNED_PAGE.encode() + b" Do Q\n")
    own = target["/Contents"]
    own_streams = list(own.get_object()) if isinstance(own.get_object(), ArrayObject) else [own]
    target[NameObject("/Contents")] = ArrayObject([writer._add_object(draw), *own_streams])
