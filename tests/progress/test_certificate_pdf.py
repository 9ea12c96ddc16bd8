"""Certificate PDF: one A4 landscape page of real, extractable text in the participant's script,
the same bytes for the same data, long texts kept inside the frame. Pure: no database and no
request (one test makes a bare Flask app for the locale); PDFs are read back with pypdf.

Extracting shaped scripts: pypdf gets Thai, Devanagari and Arabic-script names back in logical
order, because fpdf2 maps each shaped glyph back to its characters. The spaces it puts between
glyph clusters are its own guess from glyph positions (a Devanagari conjunct can come back with a
space inside), so those names are compared with whitespace removed. Latin is compared exactly. CJK
comes back with a NUL before each character: see that test.
"""

import hashlib
import io
import math
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import segno
from flask import Flask
from flask_babel import Babel, force_locale
from pypdf import PdfReader

from trainer.progress import certificate_pdf
from trainer.progress.certificate_pdf import CertificateData, MissingGlyphsError, render_certificate

URL = "https://trainer.example.org/certificates/T4-7K2M-9QXD"
DATA = CertificateData(
    name="Nguyễn Thị Thu Hà",
    organisation="Da Nang City People's Committee",
    course_title="Module 4 Training of Trainers — Asia-Pacific",
    module_title="Localizing the SDGs through Decentralized Cooperation",
    first_day=date(2025, 3, 10),
    last_day=date(2025, 3, 14),
    trainers=("Dr. Bernadia Irawati Tjandradewi", "Ms. Fitria Kurniasari"),
    hours=18.5,
    code="T4-7K2M-9QXD",
    verify_url=URL,
    issued_on=date(2025, 3, 21),
    issuer="UCLG ASPAC",
)
PT_PER_MM = 72 / 25.4
A4_LANDSCAPE = (297 * PT_PER_MM, 210 * PT_PER_MM)


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return read(pdf).pages[0].extract_text()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def font_names(pdf: bytes) -> list[str]:
    fonts = read(pdf).pages[0]["/Resources"]["/Font"]
    return [str(font.get_object()["/BaseFont"]) for font in fonts.values()]


CJK_FONTS = [certificate_pdf._SYSTEM_CJK / f"NotoSansCJK-{weight}.ttc" for weight in ("Regular", "Bold")]
KHMER_FONTS = [certificate_pdf._SYSTEM_NOTO / f"NotoSansKhmer-{weight}.ttf" for weight in ("Regular", "Bold")]


# --- The page ----------------------------------------------------------------------------------


def test_one_a4_landscape_page() -> None:
    reader = read(render_certificate(DATA))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_LANDSCAPE, abs=0.01)
    assert page.get("/Rotate", 0) == 0  # landscape by its size, not by a viewer's rotation


def test_states_the_whole_certificate() -> None:
    text = text_of(render_certificate(DATA))
    for expected in (
        "UCLG ASPAC",
        "Certificate of completion",
        "This certifies that",
        "Nguyễn Thị Thu Hà",
        "Da Nang City People's Committee",
        "has completed",
        "Module 4 Training of Trainers — Asia-Pacific",
        "Localizing the SDGs through Decentralized Cooperation",
        "Learning hours: 18.5",
        "Trainers: Dr. Bernadia Irawati Tjandradewi and Ms. Fitria Kurniasari",
        "Issued by UCLG ASPAC on March 21, 2025",
        "Verification code: T4-7K2M-9QXD",
        URL,
    ):
        assert expected in text
    # Babel sets the date range with thin spaces around the dash: 'Mar 10 – 14, 2025'.
    assert "Dates:Mar10–14,2025" in squash(text)


def test_text_is_real_text_with_embedded_fonts_and_no_images() -> None:
    pdf = render_certificate(DATA)
    resources = read(pdf).pages[0]["/Resources"]
    assert "/XObject" not in resources  # nothing drawn as a picture, the QR code included
    # Subsets ('ABCDEF+') of the vendored font only: a Latin certificate needs no other.
    assert [name.split("+")[-1] for name in font_names(pdf)] == ["NotoSans", "NotoSansBold"]
    assert "Nguyễn Thị Thu Hà" in text_of(pdf)


