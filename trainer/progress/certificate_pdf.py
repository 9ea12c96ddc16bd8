"""The certificate of completion as a one-page A4 landscape PDF. Pure: no database, no request, no
network; the same data gives the same bytes.

Names come in any script, so text is set with real fonts and shaped by HarfBuzz (fpdf2's text
shaping through uharfbuzz): Thai marks stack, Devanagari conjuncts join and Arabic-script names
join right to left. All text is real, selectable text; nothing is drawn as an image.

Fonts are never downloaded. The Noto fonts for Latin (with Vietnamese), Thai, Devanagari and
Arabic script (Naskh, which covers Urdu and Persian letters) are vendored under
trainer/static/fonts/ (SIL OFL 1.1, see OFL.txt there). Scripts they lack are taken from the
machine's own Noto fonts when it has them: CJK from Debian's fonts-noto-cjk, Bengali, Khmer,
Sinhala, Tamil, Myanmar, Lao and more from fonts-noto-core. A character that no font here can draw
raises MissingGlyphsError: a certificate never shows a name as empty boxes.

Dates, numbers and lists follow the current Flask-Babel locale (English outside a request), like
every fixed string, which is marked with gettext.
"""

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from pathlib import Path

import segno
from babel import Locale
from babel.dates import format_date, format_interval
from babel.lists import format_list
from babel.numbers import format_decimal
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
_SYSTEM_NOTO = Path("/usr/share/fonts/truetype/noto")  # Debian's fonts-noto-core
_SYSTEM_CJK = Path("/usr/share/fonts/opentype/noto")  # Debian's fonts-noto-cjk


@dataclass(frozen=True)
class CertificateData:
    name: str
    organisation: str | None
    course_title: str
    module_title: str
    first_day: date
    last_day: date
    trainers: tuple[str, ...]
    hours: float  # live hours attended + self-study hours, as the caller computes
    code: str
    verify_url: str
    issued_on: date
    issuer: str

    def __post_init__(self) -> None:
        # Cheap invariants: a certificate that states them wrongly must not be printed.
        for field in ("name", "course_title", "code", "verify_url", "issuer"):
            if not getattr(self, field).strip():
                raise ValueError(f"{field} must not be empty")
        if self.last_day < self.first_day:
            raise ValueError("last_day is before first_day")
        if not self.hours >= 0:  # also rejects NaN
            raise ValueError("hours must be zero or more")


class MissingGlyphsError(ValueError):
    """No font available on this machine can draw these characters."""

    def __init__(self, characters: str) -> None:
        self.characters = characters
        listed = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in characters)
        super().__init__(
            f"No font can draw {listed}. CJK needs Debian's fonts-noto-cjk; other scripts fonts-noto-core."
        )


# --- Fonts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Face:
    family: str  # lower case: fpdf2 matches fallback font keys in lower case
    regular: Path
    bold: Path
    number: int = 0  # the font's index inside a .ttc collection


def _vendored(family: str, stem: str) -> _Face:
    return _Face(family, FONT_DIR / f"{stem}-Regular.ttf", FONT_DIR / f"{stem}-Bold.ttf")


# The first face is the base font: Latin text and every space and punctuation mark fall to it.
VENDORED_FACES = (
    _vendored("sans", "NotoSans"),
    _vendored("thai", "NotoSansThai"),
    _vendored("deva", "NotoSansDevanagari"),
    _vendored("arab", "NotoNaskhArabic"),
)
# Scripts of the region that the vendored fonts lack, tried in this order when a text needs them.
_SYSTEM_SCRIPTS = (
    "Bengali", "Khmer", "Lao", "Myanmar", "Sinhala", "Tamil", "Gurmukhi", "Gujarati", "Oriya", "Telugu",
    "Kannada", "Malayalam", "Mongolian", "Thaana", "Georgian", "Armenian", "Hebrew",
)  # fmt: skip
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def _cjk_face(text: str) -> _Face:
    """Han characters are drawn differently in each country: kana means Japanese, Hangul Korean,
    and other Han text is taken as Chinese (Simplified). Index in NotoSansCJK-*.ttc: 0 JP, 1 KR, 2 SC."""
    number = 0 if _KANA.search(text) else 1 if _HANGUL.search(text) else 2
    return _Face("cjk", _SYSTEM_CJK / "NotoSansCJK-Regular.ttc", _SYSTEM_CJK / "NotoSansCJK-Bold.ttc", number)


