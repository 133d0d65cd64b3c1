"""Signed minutes, resolutions and minute books as PDF, read back."""

import datetime
import hashlib
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from meetings.content import load_parts
from meetings.documents import layout, pdf
from meetings.minutes import services
from meetings.models import MinutesDocument
from tests.meetings.conftest import complete_minutes, signed_meeting, whole


def read(body):
    reader = PdfReader(io.BytesIO(body))
    pages = [page.extract_text() for page in reader.pages]
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return pages, fonts


def assert_bundled_fonts_only(fonts):
    assert fonts, "no fonts embedded"
    for name in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+CellmeetSerif(-Bold|-Italic|-BoldItalic)?", name), name


@pytest.fixture
def signed(cell_people):
    return signed_meeting(cell_people, datetime.date(2018, 3, 5))


def test_the_second_signature_stores_minutes_and_resolution_once(client, signed, cell_people):
    documents = {d.kind: d for d in MinutesDocument.objects.filter(meeting=signed)}
    assert set(documents) == {"minutes", "resolution"}
    minutes = documents["minutes"]
    stored = default_storage.open(minutes.file.name).read()
    assert hashlib.sha256(stored).hexdigest() == minutes.sha256
    client.force_login(cell_people["taker_user"])
    url = reverse("meetings:meeting_pdf", args=[signed.pk])
    first, second = client.get(url).content, client.get(url).content
    assert first == stored == second  # served as stored, byte for byte
    assert MinutesDocument.objects.filter(meeting=signed).count() == 2


def test_the_minutes_read_back_in_vietnamese_with_page_numbers_and_hash(signed, cell_people):
    document = MinutesDocument.objects.get(meeting=signed, kind="minutes")
    pages, fonts = read(default_storage.open(document.file.name).read())
    text = "\n".join(pages)
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BIÊN BẢN", "CHI BỘ THÔN THANH SƠN",
                     "Sinh hoạt chi bộ tháng 03 năm 2018", "Thanh Thủy, ngày 05 tháng 3 năm 2018",
                     "Số 01-BB/CB", "THƯ KÝ", "CHỦ TRÌ", cell_people["secretary"].full_name,
                     cell_people["taker"].full_name, document.code):  # fmt: skip
        assert expected in text, expected
    digest = signed.signatures.first().content_hash
    assert digest in re.sub(r"\s+", "", text)
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in page
    assert_bundled_fonts_only(fonts)


def test_the_resolution_signs_for_the_cell(signed):
    document = MinutesDocument.objects.get(meeting=signed, kind="resolution")
    pages, fonts = read(default_storage.open(document.file.name).read())
    text = "\n".join(pages)
    assert "NGHỊ QUYẾT" in text and "T/M CHI BỘ" in text and "BÍ THƯ" in text
    assert "Số 01-NQ/CB" in text
    assert_bundled_fonts_only(fonts)


def test_an_unsigned_meeting_previews_as_draft_and_stores_nothing(
    client, held_meeting, cell_people
):
    client.force_login(cell_people["secretary_user"])
    body = client.get(reverse("meetings:meeting_pdf", args=[held_meeting.pk])).content
    pages, fonts = read(body)
    assert "DỰ THẢO" in pages[0]
    assert not MinutesDocument.objects.exists()
    assert_bundled_fonts_only(fonts)


def test_user_text_prints_as_text_and_fetches_nothing(held_meeting, cell_people):
    meeting = complete_minutes(held_meeting, cell_people)
    hostile = '<script>alert("x")</script> <img src="http://example.com/track.png"> <link href="file:///etc/passwd">'
    item = meeting.agenda.first()
    services.save_minutes(
        actor=cell_people["secretary_user"], meeting=meeting, version=meeting.version,
        data={"chair": cell_people["secretary"], "minute_taker": cell_people["taker"],
              "opened_at": datetime.time(8), "closed_at": datetime.time(10),
              "conclusion": hostile, "items": {item.pk: hostile}},
    )  # fmt: skip
    meeting.refresh_from_db()
    fetcher = layout.StaticOnlyFetcher()
    pages, _fonts = read(pdf.render_draft(meeting, "minutes", fetcher=fetcher))
    text = "".join(pages)
    assert '<script>alert("x")</script>' in text and "http://example.com/track.png" in text
    assert fetcher.refused == []  # nothing asked for anything but the bundled fonts


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "file:///etc/passwd",
        "cellmeet:fonts/../../../../etc/passwd",
        "cellmeet:static/../settings.py",
        "data:text/plain,hello",
    ],
)
def test_the_fetcher_refuses_anything_but_our_files(url):
    fetcher = layout.StaticOnlyFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    ok = fetcher.fetch("cellmeet:static/css/cellmeet.css")
    assert ok.read().startswith(b".bg-party")


