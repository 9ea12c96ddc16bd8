"""Random chapter files at the Markdown loader: a module loads, or every problem is a ContentError
naming the file and a line in it; never another exception."""

import shutil
import tempfile
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st

from tests.content.fixtures import chapter_text, default_body, write_module
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.strategies import markdown, mutated, values
from trainer.content.loader import load_module
from trainer.content.models import ContentInvalid, Module

SMALL_CHAPTERS = tuple(chapter_text(n, slug).encode() for n, slug in ((1, "one"), (2, "two")))
REAL_CHAPTER = next(Path("modules/module-4").glob("01-*.md")).read_bytes()

# Front-matter keys with values of any YAML type (and broken YAML).
front_values = st.one_of(
    values,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(("[]", "{}", "[a, b]", "{term: x}", "- x", "null", "~", "!!binary aGk=", "&a [*a]", '"unclosed')),
)


@st.composite
def chapters(draw) -> bytes:
    """A chapter file: the small module's chapter with its body or front matter replaced, a real
    chapter mutated, or bytes that are hardly a chapter."""
    kind = draw(st.sampled_from(("body", "front", "mutated", "real", "bytes")))
    if kind == "body":
        return chapter_text(1, "one", draw(markdown(max_pieces=12))).encode()
    if kind == "front":
        key = draw(st.sampled_from(("number", "slug", "title", "study_minutes", "objectives", "key_terms", "sources")))
        text = chapter_text(1, "one", default_body(1))
        lines = [f"{key}: {draw(front_values)}" if line.startswith(f"{key}:") else line for line in text.split("\n")]
        return "\n".join(lines).encode("utf-8", errors="replace")
    if kind == "mutated":
        return draw(mutated(SMALL_CHAPTERS, most=3))
    if kind == "real":
        return draw(mutated((REAL_CHAPTER,), most=2))
    return draw(st.binary(max_size=500))


@fuzz_settings(40)
@given(chapter=chapters(), notes=st.one_of(st.none(), markdown(max_pieces=5)))
def test_the_loader_loads_or_names_file_and_line(chapter: bytes, notes: str | None):
    root = Path(tempfile.mkdtemp(prefix="fuzz-module-"))
    try:
        folder = write_module(root, chapters={"02-two.md": chapter_text(2, "two")})
        (folder / "01-one.md").write_bytes(chapter)
        if notes is not None:
            (folder / "01-one.notes.md").write_text(notes, encoding="utf-8")
        files = {path.resolve() for path in folder.iterdir()}
        try:
            module = load_module(folder)
        except ContentInvalid as invalid:
            event("invalid")
            assert invalid.errors, "ContentInvalid without a single error"
            for error in invalid.errors:
                assert Path(error.path).resolve() in files, f"{error} names no file of the module"
                assert isinstance(error.line, int) and 0 <= error.line, f"{error} has no line"
                lines = Path(error.path).read_bytes().count(b"\n") + 1
                assert error.line <= lines, f"{error}: the file has {lines} lines"
        else:
            event("loaded")
            assert isinstance(module, Module) and [c.slug for c in module.chapters] == ["one", "two"]
    finally:
        shutil.rmtree(root)