def _system_faces(text: str) -> list[_Face]:
    """The machine's own fonts for the scripts not vendored, looked up on each call so that a font
    installed while the app runs counts. A script without a bold font is set in regular."""
    faces = [_cjk_face(text)]
    for script in _SYSTEM_SCRIPTS:
        regular, bold = (_SYSTEM_NOTO / f"NotoSans{script}-{weight}.ttf" for weight in ("Regular", "Bold"))
        faces.append(_Face(script.lower(), regular, bold if bold.is_file() else regular))
    return [face for face in faces if face.regular.is_file() and face.bold.is_file()]


@lru_cache(maxsize=64)
def _cmap(path: Path, number: int) -> frozenset[int]:
    """The code points a font draws. Read once per process: a 20 MB CJK collection takes a while."""
    with TTFont(path, fontNumber=number, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _covers(face: _Face, char: str) -> bool:
    return ord(char) in _cmap(face.regular, face.number)


def _choose_faces(text: str) -> tuple[_Face, ...]:
    """The base face plus the few faces this text needs, vendored ones first; MissingGlyphsError if
    no font draws a character. Each font added costs time: fpdf2 parses and subsets it."""
    chosen = [VENDORED_FACES[0]]
    system: list[_Face] | None = None  # looked up only when the vendored fonts fall short
    missing: list[str] = []
    for char in sorted(set(text)):
        if char.isspace() or any(_covers(face, char) for face in chosen):
            continue
        face = next((face for face in VENDORED_FACES if _covers(face, char)), None)
        if face is None:
            system = _system_faces(text) if system is None else system
            face = next((face for face in system if _covers(face, char)), None)
        if face is None:
            missing.append(char)
        else:
            chosen.append(face)
    if missing:
        raise MissingGlyphsError("".join(missing))
    return tuple(chosen)


def _primary_family(faces: Sequence[_Face], text: str) -> str:
    """The first face that draws the whole text, so that a one-script name is shaped as one run.

    fpdf2 switches to a fallback font character by character; the base font also has spaces and
    zero-width joiners, which would otherwise cut a Devanagari or Arabic name into runs shaped apart.
    """
    chars = {c for c in text if not c.isspace()}
    for face in faces:
        cmap = _cmap(face.regular, face.number)
        if all(ord(c) in cmap for c in chars):
            return face.family
    return faces[0].family


# --- Text --------------------------------------------------------------------------------------


# Invisible controls that arrive with pasted names: soft hyphen, direction marks and embeddings,
# word joiner, byte order mark, variation selectors. fpdf2 orders right-to-left text itself, and
# no font here maps them. Zero-width (non-)joiners stay: they change how Indic and Arabic join.
_INVISIBLE = re.compile("[\u00ad\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def _clean(text: str) -> str:
    """NFC (so 'ễ' is one character, as people type it), no invisible controls, single spaces."""
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", text)).split())


def _locale() -> Locale:
    """The reader's locale in a request, else the one forced by the caller, else English."""
    return get_locale() or Locale.parse("en")


def _dates_text(first: date, last: date, locale: Locale) -> str:
    # 'Mar 10 – 14, 2025' in English, '10–14 Mar 2025' in Indonesian; one date for a one-day course.
    return format_interval(first, last, "yMMMd", locale=locale)


def _hours_text(hours: float, locale: Locale) -> str:
    return format_decimal(hours, "#,##0.##", locale=locale)


def _trainers_text(trainers: Sequence[str], locale: Locale) -> str:
    """'Trainers: A, B, and C'; nothing at all when the course names no trainer."""
    names = [_clean(name) for name in trainers if name.strip()]
    if not names:
        return ""
    return ngettext("Trainer: %(names)s", "Trainers: %(names)s", len(names), names=format_list(names, locale=locale))


@dataclass(frozen=True)
class _Texts:
    """Every piece of text on the page, cleaned and worded in the current locale."""

    issuer: str
    title: str
    certifies: str
    name: str
    organisation: str
    completed: str
    course: str
    module: str
    details: str
    trainers: str
    issued: str
    code: str
    verify: str
    url: str
    scan: str


def _texts(data: CertificateData) -> _Texts:
    locale = _locale()
    dates = _("Dates: %(dates)s", dates=_dates_text(data.first_day, data.last_day, locale))
    hours = _("Learning hours: %(hours)s", hours=_hours_text(data.hours, locale))
    return _Texts(
        issuer=_clean(data.issuer),
        title=_("Certificate of completion"),
        certifies=_("This certifies that"),
        name=_clean(data.name),
        organisation=_clean(data.organisation or ""),
        completed=_("has completed"),
        course=_clean(data.course_title),
        module=_clean(data.module_title),
        details=f"{dates}   ·   {hours}",
        trainers=_trainers_text(data.trainers, locale),
        issued=_(
            "Issued by %(issuer)s on %(date)s",
            issuer=_clean(data.issuer),
            date=format_date(data.issued_on, "long", locale=locale),
        ),
        code=_("Verification code: %(code)s", code=_clean(data.code)),
        verify=_("Check that this certificate is genuine at:"),
        url=data.verify_url.strip(),
        scan=_("Scan to verify"),
    )


# --- Layout ------------------------------------------------------------------------------------

NAVY = (23, 55, 94)
GOLD = (176, 141, 87)
INK = (33, 37, 41)
MUTED = (88, 94, 102)

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
BODY_X, BODY_W = 30.0, 237.0
BODY_TOP, BODY_BOTTOM = 22.0, 146.0
RULE_Y = 151.0
FOOT_TOP, FOOT_BOTTOM = 156.0, 190.0
FOOT_W = 196.0
QR_SIZE = 27.0
QR_X, QR_Y = BODY_X + BODY_W - QR_SIZE, FOOT_TOP
PT = 25.4 / 72  # mm per point
LEADING = 1.3  # line height as a multiple of the font size
SHRINK_BEFORE_WRAP = 0.7


@dataclass(frozen=True)
class _Block:
    """A paragraph of one style: shrinks from size towards min_size to keep within max_lines."""

    text: str
    size: float
    min_size: float
    bold: bool = False
    color: tuple[int, int, int] = INK
    max_lines: int = 2
    space_before: float = 0.0  # mm
    link: str = ""


@dataclass(frozen=True)
class _Placed:
    block: _Block
    size: float
    lines: int

    @property
    def height(self) -> float:
        return self.lines * self.size * PT * LEADING


def _body(t: _Texts) -> list[_Block]:
    blocks = [
        _Block(t.issuer, 12, 9, bold=True, color=NAVY, max_lines=1),
        _Block(t.title, 32, 22, bold=True, color=NAVY, space_before=3),
        _Block(t.certifies, 12, 10, color=MUTED, space_before=7),
        _Block(t.name, 32, 16, bold=True, space_before=2),
        _Block(t.organisation, 14, 10, color=MUTED),
        _Block(t.completed, 12, 10, color=MUTED, space_before=5),
        _Block(t.course, 18, 11, bold=True, color=NAVY, space_before=1),
        _Block(t.module, 15, 10, color=NAVY),
        _Block(t.details, 11, 8, space_before=6),
        _Block(t.trainers, 11, 7, max_lines=3, space_before=1),
    ]
    return [block for block in blocks if block.text]


def _footer(t: _Texts) -> list[_Block]:
    return [
        _Block(t.issued, 10, 7),
        _Block(t.code, 10, 7, bold=True, space_before=1.5),
        _Block(t.verify, 9, 7, color=MUTED, space_before=1.5),
        _Block(t.url, 9, 6, color=NAVY, link=t.url),
    ]


def _set_font(pdf: FPDF, faces: Sequence[_Face], block: _Block, size: float) -> None:
    pdf.set_font(_primary_family(faces, block.text), "B" if block.bold else "", size)


def _line_count(pdf: FPDF, faces: Sequence[_Face], block: _Block, size: float, width: float) -> int:
    _set_font(pdf, faces, block, size)
    lines = pdf.multi_cell(width, text=block.text, dry_run=True, output=MethodReturnValue.LINES)
    return max(1, len(lines))


def _place(pdf: FPDF, faces: Sequence[_Face], block: _Block, scale: float, width: float) -> _Placed:
    """The largest size, in half points, that keeps the block to one line, else to two, and so on.

    Each line count but the last may shrink the text only so far (SHRINK_BEFORE_WRAP): a long name
    is better set large on two lines than small on one.
    """
    top = round(block.size * scale * 2) / 2
    floor = block.min_size * scale
    for lines in range(1, block.max_lines + 1):
        stage_floor = floor if lines == block.max_lines else max(floor, top * SHRINK_BEFORE_WRAP)
        sizes = [top - step / 2 for step in range(int((top - stage_floor) * 2) + 1)]  # largest first
        # Smaller text never takes more lines, so the sizes that fit are a tail: bisect for its start.
        first = bisect_left(sizes, True, key=lambda size: _line_count(pdf, faces, block, size, width) <= lines)
        if first < len(sizes):
            return _Placed(block, sizes[first], _line_count(pdf, faces, block, sizes[first], width))
    return _Placed(block, floor, _line_count(pdf, faces, block, floor, width))


@dataclass(frozen=True)
class _Layout:
    placed: tuple[_Placed, ...]
    scale: float  # spacing shrinks with the text

    def bottoms(self, top: float) -> list[float]:
        """Where each block ends, from the top of the region down."""
        ends = []
        for p in self.placed:
            top += p.block.space_before * self.scale + p.height
            ends.append(top)
        return ends

    @property
    def height(self) -> float:
        return self.bottoms(0.0)[-1] if self.placed else 0.0


def _fit(pdf: FPDF, faces: Sequence[_Face], blocks: Sequence[_Block], width: float, height: float) -> _Layout:
    """Blocks sized to fit the region: each within its lines first, then all smaller until they fit.

    The floor is half size, as smaller is unreadable; only absurd lengths (a name of several
    hundred characters) reach it, and then the text may run past its region.
    """
    scale = 1.0
    while True:
        layout = _Layout(tuple(_place(pdf, faces, block, scale, width) for block in blocks), scale)
        if layout.height <= height or scale <= 0.5:
            return layout
        scale = round(scale - 0.05, 2)


def _draw(
    pdf: FPDF, faces: Sequence[_Face], layout: _Layout, top: float, x: float, width: float, align: Align
) -> list[float]:
    """Draws the blocks from top down; returns where each one ends."""
    bottoms = layout.bottoms(top)
    for p, bottom in zip(layout.placed, bottoms, strict=True):
        _set_font(pdf, faces, p.block, p.size)
        pdf.set_text_color(*p.block.color)
        pdf.set_xy(x, bottom - p.height)
        pdf.multi_cell(
            width,
            p.size * PT * LEADING,
            p.block.text,
            align=align,
            link=p.block.link or None,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    return bottoms


def _frame(pdf: FPDF) -> None:
    """A navy border, a gold hairline inside it and a gold rule over the footer: line art, prints on any printer."""
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.2)
    pdf.rect(9, 9, PAGE_W - 18, PAGE_H - 18)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.35)
    pdf.rect(12.5, 12.5, PAGE_W - 25, PAGE_H - 25)
    pdf.set_line_width(0.5)
    pdf.line(BODY_X, RULE_Y, BODY_X + BODY_W, RULE_Y)


def _title_rule(pdf: FPDF, y: float) -> None:
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.line(PAGE_W / 2 - 22, y, PAGE_W / 2 + 22, y)


def _dark_runs(matrix: Sequence[Sequence[int]]) -> list[tuple[int, int, int]]:
    """(row, first column, column after the last) of each horizontal run of dark modules."""
    runs = []
    for row, cells in enumerate(matrix):
        col = 0
        while col < len(cells):
            start = col
            while col < len(cells) and cells[col] == cells[start]:
                col += 1
            if cells[start]:
                runs.append((row, start, col))
    return runs


def _qr(pdf: FPDF, url: str) -> None:
    """The verification URL as a QR code of filled squares: vector, so it prints sharp at any size.

    One rectangle per run of dark modules: fewer operators than one per module, and no hairline
    seams inside a run. The page around it is white, which is the quiet zone scanners need.
    """
    matrix = segno.make(url, error="m", micro=False).matrix
    module = QR_SIZE / len(matrix)
    pdf.set_fill_color(*INK)
    for row, start, end in _dark_runs(matrix):
        pdf.rect(QR_X + start * module, QR_Y + row * module, (end - start) * module, module, style="F")
    pdf.link(QR_X, QR_Y, QR_SIZE, QR_SIZE, url)


def _new_pdf(data: CertificateData, texts: _Texts, faces: Sequence[_Face]) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(BODY_X, BODY_TOP, PAGE_W - BODY_X - BODY_W)
    # Determinism: the creation date is the issue date, and fpdf2 derives the file /ID from the content.
    pdf.set_creation_date(datetime.combine(data.issued_on, time(), tzinfo=UTC))
    pdf.set_title(f"{texts.title}: {texts.name}")
    pdf.set_subject(f"{texts.course}: {texts.module}")
    pdf.set_author(texts.issuer)
    pdf.set_keywords(_clean(data.code))
    pdf.set_lang(str(_locale()).replace("_", "-"))
    for face in faces:
        pdf.add_font(face.family, "", face.regular, collection_font_number=face.number)
        pdf.add_font(face.family, "B", face.bold, collection_font_number=face.number)
    pdf.set_fallback_fonts([face.family for face in faces])
    pdf.set_text_shaping(True)
    pdf.add_page()
    return pdf


def render_certificate(data: CertificateData) -> bytes:
    """A one-page A4 landscape PDF. Raises MissingGlyphsError when this machine has no font for a character."""
    texts = _texts(data)
    faces = _choose_faces("".join(vars(texts).values()))
    pdf = _new_pdf(data, texts, faces)
    _frame(pdf)

    body = _fit(pdf, faces, _body(texts), BODY_W, BODY_BOTTOM - BODY_TOP)
    # The body sits in the middle of its region; when it is full, from the top.
    top = BODY_TOP + (BODY_BOTTOM - BODY_TOP - body.height) / 2
    bottoms = _draw(pdf, faces, body, max(BODY_TOP, top), BODY_X, BODY_W, Align.C)
    _title_rule(pdf, bottoms[1] + 1.5 * body.scale)  # blocks 0 and 1, never empty: issuer, title

    footer = _fit(pdf, faces, _footer(texts), FOOT_W, FOOT_BOTTOM - FOOT_TOP)
    _draw(pdf, faces, footer, FOOT_TOP, BODY_X, FOOT_W, Align.L)
    _qr(pdf, texts.url)
    caption = _fit(pdf, faces, [_Block(texts.scan, 7, 5, color=MUTED, max_lines=1)], QR_SIZE + 6, 4)
    _draw(pdf, faces, caption, QR_Y + QR_SIZE + 0.5, QR_X - 3, QR_SIZE + 6, Align.C)
    return bytes(pdf.output())
