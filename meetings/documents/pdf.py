"""Minutes, resolutions, minute books and rotation grids as PDF, in the Party's document
format. Laid out by meetings.documents.layout (bundled fonts, no fetching, a time limit)."""

import datetime
import io
import zoneinfo

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from meetings import counting
from meetings.content import load_parts
from meetings.documents.layout import font_faces, write_pdf

# Layouts of the signed documents: a snapshot records the layout its documents were made
# in, and keeps it. A change of layout is a new folder and number; documents signed
# before it are still made, and made again identical, from the old one.
LAYOUTS = {1: "meetings/pdf/v1/", 2: "meetings/pdf/v2/"}
LAYOUT = 2


def _render(template, context, fetcher=None, *, metadata=None):
    with translation.override("vi"):  # documents are Vietnamese, whoever prints them
        html = render_to_string(template, {**context, "font_faces": font_faces(),
                                           "metadata": metadata or {}})  # fmt: skip
    return write_pdf(html, fetcher)


def place_name(superior, cell_name):
    """The place in the date line: "Thanh Thủy" for a cell under Đảng bộ xã Thanh Thủy."""
    name = superior or cell_name
    for prefix in ("Đảng bộ ", "Chi bộ "):
        name = name.removeprefix(prefix)
    for prefix in ("xã ", "thị trấn ", "phường ", "huyện ", "thành phố ", "tỉnh "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def verification_url(code, base=None):
    return (base or settings.CELLMEET_BASE_URL) + reverse("meetings:verify_code", args=[code])


def qr_svg(url):
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # One book holds many codes: no element ids that would repeat.
    return svg[svg.index("<svg") :].replace(' id="qr-path"', "")


def totals_as_stated(attendance):
    """The members' situation as the minutes state it, as plain values."""
    if not attendance:
        return None
    t = counting.totals(attendance)
    return {
        "on_roll": t.on_roll, "official": t.official, "probationary": t.probationary,
        "exempted": t.exempted, "away": t.away, "suspended": t.suspended,
        "present": t.present, "late": t.late, "hosted_present": t.hosted_present,
        "absent_with_reason": [list(pair) for pair in t.absent_with_reason],
        "absent_without_reason": list(t.absent_without_reason),
    }  # fmt: skip


def _signer(signature):
    return {
        "name": signature.signer_name,
        "position": signature.signer_position,
        "signed_at": signature.signed_at.isoformat(),
    }


def snapshot(meeting, *, cell_name, superior, title, attendance, signatures):
    """Everything the documents of `meeting` print that could change after signing: the
    names of the cell and its superior, the place, the signers and their posts, the
    title and the attendance as stated. Plain JSON, so that a document made from it
    years later prints what it printed on the day of signing."""
    day = (meeting.opened_at or meeting.planned_at).astimezone(timezone.get_current_timezone())
    return {
        "layout": LAYOUT,
        "time_zone": str(timezone.get_current_timezone()),
        "superior": superior,
        "cell": cell_name,
        "place": place_name(superior, cell_name),
        "day": day.date().isoformat(),
        "title": title,
        "signers": {s.role: _signer(s) for s in signatures},
        "totals": totals_as_stated(attendance),
        "verify_base": settings.CELLMEET_BASE_URL,
    }


def live_snapshot(meeting, parts):
    """The snapshot as it would be taken now: for a draft, which prints today's names."""
    with translation.override("vi"):
        title = str(meeting.display_title)
    cell = meeting.cell
    return snapshot(
        meeting, cell_name=meeting.cell_name or cell.name,
        superior=cell.parent.name if cell.parent_id else "", title=title,
        attendance=parts["attendance"], signatures=list(meeting.signatures.all()),
    )  # fmt: skip


def _moment(value):
    return datetime.datetime.fromisoformat(value) if value else None


def document_context(*, meeting, parts, snapshot, number=None, code=None, digest=None,
                     draft=False, qr=True):  # fmt: skip
    """What the document templates of a layout read: frozen rows of the minutes, and the
    snapshot for everything else."""
    opinions = {}
    for opinion in parts["opinions"]:
        opinions.setdefault(opinion.item_id, []).append(opinion)
    signers = {
        role: {**signer, "signed_at": _moment(signer["signed_at"])}
        for role, signer in snapshot["signers"].items()
    }
    url = verification_url(code, snapshot["verify_base"]) if code else ""
    return {
        "s": snapshot,
        "meeting": meeting,
        "day": datetime.date.fromisoformat(snapshot["day"]),
        "number": number,
        "items": [
            (item, opinions.get(item.pk, []))
            for item in sorted(parts["agenda"], key=lambda i: (i.position, i.pk or 0))
        ],
        "directives": sorted(parts["directives"], key=lambda d: d.pk or 0),
        "guests": sorted(parts["guests"], key=lambda g: g.pk or 0),
        "votes": sorted(parts["votes"], key=lambda v: v.pk or 0),
        "totals": snapshot["totals"],
        "chair": signers.get("chair"),
        "taker": signers.get("minute_taker"),
        "draft": draft,
        "code": code,
        "digest": digest,
        "qr": qr_svg(url) if code and qr else "",
        "verify_url": url,
    }


def render_document(kind, *, meeting, parts, snapshot, signed_at=None, fetcher=None, **context):
    """A minutes or resolution of `meeting` in the snapshot's layout.

    Signed documents carry the signing time as their creation date and nothing else that
    depends on the day they are made: made again, they are the same bytes.
    """
    folder = LAYOUTS[snapshot["layout"]]
    with timezone.override(zoneinfo.ZoneInfo(snapshot["time_zone"])):
        values = document_context(meeting=meeting, parts=parts, snapshot=snapshot, **context)
        return _render(f"{folder}{kind}.html", values, fetcher,
                       metadata={"created": signed_at.isoformat() if signed_at else ""})  # fmt: skip


def render_draft(meeting, kind, fetcher=None):
    """The minutes or resolution not yet signed, marked DỰ THẢO, with today's names."""
    parts = load_parts(meeting)
    return render_document(
        kind, meeting=meeting, parts=parts, snapshot=live_snapshot(meeting, parts), draft=True,
        fetcher=fetcher,
    )  # fmt: skip


def render_rotation(org, year, quarters, rows, filter_label=""):
    """The rotation grid on A4 landscape, for the district's files; a filtered grid says
    its filter under the title."""
    return _render(
        "meetings/pdf/rotation.html",
        {"org": org, "year": year, "quarters": quarters, "rows": rows,
         "filter_label": filter_label, "printed_on": timezone.localdate()},
    )  # fmt: skip


def render_book_pages(context):
    """The minute book's own pages: cover, index and closing page (meetings.documents.book)."""
    return _render("meetings/pdf/book.html", context)


def render_book_numbers(count):
    """`count` blank pages carrying the book's page numbers (meetings.documents.book)."""
    return _render("meetings/pdf/book_numbers.html", {"pages": range(count)})