def test_the_verification_page_is_public_and_catches_a_changed_file(client, signed):
    document = MinutesDocument.objects.get(meeting=signed, kind="minutes")
    page = client.get(
        reverse("meetings:verify_code", args=[document.code.lower()])
    ).content.decode()
    assert "Hợp lệ" in page and "Nguyễn Thị Hương" not in page.split("Người ký")[0]
    assert signed.signatures.first().content_hash in page  # the hash printed on paper
    with default_storage.open(document.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7 forged")
    page = client.get(reverse("meetings:verify_code", args=[document.code])).content.decode()
    assert "KHÔNG hợp lệ" in page and "Tệp PDF không khớp" in page
    assert client.get(reverse("meetings:verify_code", args=["NOSUCHCODE"])).status_code == 404


def test_the_minute_book_binds_the_year(client, cell_people, tmp_path):
    for day in (datetime.date(2018, 3, 5), datetime.date(2018, 4, 5), datetime.date(2018, 5, 5)):
        signed_meeting(cell_people, day)
    client.force_login(cell_people["secretary_user"])
    url = reverse("meetings:minute_book", args=[cell_people["cell"].pk])
    assert "Tạo và tải sổ" in client.get(url).content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        waiting = client.get(url, {"year": 2018, "download": 1}).content.decode()
    assert "Đang đóng sổ biên bản" in waiting  # queued: the page follows the job
    ready = client.get(url, {"year": 2018, "download": 1, "waited": 1}).content.decode()
    assert "Sổ đã đóng xong: 3 biên bản" in ready and 'id="book-download"' in ready
    response = whole(client.get(url, {"year": 2018, "download": 1}))
    assert response["Content-Type"] == "application/pdf"
    pages, fonts = read(response.content)
    assert "SỔ BIÊN BẢN" in pages[0] and "Năm 2018" in pages[0]
    assert "MỤC LỤC" in pages[1]
    starts = [
        n for n, page in enumerate(pages, start=1) if "BIÊN BẢN\nSinh hoạt chi bộ tháng" in page
    ]
    assert len(starts) == 3
    for n, start in enumerate(starts, start=1):  # the index gives each minutes' first page
        assert re.search(
            rf"{n}\. Sinh hoạt chi bộ tháng 0{n + 2} năm 2018 \(05/0{n + 2}/2018\) {start}\b",
            pages[1],
        )
    # The book numbers its pages at the top, the cover aside; each signed page keeps
    # its own footer as it was signed.
    assert "Trang sổ" not in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert f"Trang sổ {number}/{len(pages)}" in page
    for start in starts:
        assert re.search(r"Trang 1/\d", pages[start - 1])
    assert "XÁC NHẬN CỦA CHI BỘ" in pages[-1]
    assert_bundled_fonts_only(fonts)
    empty = client.get(url, {"year": 2017, "download": 1})
    assert "Không có biên bản đã ký" in empty.content.decode()
    call_command("print_minute_books", org="X", year=2018, out=str(tmp_path / "books"), here=True)
    assert [p.name for p in (tmp_path / "books").iterdir()] == ["so-bien-ban-A-2018.pdf"]


def _pkcs12(path, password):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Đảng ủy xã Thanh Thủy (thử)")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"cellmeet", key, cert, None, BestAvailableEncryption(password)))  # fmt: skip


def test_a_configured_certificate_adds_a_pades_signature(settings, tmp_path, cell_people):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _pkcs12(tmp_path / "cell.p12", b"mat-khau")
    settings.CELLMEET_PKCS12_PATH = str(tmp_path / "cell.p12")
    settings.CELLMEET_PKCS12_PASSWORD = "mat-khau"
    meeting = signed_meeting(cell_people, datetime.date(2018, 6, 5))
    document = MinutesDocument.objects.get(meeting=meeting, kind="minutes")
    body = default_storage.open(document.file.name).read()
    assert hashlib.sha256(body).hexdigest() == document.sha256
    signature = PdfFileReader(io.BytesIO(body)).embedded_signatures[0]
    trusted = ValidationContext(trust_roots=[signature.signer_cert])
    status = validate_pdf_signature(signature, trusted)
    assert status.intact and status.valid and status.md_algorithm == "sha256"
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in read(body)[0][0]


def _signature_page(meeting, layout_number, monkeypatch):
    """The minutes of `meeting` as signed in `layout_number`, and the page of its
    signatures."""
    monkeypatch.setattr(pdf, "LAYOUT", layout_number)
    parts = load_parts(meeting)
    body = pdf.render_document(
        "minutes", meeting=meeting, parts=parts, snapshot=pdf.live_snapshot(meeting, parts),
        number=1, code="ABCDEFGHJK", digest="0" * 64,
    )  # fmt: skip
    pages, _ = read(body)
    return pages, next(page for page in pages if "CHỦ TRÌ" in page)


@pytest.mark.parametrize("words", range(440, 800, 40))
def test_the_signatures_never_stand_alone_on_a_page(held_meeting, cell_people, monkeypatch,
                                                      words):  # fmt: skip
    """Whatever the length of the minutes, the closing lines and the signatures take the
    text before them along to their page: a page never holds the signature block alone
    (the first layout left one minutes in three on a page 85 % blank)."""
    meeting = complete_minutes(held_meeting, cell_people)
    services.save_minutes(
        actor=cell_people["secretary_user"], meeting=meeting, version=meeting.version,
        data={"chair": cell_people["secretary"], "minute_taker": cell_people["taker"],
              "opened_at": datetime.time(8, 0), "closed_at": datetime.time(10, 0),
              "conclusion": " ".join(["Chi bộ thống nhất nghị quyết."] * (words // 4)),
              "items": {}},
    )  # fmt: skip
    meeting.refresh_from_db()
    pages, page = _signature_page(meeting, pdf.LAYOUT, monkeypatch)
    before = page.split("Cuộc họp kết thúc")[0]
    assert before.strip(), f"{len(pages)} pages: the signatures stand alone on the last"