def test_the_url_and_the_qr_code_link_to_the_verification_page() -> None:
    page = read(render_certificate(DATA)).pages[0]
    uris = [annot.get_object()["/A"]["/URI"] for annot in page["/Annots"]]
    assert uris == [URL, URL]  # the printed URL, then the QR code


def test_qr_code_is_drawn_module_for_module() -> None:
    matrix = segno.make(URL, error="m", micro=False).matrix
    runs = certificate_pdf._dark_runs(matrix)
    rebuilt = [[0] * len(row) for row in matrix]
    for row, start, end in runs:
        rebuilt[row][start:end] = [1] * (end - start)
    assert rebuilt == [list(row) for row in matrix]
    # Each run is one filled rectangle; the frame's rectangles are stroked, not filled.
    content = read(render_certificate(DATA)).pages[0].get_contents().get_data().decode("latin-1")
    assert len(re.findall(r" re f\b", content)) == len(runs)


# --- Scripts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "organisation"),
    [
        ("สุดารัตน์ ทองดี", "เทศบาลนครเชียงใหม่"),  # Thai: stacked vowels and tone marks
        ("राम बहादुर थापा", "काठमाडौं महानगरपालिका"),  # Devanagari (Nepali)
        ("श्री कृष्ण क्षत्रिय", None),  # Devanagari conjuncts
        ("محمد علی", "بلدیہ عظمیٰ کراچی"),  # Urdu, right to left, joined letters
        ("Nguyễn Thị Thu Hà", "Ủy ban nhân dân thành phố Đà Nẵng"),  # Vietnamese stacked diacritics
    ],
)
def test_names_in_vendored_scripts_come_back_as_text(name: str, organisation: str | None) -> None:
    text = text_of(render_certificate(replace(DATA, name=name, organisation=organisation)))
    assert squash(name) in squash(text)
    if organisation:
        assert squash(organisation) in squash(text)


def test_latin_names_come_back_exactly() -> None:
    for name in ("Nguyễn Thị Thu Hà", "Siti Nurhaliza binti Ahmad", "José María Ñúñez-Çelik"):
        assert name in text_of(render_certificate(replace(DATA, name=name)))


def test_trainer_names_in_other_scripts() -> None:
    pdf = render_certificate(replace(DATA, trainers=("สมชาย ใจดี", "Ramon Santos")))
    assert squash("Trainers: สมชาย ใจดี and Ramon Santos") in squash(text_of(pdf))


def test_a_one_script_name_is_set_in_that_script_font_as_one_run() -> None:
    # A Devanagari name with a zero-width joiner must not be split at the ZWJ, which NotoSans has too.
    faces = certificate_pdf.VENDORED_FACES
    assert certificate_pdf._primary_family(faces, "क्\u200dष राम") == "deva"
    assert certificate_pdf._primary_family(faces, "สุดารัตน์ ทองดี") == "thai"
    assert certificate_pdf._primary_family(faces, "محمد علی") == "arab"
    assert certificate_pdf._primary_family(faces, "Nguyễn Thị Thu Hà") == "sans"
    assert certificate_pdf._primary_family(faces, "Ms سارا (Sara)") == "sans"  # mixed: per-character fallback


def test_names_are_normalised_before_they_are_set() -> None:
    decomposed = "Nguye\u0302\u0303n Thi\u0323  Thu\nHa\u0300\u200e"  # NFD, a newline, a direction mark
    text = text_of(render_certificate(replace(DATA, name=decomposed)))
    assert "Nguyễn Thị Thu Hà" in text


