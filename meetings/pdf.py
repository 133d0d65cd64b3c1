"""Minutes, resolutions and minute books as PDF, in the Party's document format.

WeasyPrint renders with a URL fetcher that serves only the bundled fonts and the
app's own static files: no network, no other local file. Every glyph comes from the
bundled Noto Serif family (full Vietnamese coverage).
"""

import datetime
import functools
import gc
import io
import logging
import mimetypes
import multiprocessing
import os
import queue
import zoneinfo
from pathlib import Path
from urllib.parse import unquote

import fontpkg_noto_serif
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from meetings import counting
from meetings.content import load_parts

log = logging.getLogger(__name__)

FONT_DIR = Path(fontpkg_noto_serif.__file__).parent / "files"
FONT_FAMILY = "CellmeetSerif"
# (file in the cache, source file in the package, weight, CSS weight, CSS style)
STATIC_FACES = [
    ("NotoSerif-Regular.ttf", "NotoSerif[wdth,wght].ttf", 400, "normal", "normal"),
    ("NotoSerif-Bold.ttf", "NotoSerif[wdth,wght].ttf", 700, "bold", "normal"),
    ("NotoSerif-Italic.ttf", "NotoSerif-Italic[wdth,wght].ttf", 400, "normal", "italic"),
]


def font_cache():
    return Path(settings.CELLMEET_FONT_CACHE)


def prepare_fonts():
    """Cut static Regular, Bold and Italic instances out of the package's variable fonts.

    Documents render about three times faster from them. Slow (seconds per face), so
    it runs once at install (`make`, or `manage.py prepare_fonts`); without them the
    variable fonts are used directly.
    """
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    folder = font_cache()
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, source, weight, _css_weight, _style in STATIC_FACES:
        target = folder / name
        if target.exists():
            continue
        font = instancer.instantiateVariableFont(
            TTFont(FONT_DIR / source), {"wght": weight, "wdth": 100}
        )
        partial = target.with_suffix(".part")
        font.save(partial)
        partial.replace(target)
        made.append(target)
    _font_config.cache_clear()
    return made


SCHEME = "cellmeet:"


