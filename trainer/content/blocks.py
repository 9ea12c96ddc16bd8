"""The block syntax: `:::exercise`, `:::case-study`, `:::tip` … `:::` (docs/content-format.md).

Blocks are cut out of a chapter body before Markdown runs; each leaves a placeholder paragraph
so that the rendered chapter can be split into parts around them.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from trainer.content.models import ContentError

BLOCK_KEYS = {
    "exercise": ({"id", "title", "mode", "setting", "minutes", "output"}, set()),
    "case-study": ({"id", "title", "place", "sdgs"}, set()),
    "tip": ({"title"}, {"id"}),
}
EXERCISE_MODES = {"group", "individual"}
EXERCISE_SETTINGS = {"live", "self-study", "either"}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PLACEHOLDER = "TRAINERBLOCK{}END"
PLACEHOLDER_HTML = re.compile(r"<p>TRAINERBLOCK(\d+)END</p>")

_OPEN = re.compile(r"^:::\s*([A-Za-z-]+)\s*$")
_CLOSE = re.compile(r"^:::\s*$")
_FENCE = re.compile(r"^(```|~~~)")


@dataclass
class RawBlock:
    kind: str
    line: int  # of the opening `:::kind`
    meta: dict
    body: str


@dataclass
class SplitBody:
    text: str  # the body with each block replaced by its placeholder
    blocks: list[RawBlock] = field(default_factory=list)
    # Line numbers (in the file) of the lines of `text` that are the author's own lines.
    line_numbers: list[int] = field(default_factory=list)


def split_blocks(path: Path, body: str, first_line: int, errors: list[ContentError]) -> SplitBody:
    """Cut blocks out of `body` (which starts at file line `first_line`), reporting errors."""
    result = SplitBody(text="")
    out: list[str] = []
    lines = body.split("\n")
    in_fence = False
    i = 0
    while i < len(lines):
        line, number = lines[i], first_line + i
        if _FENCE.match(line):
            in_fence = not in_fence
        opening = None if in_fence else _OPEN.match(line)
        if opening:
            block, i = _read_block(path, lines, i, first_line, opening.group(1), errors)
            if block is not None:
                out.append(PLACEHOLDER.format(len(result.blocks)))
                result.line_numbers.append(number)
                result.blocks.append(block)
            continue
        if not in_fence and _CLOSE.match(line):
            errors.append(ContentError(path, number, "':::' closes no block"))
        out.append(line)
        result.line_numbers.append(number)
        i += 1
    result.text = "\n".join(out)
    return result


def _read_block(path, lines, start, first_line, kind, errors) -> tuple[RawBlock | None, int]:
    number = first_line + start
    end = start + 1
    while end < len(lines) and not _CLOSE.match(lines[end]):
        if _OPEN.match(lines[end]):
            errors.append(ContentError(path, first_line + end, "a block cannot open inside another block"))
        end += 1
    if end == len(lines):
        errors.append(ContentError(path, number, f"block ':::{kind}' is never closed with ':::'"))
        return None, len(lines)
    if kind not in BLOCK_KEYS:
        known = ", ".join(sorted(BLOCK_KEYS))
        errors.append(ContentError(path, number, f"unknown block ':::{kind}' (known: {known})"))
        return None, end + 1
    inner = lines[start + 1 : end]
    if "---" not in inner:
        errors.append(ContentError(path, number, f"block ':::{kind}' needs a '---' line after its metadata"))
        return None, end + 1
    separator = inner.index("---")
    meta = _block_meta(path, kind, "\n".join(inner[:separator]), number + 1, errors)
    body = "\n".join(inner[separator + 1 :]).strip()
    if not body:
        errors.append(ContentError(path, number, f"block ':::{kind}' has no text after '---'"))
    if meta is None:
        return None, end + 1
    return RawBlock(kind, number, meta, body), end + 1


def _block_meta(path, kind, text, first_line, errors) -> dict | None:
    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        errors.append(ContentError(path, line, f"the metadata of ':::{kind}' is not valid YAML: {_problem(error)}"))
        return None
    if not isinstance(meta, dict):
        errors.append(ContentError(path, first_line, f"the metadata of ':::{kind}' must be 'key: value' lines"))
        return None
    required, optional = BLOCK_KEYS[kind]
    ok = True
    for key in sorted(required - meta.keys()):
        errors.append(ContentError(path, first_line - 1, f"':::{kind}' is missing '{key}'"))
        ok = False
    for key in sorted(meta.keys() - required - optional, key=str):
        errors.append(ContentError(path, first_line + _key_line(text, key), f"':::{kind}' has unknown key '{key}'"))
        ok = False
    return _check_values(path, kind, meta, text, first_line, errors) if ok else None


def _check_values(path, kind, meta, text, first_line, errors) -> dict | None:
    problems = []
    if "id" in meta and not (isinstance(meta["id"], str) and ID_PATTERN.match(meta["id"])):
        problems.append(("id", "an id is lower-case letters, digits and hyphens"))
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        problems.append(("title", "a title is required"))
    if kind == "exercise":
        if meta["mode"] not in EXERCISE_MODES:
            problems.append(("mode", f"mode is one of {', '.join(sorted(EXERCISE_MODES))}"))
        if meta["setting"] not in EXERCISE_SETTINGS:
            problems.append(("setting", f"setting is one of {', '.join(sorted(EXERCISE_SETTINGS))}"))
        if not isinstance(meta["minutes"], int) or isinstance(meta["minutes"], bool) or meta["minutes"] <= 0:
            problems.append(("minutes", "minutes is a whole number above 0"))
    if kind == "case-study":
        sdgs = meta["sdgs"]
        if not isinstance(sdgs, list) or not all(isinstance(n, int) and 1 <= n <= 17 for n in sdgs):
            problems.append(("sdgs", "sdgs is a list of SDG numbers from 1 to 17, e.g. [11, 17]"))
    for key, message in problems:
        errors.append(ContentError(path, first_line + _key_line(text, key), f"':::{kind}': {message}"))
    return None if problems else meta


def _key_line(text: str, key: str) -> int:
    for index, line in enumerate(text.split("\n")):
        if line.startswith(f"{key}:"):
            return index
    return 0


def _problem(error: yaml.YAMLError) -> str:
    return getattr(error, "problem", None) or str(error).split("\n")[0]