@pytest.mark.skipif(not all(p.is_file() for p in CJK_FONTS), reason="needs Debian's fonts-noto-cjk")
@pytest.mark.parametrize(
    ("name", "face"),
    [("王小明", "CJKSC"), ("山田 はなこ", "CJKJP"), ("김민준", "CJKKR")],
)
def test_cjk_names_use_the_system_cjk_font(name: str, face: str) -> None:
    pdf = render_certificate(replace(DATA, name=name))
    # pypdf 7.1 reads the two-byte codes of fpdf2's CJK (OpenType/CFF) fonts as one byte each and
    # puts a NUL before every character; poppler's pdftotext reads them exactly.
    assert squash(name) in squash(text_of(pdf)).replace("\x00", "")
    assert any(face in font for font in font_names(pdf))  # Chinese, Japanese, Korean forms of Han


@pytest.mark.skipif(not all(p.is_file() for p in KHMER_FONTS), reason="needs Debian's fonts-noto-core")
def test_other_scripts_use_the_system_noto_fonts() -> None:
    pdf = render_certificate(replace(DATA, name="សុខ ចាន់ធី"))
    assert squash("សុខ ចាន់ធី") in squash(text_of(pdf))
    assert any("Khmer" in font for font in font_names(pdf))


def test_characters_no_font_can_draw_are_refused_not_printed_as_boxes(monkeypatch, tmp_path) -> None:
    # A fresh machine: no system fonts at all, only the vendored ones.
    monkeypatch.setattr(certificate_pdf, "_SYSTEM_CJK", tmp_path)
    monkeypatch.setattr(certificate_pdf, "_SYSTEM_NOTO", tmp_path)
    with pytest.raises(MissingGlyphsError, match="fonts-noto-cjk") as raised:
        render_certificate(replace(DATA, name="王小明"))
    assert sorted(raised.value.characters) == sorted("王小明")
    with pytest.raises(MissingGlyphsError):
        render_certificate(replace(DATA, trainers=("សុខ ចាន់ធី",)))
    # The vendored scripts still work there.
    assert squash("สุดารัตน์ ทองดี") in squash(text_of(render_certificate(replace(DATA, name="สุดารัตน์ ทองดี"))))


def test_vendored_fonts_are_small_and_licensed() -> None:
    files = [path for face in certificate_pdf.VENDORED_FACES for path in (face.regular, face.bold)]
    assert all(path.is_file() for path in files)
    assert sum(path.stat().st_size for path in files) < 3 * 1024 * 1024
    licence = (certificate_pdf.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert all(path.name in licence for path in files)


# --- Determinism -------------------------------------------------------------------------------


def test_same_data_gives_the_same_bytes() -> None:
    assert render_certificate(DATA) == render_certificate(DATA)


def test_same_bytes_in_another_process() -> None:
    # Set order depends on the hash seed, which differs between processes: a fresh one catches it.
    script = (
        "import hashlib, sys; from tests.progress.test_certificate_pdf import DATA;"
        "from trainer.progress.certificate_pdf import render_certificate;"
        "sys.stdout.write(hashlib.sha256(render_certificate(DATA)).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    root = Path(__file__).resolve().parents[2]
    other = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert other == hashlib.sha256(render_certificate(DATA)).hexdigest()


def test_creation_date_is_the_issue_date() -> None:
    reader = read(render_certificate(DATA))
    assert reader.metadata.creation_date == datetime(2025, 3, 21, tzinfo=UTC)
    assert reader.metadata.title == "Certificate of completion: Nguyễn Thị Thu Hà"
    assert render_certificate(replace(DATA, issued_on=date(2025, 3, 22))) != render_certificate(DATA)


# --- Fitting -----------------------------------------------------------------------------------

LONG = replace(
    DATA,
    name="Maria Concepcion Dela Cruz-Villanueva de los Santos y Fernandez Bautista Macaraeg III, PhD",
    organisation="Metropolitan Manila Development Authority, Office of the Chairperson, "
    "Planning and Development Coordination Division, Local Government Support Unit",
    course_title="Module 4 Training of Trainers — Asia-Pacific Regional Edition for Local Government "
    "Associations, Cities, Municipalities and Provinces in South-East Asia, South Asia and the Pacific",
    trainers=tuple(f"Trainer Number {i} With A Fairly Long Name" for i in range(6)),
    verify_url="https://trainer.example.org/certificates/" + "T4-7K2M-9QXD" * 8,
)


def text_positions(pdf: bytes) -> list[tuple[float, float, str]]:
    """(x, baseline y) in points from the bottom left, and the text, of every piece of text."""
    found: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size) -> None:
        if text.strip():
            found.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))

    read(pdf).pages[0].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize(
    "data",
    [
        LONG,
        replace(LONG, name="Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessen" * 2),
        replace(LONG, name="สุดารัตน์ ทองดี" * 6, organisation="राम बहादुर थापा " * 10),
    ],
    ids=["long", "unbroken", "long-shaped"],
)
def test_long_texts_stay_inside_their_regions(data: CertificateData) -> None:
    pdf = render_certificate(data)
    assert len(read(pdf).pages) == 1
    text = squash(text_of(pdf))
    for expected in (data.name, data.organisation, data.course_title, data.verify_url, *data.trainers):
        assert squash(expected) in text
    page_h = A4_LANDSCAPE[1]
    rule = page_h - certificate_pdf.RULE_Y * PT_PER_MM
    words = certificate_pdf._texts(data)
    footer = squash(words.issued + words.code + words.verify + words.url + words.scan)
    for x, y, piece in text_positions(pdf):
        # A centred line that starts inside the body's left edge also ends inside its right edge.
        assert x >= certificate_pdf.BODY_X * PT_PER_MM - 0.5, piece
        assert 15 * PT_PER_MM < y < page_h - 15 * PT_PER_MM, piece  # inside the frame
        if squash(piece) not in footer:
            assert y > rule, piece  # the body stays above the rule over the footer


