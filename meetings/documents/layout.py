"""WeasyPrint, set up once for every document: the bundled fonts, a URL fetcher that
serves only them and the app's own static files, and the processes that lay documents
out under a time limit.

WeasyPrint fetches nothing else: no network, no other local file, so user text such
as `<img src="http://…">` prints as text. Every glyph comes from the bundled Noto Serif
family (full Vietnamese coverage).
"""

import contextlib
import functools
import gc
import logging
import mimetypes
import multiprocessing
import os
import queue
from pathlib import Path
from urllib.parse import unquote

import fontpkg_noto_serif
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

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


class RenderError(Exception):
    """A document could not be made; the message is for the user, already translated."""


class RenderTimeout(RenderError):
    """The layout took longer than CELLMEET_RENDER_SECONDS and was stopped."""


def write_pdf(html, fetcher=None):
    """`html` laid out as PDF by a layout process, which is stopped if it takes longer
    than CELLMEET_RENDER_SECONDS: whatever a user typed, a request waits that long at
    most and the app process stays free. Raises RenderTimeout, or RenderError if the
    layout failed. URLs the layout was refused are added to `fetcher.refused`."""
    for _attempt in range(2):
        layouter = _idle_layouter() or Layouter()
        try:
            ok, body, refused = layouter.lay_out(html, settings.CELLMEET_RENDER_SECONDS)
            break
        except _Lost as exc:  # died before or under this document: once more, afresh
            ok, body, refused = False, f"layout process lost: {exc.__cause__!r}", []
        finally:
            if layouter.running:
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
    the app process on first use; idle ones are kept for the next document, so an app
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
        self.running = True
        self.done = 0

    def lay_out(self, html, seconds):
        """(ok, the PDF or what went wrong, refused URLs). Raises RenderTimeout, after
        stopping the process, and _Lost if the process is gone."""
        try:
            self.connection.send(html)
            if not self.connection.poll(seconds):
                self.stop()
                raise RenderTimeout(
                    _("Văn bản quá dài hoặc quá phức tạp: tạo tệp PDF mất quá lâu "
                      "(hơn %(s)s giây).") % {"s": f"{seconds:g}"}
                )  # fmt: skip
            answer = self.connection.recv()
        except (EOFError, OSError) as exc:
            self.stop()
            raise _Lost from exc
        self.done += 1
        if self.done >= self.RECYCLE:
            self.stop()
        return answer

    def stop(self):
        self.running = False
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


class _Lost(Exception):
    """The layout process died (killed from outside, out of memory)."""


_idle = queue.LifoQueue()


def _idle_layouter():
    """A layout process waiting for work, if one is still alive."""
    while True:
        try:
            layouter = _idle.get_nowait()
        except queue.Empty:
            return None
        if layouter.process.is_alive():
            return layouter
        layouter.stop()


FONT_TIMESTAMP = 1514764800  # 2018-01-01 00:00 UTC: any fixed time will do


def _serve(connection):
    """The layout process: documents in, PDFs out, until the app process goes away."""
    # Nothing inherited but its own pipe: another layout process's pipe held open here
    # would keep that one waiting for documents after the app process is gone.
    keep = connection.fileno()
    # The subsets of fonts embedded in a document carry a "modified" time, by default the
    # moment of subsetting: fixed here, the same document lays out to the same bytes
    # in any second (a minute book printed twice is the same file).
    os.environ["SOURCE_DATE_EPOCH"] = str(FONT_TIMESTAMP)
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
    # Fonts first, so the first document does not wait for them; a problem with them
    # is reported with that document.
    with contextlib.suppress(Exception):
        _layout(f"<style>{font_faces()}</style><p style='font-family:{FONT_FAMILY}'>Đ "
                f"<b>Đ</b> <i>Đ</i></p>", StaticOnlyFetcher())  # fmt: skip
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