class FetchRefused(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves cellmeet:fonts/… (the bundled family) and cellmeet:static/… (our own files);
    refuses everything else, so user text can make WeasyPrint fetch nothing."""

    def __init__(self):
        super().__init__(allowed_protocols=["cellmeet"], allow_redirects=False)
        self.refused = []

    def fetch(self, url, headers=None):
        path = self._resolve(unquote(url))
        if path is None:
            self.refused.append(url)
            raise FetchRefused(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    @staticmethod
    def _resolve(url):
        if ".." in url.split("/") or "\\" in url:
            return None
        if url.startswith(SCHEME + "fonts/"):
            name = url.removeprefix(SCHEME + "fonts/")
            for folder in (font_cache(), FONT_DIR):
                path = folder / name
                if path.parent == folder and path.is_file():
                    return path
            return None
        if url.startswith(SCHEME + "static/"):
            try:
                found = finders.find(url.removeprefix(SCHEME + "static/"))
            except SuspiciousFileOperation:
                return None
            return Path(found) if found else None
        return None


def font_faces():
    """@font-face rules for the bundled family: static instances when prepared."""
    if all((font_cache() / name).is_file() for name, *_rest in STATIC_FACES):
        faces = [(name, weight, style) for name, _src, _w, weight, style in STATIC_FACES]
    else:
        faces = [
            ("NotoSerif[wdth,wght].ttf", "normal", "normal"),
            ("NotoSerif-Italic[wdth,wght].ttf", "normal", "italic"),
        ]
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{SCHEME}fonts/{name}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in faces
    )


# Layouts of the signed documents: a snapshot records the layout its documents were made
# in, and keeps it. A change of layout is a new folder and number; documents signed
# before it are still made, and made again identical, from the old one.
LAYOUTS = {1: "meetings/pdf/v1/"}
LAYOUT = 1


class RenderError(Exception):
    """A document could not be made; the message is for the user, already translated."""


class RenderTimeout(RenderError):
    pass


def _render(template, context, fetcher=None, *, metadata=None):
    with translation.override("vi"):  # documents are Vietnamese, whoever prints them
        html = render_to_string(template, {**context, "font_faces": font_faces(),
                                           "metadata": metadata or {}})  # fmt: skip
    return write_pdf(html, fetcher)


def write_pdf(html, fetcher=None):
    """`html` laid out as PDF by a layout process, which is stopped if it takes longer
    than CELLMEET_RENDER_SECONDS: whatever a user typed, a request waits that long at
    most and the app process stays free. Raises RenderTimeout, or RenderError if the
    layout failed. URLs the layout was refused are added to `fetcher.refused`."""
    layouter = _idle.get_nowait() if not _idle.empty() else Layouter()
    try:
        ok, body, refused = layouter.lay_out(html, settings.CELLMEET_RENDER_SECONDS)
    except RenderTimeout:
        layouter.stop()
        raise
    else:
        _idle.put(layouter)
    if fetcher is not None:
        fetcher.refused.extend(refused)
    if not ok:
        log.error("PDF layout failed: %s", body)
        raise RenderError(_("Không tạo được tệp PDF (lỗi dàn trang)."))
    return body


class Layouter:
    """A child process that lays out documents, one at a time, and keeps the fonts
    loaded between them (loading them is most of a small document's cost). Forked from
    the app process on first use; idle ones are kept for the next document, so each app
    process has as many as it lays out documents at once (one under gunicorn's workers).
    One that overruns is killed, and its memory goes with it; each is replaced after
    RECYCLE documents, so that no layout cache grows for ever."""

    RECYCLE = 200

    def __init__(self):
        context = multiprocessing.get_context("fork")
        self.connection, child_end = context.Pipe()
        gc.freeze()  # the child shares the parent's objects rather than copying them
        try:
            self.process = context.Process(target=_serve, args=(child_end,), daemon=True)
            self.process.start()
        finally:
            gc.unfreeze()
        child_end.close()
        self.done = 0

    def lay_out(self, html, seconds):
        """(ok, PDF or the error, refused URLs); raises RenderTimeout."""
        try:
            self.connection.send(html)
            if not self.connection.poll(seconds):
                raise RenderTimeout(
                    _("Văn bản quá dài hoặc quá phức tạp: tạo tệp PDF mất quá lâu "
                      "(hơn %(s)s giây).") % {"s": f"{seconds:g}"}
                )  # fmt: skip
            answer = self.connection.recv()
        except (EOFError, OSError) as exc:  # the process died under the layout
            self.stop()
            return False, f"layout process lost: {exc!r}", []
        self.done += 1
        if self.done >= self.RECYCLE:
            self.stop()
        return answer

    def stop(self):
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


_idle = queue.LifoQueue()


def _serve(connection):
    """The layout process: documents in, PDFs out, until the app process goes away."""
    # Nothing inherited but its own pipe: another layout process's pipe held open here
    # would keep that one waiting for documents after the app process is gone.
    keep = connection.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
    try:
        _layout(f"<style>{font_faces()}</style><p style='font-family:{FONT_FAMILY}'>Đ "
                f"<b>Đ</b> <i>Đ</i></p>", StaticOnlyFetcher())  # fmt: skip
    except Exception:  # the first document reports what is wrong
        pass
    while True:
        try:
            html = connection.recv()
        except (EOFError, OSError):
            os._exit(0)
        fetcher = StaticOnlyFetcher()
        try:
            answer = True, _layout(html, fetcher), fetcher.refused
        except Exception as exc:  # reported to the app process, which logs it
            answer = False, f"{type(exc).__name__}: {exc}", fetcher.refused
        connection.send(answer)


def _layout(html, fetcher):
    return HTML(string=html, url_fetcher=fetcher, base_url=SCHEME + "static/").write_pdf(
        font_config=_font_config()
    )


@functools.cache
def _font_config():
    # Loading the bundled fonts is most of a small document's cost: once per process.
    return FontConfiguration()


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


def render_rotation(org, year, quarters, rows):
    """The rotation grid on A4 landscape, for the district's files."""
    return _render(
        "meetings/pdf/rotation.html",
        {"org": org, "year": year, "quarters": quarters, "rows": rows,
         "printed_on": timezone.localdate()},
    )  # fmt: skip


def render_book_pages(context):
    """The minute book's own pages: cover, index and closing page (meetings.book)."""
    return _render("meetings/pdf/book.html", context)


def render_book_numbers(count):
    """`count` blank pages carrying the book's page numbers (meetings.book)."""
    return _render("meetings/pdf/book_numbers.html", {"pages": range(count)})
