"""The minute book (sổ biên bản): a cell's signed minutes of a period in one PDF.

The book is made of what was signed. Each stored signed document's pages are drawn on
the book's pages as they are, their content untouched, between the book's own pages
(cover, index, closing page); every page but the cover then carries the book's page
number in its top margin. Nothing of a signed page is laid out again, so a rename or a
reorganisation after signing changes no page of the book, and a book costs the layout
of its own three or four pages.
"""

import datetime
import functools
import io
from dataclasses import dataclass

from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from meetings.documents import pdf
from meetings.documents import services as documents
from meetings.enums import DocumentKind, MeetingState
from meetings.models import Meeting

DRAWN = NameObject("/CellmeetDrawnPage")


@dataclass
class Entry:
    meeting: Meeting
    title: str
    day: datetime.date
    body: bytes | None  # the stored minutes; None when there is no valid signed document
    reader: PdfReader | None = None
    first_page: int | None = None  # in the book

    @property
    def pages(self):
        return self.reader.pages if self.reader else []


def minute_book(cell, start, end, *, actor=None, progress=None):
    """(PDF, number of minutes) of the cell's signed minutes from `start` to `end`.

    Minutes whose document was never made are made now, from what was fixed at their
    signing. Raises documents.DamagedDocument if a stored document no longer matches
    its hash: a book is never bound from a damaged file. `progress(done, total)`, if
    given, is called as each minutes is taken in.
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
    entries = []
    for meeting in meetings:
        entries.append(_entry(meeting, actor))
        if progress is not None:
            progress(len(entries), len(meetings))
    cell_name, superior = _names(cell, meetings)
    if start.month == 1 and start.day == 1 and end == start.replace(month=12, day=31):
        label = f"Năm {start.year}"
    else:
        label = f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    context = {"cell_name": cell_name, "superior": superior, "entries": entries,
               "period_label": label, "printed_on": timezone.localdate()}  # fmt: skip
    front = 2  # the cover and a one-page index, until the layout says otherwise
    while True:
        _number(entries, front)
        own = PdfReader(io.BytesIO(pdf.render_book_pages(context)))
        closing = own.get_destination_page_number(own.named_destinations["closing"])
        if closing == front:
            break
        front = closing
    return _bind(own, front, entries), len(entries)


def _number(entries, front):
    page = front + 1
    for entry in entries:
        entry.first_page = page if entry.body else None
        page += len(entry.pages)


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
    reader = PdfReader(io.BytesIO(body)) if body else None
    return Entry(meeting, title, datetime.date.fromisoformat(day), body, reader)


def _names(cell, meetings):
    """The cell's and its superior's names as the period's last signed minutes print them."""
    for meeting in reversed(meetings):
        record = getattr(meeting, "record", None)
        if record is not None:
            return record.snapshot["cell"], record.snapshot["superior"]
    return cell.name, cell.parent.name if cell.parent_id else ""


def _bind(own, front, entries):
    """The book's pages in order, each drawn on its numbered page."""
    sources = list(own.pages[:front])
    outline = []
    for entry in entries:
        if entry.first_page:
            outline.append((f"{entry.title} ({entry.day:%d/%m/%Y})", entry.first_page - 1))
        sources.extend(entry.pages)
    sources.extend(own.pages[front:])
    writer = PdfWriter()
    for number, source in zip(PdfReader(io.BytesIO(_numbered(len(sources)))).pages, sources,
                              strict=True):  # fmt: skip
        _draw(writer, writer.add_page(number), source)
    for title, index in outline:
        writer.add_outline_item(title=title, page_number=index)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@functools.lru_cache(maxsize=32)
def _numbered(count):
    """`count` blank A4 pages numbered "Trang sổ n/count" in the top margin, the first
    unnumbered: the same for every book of that length, so made once per process."""
    return pdf.render_book_numbers(count)


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
    # The numbered pages may share one resource dictionary: the target gets its own.
    resources = DictionaryObject(target["/Resources"].get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[DRAWN] = writer._add_object(form.flate_encode())
    resources[NameObject("/XObject")] = xobjects
    target[NameObject("/Resources")] = resources
    draw = DecodedStreamObject()
    draw.set_data(b"q " + DRAWN.encode() + b" Do Q\n")
    own = target["/Contents"]
    own_streams = list(own.get_object()) if isinstance(own.get_object(), ArrayObject) else [own]
    target[NameObject("/Contents")] = ArrayObject([writer._add_object(draw), *own_streams])
