"""Minutes, resolutions and minute books as PDF, in the Party's document format.

WeasyPrint renders with a URL fetcher that serves only the bundled fonts and the
app's own static files: no network, no other local file. Every glyph comes from the
bundled Noto Serif family (full Vietnamese coverage).
"""

import base64
import functools
import hashlib
import io
import mimetypes
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
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from meetings import counting
from meetings.content import load_parts

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


def _render(template, context, fetcher=None):
    with translation.override("vi"):  # documents are Vietnamese, whoever prints them
        html = render_to_string(template, {**context, "font_faces": font_faces()})
    return HTML(
        string=html, url_fetcher=fetcher or StaticOnlyFetcher(), base_url=SCHEME + "static/"
    ).write_pdf(font_config=_font_config())


@functools.cache
def _font_config():
    # Loading the bundled fonts is most of a small document's cost: once per process.
    return FontConfiguration()


def place_name(cell):
    """The place in the date line: "Thanh Thủy" for a cell under Đảng bộ xã Thanh Thủy."""
    name = cell.parent.name if cell.parent_id else cell.name
    for prefix in ("Đảng bộ ", "Chi bộ "):
        name = name.removeprefix(prefix)
    for prefix in ("xã ", "thị trấn ", "phường ", "huyện ", "thành phố ", "tỉnh "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def verification_code(meeting, digest):
    raw = hashlib.sha256(f"{meeting.pk}:{digest}".encode()).digest()
    return base64.b32encode(raw).decode()[:10]


def verification_url(code):
    return settings.CELLMEET_BASE_URL + reverse("meetings:verify_code", args=[code])


def qr_svg(url):
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # One book holds many codes: no element ids that would repeat.
    return svg[svg.index("<svg") :].replace(' id="qr-path"', "")


def minutes_context(meeting, *, number=None, code=None, digest=None, draft=False, qr=True):
    parts = load_parts(meeting)
    opinions = {}
    for opinion in parts["opinions"]:
        opinions.setdefault(opinion.item_id, []).append(opinion)
    items = [
        (item, opinions.get(item.pk, []))
        for item in sorted(parts["agenda"], key=lambda i: i.position)
    ]
    signatures = {s.role: s for s in meeting.signatures.all()}
    day = timezone.localtime(meeting.opened_at or meeting.planned_at)
    return {
        "meeting": meeting,
        "cell": meeting.cell,
        "superior": meeting.cell.parent.name if meeting.cell.parent_id else "",
        "place": place_name(meeting.cell),
        "day": day,
        "number": number,
        "items": items,
        "directives": parts["directives"],
        "guests": parts["guests"],
        "votes": parts["votes"],
        "totals": counting.totals(parts["attendance"]) if parts["attendance"] else None,
        "chair_signature": signatures.get("chair"),
        "taker_signature": signatures.get("minute_taker"),
        "draft": draft,
        "code": code,
        "digest": digest,
        "qr": qr_svg(verification_url(code)) if code and qr else "",
        "verify_url": verification_url(code) if code else "",
    }


def render_minutes(meeting, fetcher=None, **kwargs):
    return _render("meetings/pdf/minutes.html", minutes_context(meeting, **kwargs), fetcher)


def render_resolution(meeting, **kwargs):
    return _render("meetings/pdf/resolution.html", minutes_context(meeting, **kwargs))


def render_rotation(org, year, quarters, rows):
    """The rotation grid on A4 landscape, for the district's files."""
    return _render(
        "meetings/pdf/rotation.html",
        {"org": org, "year": year, "quarters": quarters, "rows": rows,
         "printed_on": timezone.localdate()},
    )  # fmt: skip


def render_book(cell, meetings, *, period_label):
    """Every signed minutes in one document: cover, index, continuous page numbers, closing page."""
    # The book prints each minutes' verification code and hash; the QR codes stay on the
    # single documents (drawing a dozen of them is a third of the book's time).
    entries = [minutes_context(m, number=n, code=c, digest=d, qr=False) for m, n, c, d in meetings]
    return _render(
        "meetings/pdf/book.html",
        {
            "cell": cell,
            "superior": cell.parent.name if cell.parent_id else "",
            "entries": entries,
            "period_label": period_label,
            "printed_on": timezone.localdate(),
        },
    )