# --- Optional parts and wording ----------------------------------------------------------------


def test_no_trainers_and_no_organisation() -> None:
    text = text_of(render_certificate(replace(DATA, trainers=(), organisation=None)))
    assert "Trainer:" not in text
    assert "Trainers:" not in text
    assert "Nguyễn Thị Thu Hà\nhas completed" in text
    assert "Verification code: T4-7K2M-9QXD" in text


def test_blank_trainer_names_are_left_out() -> None:
    text = text_of(render_certificate(replace(DATA, trainers=("  ", "Ramon Santos"))))
    assert "Trainer: Ramon Santos" in text
    assert "Trainers:" not in text


@pytest.mark.parametrize(
    ("hours", "shown"),
    [(18.5, "18.5"), (20.0, "20"), (12.25, "12.25"), (12.333333, "12.33"), (0, "0"), (1234.5, "1,234.5")],
)
def test_hours(hours: float, shown: str) -> None:
    assert f"Learning hours: {shown}\n" in text_of(render_certificate(replace(DATA, hours=hours)))


def test_one_day_course_shows_one_date() -> None:
    text = text_of(render_certificate(replace(DATA, last_day=DATA.first_day)))
    assert "Dates: Mar 10, 2025" in text


def test_course_across_years() -> None:
    text = text_of(render_certificate(replace(DATA, first_day=date(2025, 12, 30), last_day=date(2026, 1, 2))))
    assert "Dates:Dec30,2025–Jan2,2026" in squash(text)


def test_dates_and_numbers_follow_the_locale() -> None:
    app = Flask(__name__)
    Babel(app)
    with app.app_context(), force_locale("id"):
        text = text_of(render_certificate(DATA))
    assert "10–14Mar2025" in squash(text)
    assert "18,5" in text
    assert "21 Maret 2025" in text
    assert "Dr. Bernadia Irawati Tjandradewi dan Ms. Fitria Kurniasari" in text


@pytest.mark.parametrize(
    "change",
    [
        {"last_day": date(2025, 3, 9)},
        {"hours": -1.0},
        {"hours": math.nan},
        {"name": "  "},
        {"code": ""},
        {"verify_url": ""},
    ],
)
def test_inconsistent_data_is_refused(change: dict) -> None:
    with pytest.raises(ValueError):
        replace(DATA, **change)
