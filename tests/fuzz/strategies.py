"""Hypothesis strategies for what people (and attackers) send: field values, Markdown, CSV files."""

import csv
import io
from pathlib import Path

from hypothesis import strategies as st

from trainer.courses.registration_csv import COLUMNS

HERE = Path(__file__).parent

# Values that have broken web apps before: numbers out of every range, digits that are not ASCII
# ("²".isdigit() is True, int("²") is an error), markup, template syntax, paths, control characters.
TRICKY = (
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "9" * 30,
    "-" + "9" * 30,
    str(2**63),
    str(2**31),
    "²",
    "١٢",
    "①",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7 * 7 }}",
    "%s%s%n",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\r\n",
    "\u202e",
    "\ufeff",
    "😀" * 20,
    "a" * 300,
    "javascript:alert(1)",
    "T4-AAAA-BBBB-CCCC",
    "Asia/Jakarta",
    "Etc/GMT+14",
    "participant",
    "trainer",
    "ID",
    "id",
    "zz",
    "yes",
    "on",
    "2021-11-08",
    "2021-02-30",
    "25:61",
)

# What a number field may receive. Some characters are digits to str.isdigit() but not to int()
# ("²", "①"); others are digits to both ("١٢" is 12).
NUMBERS = ("0", "1", "-1", "9" * 30, str(2**31), str(2**63 - 1), str(2**63), str(2**64), "1e3", " 7", "")
NOT_DECIMAL_DIGITS = "".join(c for c in map(chr, range(0x10000)) if c.isdigit() and not c.isdecimal())
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.text(alphabet=NOT_DECIMAL_DIGITS + "0123456789١٢٣४५", min_size=1, max_size=4),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
values = st.one_of(numbers, st.sampled_from(TRICKY), st.text(max_size=40))
names = st.one_of(st.sampled_from(("q", "page", "sort", "next", "id")), st.text(min_size=1, max_size=12))

# --------------------------------------------------------------------------------------- Markdown

_MARKDOWN_PIECES = (
    "# Heading\n",
    "## Heading {#id}\n",
    "**bold** _em_ `code`\n",
    "[link](https://example.org) [bad](javascript:alert(1)) [rel](/accounts/logout)\n",
    "![img](x.png)\n",
    "<script>alert(1)</script>\n",
    "<div onclick=x>html</div>\n",
    "<iframe src=//x></iframe>\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "```\ncode\n```\n",
    "~~~\nunclosed fence\n",
    "1. one\n2. two\n   - nested\n",
    "[^1]\n\n[^1]: note\n",
    "*[abbr]: abbreviation\n",
    ":::exercise\nid: x\n---\ntext\n:::\n",
    ":::\n",
    "---\n",
    "&amp; &#0; &#xD800; &nbsp;\n",
    "\\\n",
    "<!-- comment\n",
)


@st.composite
def markdown(draw, max_pieces: int = 12) -> str:
    """Markdown made of risky pieces, random text and deep nesting (quotes and lists)."""
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(_MARKDOWN_PIECES),
                st.text(max_size=80),
                st.integers(min_value=1, max_value=400).map(lambda n: "> " * n + "deep\n"),
                st.integers(min_value=1, max_value=200).map(lambda n: "".join(" " * 2 * i + "- x\n" for i in range(n))),
                st.integers(min_value=1, max_value=300).map(lambda n: "[" * n + "x" + "]" * n + "(y)\n"),
            ),
            max_size=max_pieces,
        )
    )
    return "".join(parts)


# ------------------------------------------------------------------------------------ CSV files

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
DELIMITERS = (",", ";", "\t", "|")


@st.composite
def registration_cells(draw, column: str) -> str:
    plausible = {
        "name": st.sampled_from(("Sita Shrestha", "王秀英", "Ngā Tāngata", "")),
        "email": st.one_of(st.emails().map(str), st.sampled_from(("a@b", "x@example.org", "@", "a" * 300 + "@x.org"))),
        "organisation": st.sampled_from(("Kota Surabaya", "Dhulikhel Municipality", "")),
        "organisation_kind": st.sampled_from(("city", "kota", "regency/district", "planet", "")),
        "country": st.sampled_from(("ID", "np", "Philippines", "Tonga", "XX", "", "Atlantis")),
        "timezone": st.sampled_from(("Asia/Jakarta", "pacific/tongatapu", "UTC", "Mars/Olympus", "")),
        "language": st.sampled_from(("en", "id", "Bahasa Indonesia", "fr", "")),
        "role": st.sampled_from(("participant", "trainer", "coordinator", "")),
        "focal_point": st.sampled_from(("yes", "no", "1", "maybe", "")),
    }.get(column, st.just(""))
    return draw(st.one_of(plausible, values))


@st.composite
def registration_csv(draw) -> bytes:
    """A registration file: mostly the right columns (some renamed, missing or extra), odd cells,
    any delimiter and encoding."""
    header = draw(
        st.lists(
            st.one_of(st.sampled_from(COLUMNS), st.sampled_from(("Full Name", "E-mail", "Country Code", "x")), names),
            min_size=0,
            max_size=12,
        )
    )
    if draw(st.booleans()):
        header = [*dict.fromkeys((*COLUMNS[:3], *header))]  # often a usable header
    rows = draw(
        st.lists(st.lists(st.sampled_from(COLUMNS).flatmap(registration_cells), max_size=len(header) + 2), max_size=6)
    )
    if header and rows and draw(st.booleans()):  # cells that match their column
        rows = [[draw(registration_cells(column)) for column in header] for _row in rows]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from(DELIMITERS)), lineterminator=draw(st.sampled_from("\n\r")))
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@st.composite
def mutated(draw, samples: tuple[bytes, ...], most: int = 4) -> bytes:
    """A real sample file with up to `most` lines or cells changed, cut, repeated or broken."""
    lines = draw(st.sampled_from(samples)).split(b"\n")
    for _ in range(draw(st.integers(min_value=0, max_value=most))):
        if not lines:
            break
        at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(("cell", "delete", "repeat", "bytes", "cut", "text")))
        if action == "cell":
            cells = lines[at].split(b",")
            cell = draw(st.integers(min_value=0, max_value=len(cells) - 1))
            cells[cell] = draw(values).encode("utf-8", errors="replace").replace(b"\n", b" ")
            lines[at] = b",".join(cells)
        elif action == "delete":
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at])
        elif action == "bytes":
            lines[at] = draw(st.binary(max_size=40))
        elif action == "cut":
            lines[at] = lines[at][: draw(st.integers(min_value=0, max_value=len(lines[at])))]
        else:
            lines[at] = draw(st.text(max_size=60)).encode("utf-8", errors="replace")
    return b"\n".join(lines)


def sample_files(folder: str, *prefixes: str) -> tuple[bytes, ...]:
    paths = sorted(path for prefix in prefixes or ("",) for path in (HERE.parent / folder).glob(f"{prefix}*.csv"))
    assert paths, f"no sample files in {folder}"
    return tuple(path.read_bytes() for path in paths)


files = st.one_of(st.binary(max_size=3000), st.text(max_size=500).map(lambda text: text.encode("utf-8", "replace")))
