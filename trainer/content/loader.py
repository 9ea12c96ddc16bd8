"""Load a module folder into immutable objects, or report every problem with file and line.

Loading renders all Markdown; nothing here runs per request. The format is documented in
docs/content-format.md.
"""

import hashlib
import html as html_lib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from trainer.content import markdown as md
from trainer.content.blocks import ID_PATTERN, PLACEHOLDER_HTML, RawBlock, SplitBody, split_blocks
from trainer.content.models import (
    CaseStudy,
    Chapter,
    ContentError,
    ContentInvalid,
    Exercise,
    HtmlPart,
    KeyTerm,
    Module,
    Part,
    Section,
    Tip,
    TocEntry,
)

MODULE_FILE = "module.yml"
MODULE_KEYS = ({"slug", "title", "summary", "version", "language", "authors", "sources"}, {"number"})
CHAPTER_KEYS = (
    {
        "number",
        "slug",
        "title",
        "short_title",
        "summary",
        "study_minutes",
        "objectives",
        "key_terms",
        "sources",
    },
    set(),
)
RESERVED_SLUGS = {"print"}  # taken by the module's own pages
CHAPTER_FILE = re.compile(r"^(\d+)-([a-z0-9-]+)\.md$")
NOTES_FILE = re.compile(r"^(\d+)-([a-z0-9-]+)\.notes\.md$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{#([^}\s]+)\})?\s*$")
_LINK = re.compile(r"\]\((\d+-[a-z0-9-]+\.md)(?:#([^)\s]+))?\)")
_FENCE = re.compile(r"^(```|~~~)")
_IDS = re.compile(r'\bid="([^"]+)"')
_FOOTNOTE_IDS = re.compile(r'(id="|href="#)(fn|fnref):')
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class _Draft:
    """A chapter file read and checked, not yet rendered."""

    path: Path
    meta: dict
    key_lines: dict[str, int]
    split: SplitBody
    source: bytes
    links: list[tuple[int, str, str | None]] = field(default_factory=list)  # line, file, anchor


def load_modules(root: Path) -> dict[str, Module]:
    """Every module folder under `root`, by slug. Raises ContentInvalid listing all problems."""
    errors: list[ContentError] = []
    modules: dict[str, Module] = {}
    if not root.is_dir():
        raise ContentInvalid([ContentError(root, 0, "the modules folder does not exist")])
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        try:
            module = load_module(folder)
        except ContentInvalid as invalid:
            errors.extend(invalid.errors)
        else:
            modules[module.slug] = module
    if errors:
        raise ContentInvalid(errors)
    return modules


def load_module(folder: Path) -> Module:
    errors: list[ContentError] = []
    meta = _read_module_meta(folder, errors)
    drafts, notes = _read_chapter_files(folder, errors)
    _check_numbering(drafts, errors)
    chapters = [_render_chapter(folder.name, draft, notes.get(draft.meta["number"]), errors) for draft in drafts]
    _check_links(drafts, chapters, errors)
    _check_unique_block_ids(drafts, errors)
    localized, translations = _load_languages(folder, chapters, errors)
    if errors or meta is None:
        raise ContentInvalid(errors)
    return Module(
        slug=meta["slug"],
        title=meta["title"],
        number=meta.get("number"),
        summary=meta["summary"],
        version=str(meta["version"]),
        language=meta["language"],
        authors=tuple(meta["authors"]),
        sources_html=tuple(md.render_inline(source) for source in meta["sources"]),
        chapters=tuple(chapters),
        path=folder,
        localized=localized,
        translations=translations,
    )


# -- reading and checking files ------------------------------------------------------------


def _read_yaml(path: Path, text: str, first_line: int, errors) -> tuple[dict | None, dict[str, int]]:
    """Parse a YAML mapping; also return the file line of each top-level key."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        errors.append(ContentError(path, line, f"invalid YAML: {getattr(error, 'problem', error)}"))
        return None, {}
    if not isinstance(data, dict):
        errors.append(ContentError(path, first_line, "expected 'key: value' lines"))
        return None, {}
    key_lines = {key.value: first_line + key.start_mark.line for key, _ in node.value}
    return data, key_lines


def _check_keys(path: Path, data: dict, key_lines, keys, where: str, errors) -> bool:
    required, optional = keys
    before = len(errors)
    for key in sorted(required - data.keys()):
        errors.append(ContentError(path, 1, f"{where} is missing the key '{key}'"))
    for key in sorted(data.keys() - required - optional, key=str):
        errors.append(ContentError(path, key_lines.get(key, 1), f"{where} has an unknown key '{key}'"))
    return len(errors) == before


def _read_module_meta(folder: Path, errors) -> dict | None:
    path = folder / MODULE_FILE
    if not path.is_file():
        errors.append(ContentError(path, 0, "every module folder needs a module.yml"))
        return None
    data, key_lines = _read_yaml(path, path.read_text(encoding="utf-8"), 1, errors)
    if data is None or not _check_keys(path, data, key_lines, MODULE_KEYS, "module.yml", errors):
        return None
    if data["slug"] != folder.name:
        errors.append(
            ContentError(path, key_lines["slug"], f"slug '{data['slug']}' must be the folder's name '{folder.name}'")
        )
    for key in ("authors", "sources"):
        if not isinstance(data[key], list) or not all(isinstance(item, str) for item in data[key]):
            errors.append(ContentError(path, key_lines[key], f"'{key}' must be a list of text lines"))
    return data


def _read_chapter_files(folder: Path, errors) -> tuple[list[_Draft], dict[int, tuple[Path, str]]]:
    drafts: list[_Draft] = []
    notes: dict[int, tuple[Path, str]] = {}
    for path in sorted(folder.glob("*.md")):
        if notes_match := NOTES_FILE.match(path.name):
            notes[int(notes_match.group(1))] = (path, path.read_text(encoding="utf-8"))
        elif CHAPTER_FILE.match(path.name):
            draft = _read_chapter(path, errors)
            if draft is not None:
                drafts.append(draft)
        elif path.name.lower() != "readme.md":
            errors.append(ContentError(path, 0, "not a chapter file: name it NN-slug.md (or NN-slug.notes.md)"))
    numbers = {draft.meta["number"] for draft in drafts}
    for number, (path, _) in notes.items():
        if number not in numbers:
            errors.append(ContentError(path, 0, f"trainer notes for chapter {number}, which does not exist"))
    return drafts, notes


def _read_chapter(path: Path, errors) -> _Draft | None:
    source = path.read_bytes()
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as error:
        line = source[: error.start].count(b"\n") + 1
        errors.append(ContentError(path, line, "the file is not UTF-8 text"))
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        errors.append(ContentError(path, 1, "a chapter starts with '---' and its YAML front matter"))
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        errors.append(ContentError(path, 1, "the front matter is never closed with '---'"))
        return None
    meta, key_lines = _read_yaml(path, "\n".join(lines[1:end]), 2, errors)
    if meta is None or not _check_keys(path, meta, key_lines, CHAPTER_KEYS, "the front matter", errors):
        return None
    if not _check_chapter_values(path, meta, key_lines, errors):
        return None
    body_first_line = end + 2
    split = split_blocks(path, "\n".join(lines[end + 1 :]), body_first_line, errors)
    draft = _Draft(path, meta, key_lines, split, source)
    _scan_body(draft, errors)
    return draft


def _check_chapter_values(path: Path, meta: dict, key_lines, errors) -> bool:
    problems = []
    file_number, file_slug = CHAPTER_FILE.match(path.name).groups()
    if not isinstance(meta["number"], int) or meta["number"] < 1:
        problems.append(("number", "number is a whole number from 1"))
    elif meta["number"] != int(file_number):
        problems.append(("number", f"number {meta['number']} does not match the file name's {file_number}"))
    if not isinstance(meta["slug"], str) or not ID_PATTERN.match(meta["slug"]):
        problems.append(("slug", "slug is lower-case letters, digits and hyphens"))
    elif meta["slug"] != file_slug:
        problems.append(("slug", f"slug '{meta['slug']}' does not match the file name's '{file_slug}'"))
    elif meta["slug"] in RESERVED_SLUGS:
        problems.append(("slug", f"slug '{meta['slug']}' is reserved"))
    for key in ("title", "short_title", "summary"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            problems.append((key, f"{key} must be non-empty text"))
    if not isinstance(meta["study_minutes"], int) or meta["study_minutes"] <= 0:
        problems.append(("study_minutes", "study_minutes is a whole number above 0"))
    for key in ("objectives", "sources"):
        if not isinstance(meta[key], list) or not meta[key] or not all(isinstance(i, str) for i in meta[key]):
            problems.append((key, f"{key} must be a non-empty list of text lines"))
    terms = meta["key_terms"]
    if not isinstance(terms, list) or not all(isinstance(t, dict) and set(t) == {"term", "definition"} for t in terms):
        problems.append(("key_terms", "key_terms is a list of entries with 'term' and 'definition'"))
    for key, message in problems:
        errors.append(ContentError(path, key_lines.get(key, 1), message))
    return not problems


def _scan_body(draft: _Draft, errors) -> None:
    """Headings, empty sections and links, with the line numbers authors see."""
    in_fence = False
    section_line, section_has_content, seen_ids = None, False, {}
    for text, line in zip(draft.split.text.split("\n"), draft.split.line_numbers, strict=True):
        if _FENCE.match(text):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(text)
        if heading and len(heading.group(1)) <= 2:
            if len(heading.group(1)) == 1:
                errors.append(
                    ContentError(draft.path, line, "no '#' heading in a chapter: its title comes from the front matter")
                )
                continue
            if section_line is not None and not section_has_content:
                errors.append(ContentError(draft.path, section_line, "this section is empty"))
            section_line, section_has_content = line, False
            if anchor := heading.group(3):
                if anchor in seen_ids:
                    errors.append(
                        ContentError(
                            draft.path,
                            line,
                            f"section id '{anchor}' is already used on line {seen_ids[anchor]}",
                        )
                    )
                seen_ids[anchor] = line
            continue
        if text.strip():
            section_has_content = True
        for target, anchor in _LINK.findall(text):
            draft.links.append((line, target, anchor or None))
    if section_line is not None and not section_has_content:
        errors.append(ContentError(draft.path, section_line, "this section is empty"))
    for block in draft.split.blocks:
        for target, anchor in _LINK.findall(block.body):
            draft.links.append((block.line, target, anchor or None))


def _check_numbering(drafts: list[_Draft], errors) -> None:
    first_with: dict[int, _Draft] = {}
    slugs: dict[str, _Draft] = {}
    for draft in sorted(drafts, key=lambda d: d.path.name):
        number, slug = draft.meta["number"], draft.meta["slug"]
        if number in first_with:
            errors.append(
                ContentError(
                    draft.path,
                    draft.key_lines["number"],
                    f"chapter number {number} is also used by {first_with[number].path.name}",
                )
            )
        first_with.setdefault(number, draft)
        if slug in slugs:
            errors.append(
                ContentError(
                    draft.path,
                    draft.key_lines["slug"],
                    f"slug '{slug}' is also used by {slugs[slug].path.name}",
                )
            )
        slugs.setdefault(slug, draft)
    expected = 1
    for number in sorted(first_with):
        if number != expected:
            draft = first_with[number]
            missing = ", ".join(str(n) for n in range(expected, number))
            errors.append(
                ContentError(
                    draft.path,
                    draft.key_lines["number"],
                    f"chapter number(s) {missing} missing before chapter {number}",
                )
            )
        expected = number + 1
    drafts.sort(key=lambda d: d.meta["number"])


def _check_unique_block_ids(drafts: list[_Draft], errors) -> None:
    seen: dict[str, tuple[Path, int]] = {}
    for draft in drafts:
        for block in draft.split.blocks:
            block_id = block.meta.get("id")
            if block_id is None:
                continue
            if block_id in seen:
                path, line = seen[block_id]
                errors.append(
                    ContentError(draft.path, block.line, f"id '{block_id}' is already used in {path.name} line {line}")
                )
            else:
                seen[block_id] = (draft.path, block.line)


def _check_links(drafts: list[_Draft], chapters: list[Chapter], errors) -> None:
    anchors = {draft.path.name: _anchors(chapter) for draft, chapter in zip(drafts, chapters, strict=True)}
    for draft in drafts:
        for line, target, anchor in draft.links:
            if target not in anchors:
                errors.append(
                    ContentError(draft.path, line, f"link to '{target}', which is not a chapter of this module")
                )
            elif anchor is not None and anchor not in anchors[target]:
                errors.append(
                    ContentError(draft.path, line, f"link to '{target}#{anchor}': that chapter has no '{anchor}'")
                )


def _anchors(chapter: Chapter) -> set[str]:
    ids: set[str] = set()
    for part in chapter.parts:
        if isinstance(part, HtmlPart):
            ids.update(_IDS.findall(part.html))
        elif getattr(part, "id", None):
            ids.add(part.id)
    return ids


# -- other languages -----------------------------------------------------------------------

LANGUAGE_FOLDER = re.compile(r"^[a-z]{2,3}$")
LOCALIZED_KEYS = (set(), {"title", "summary"})


def _load_languages(folder: Path, originals: list[Chapter], errors) -> tuple[dict, dict]:
    """Chapters in other languages, in `<module>/<language>/`, each matching its original:
    same number, slug, section ids and block ids, so progress and links are the same."""
    localized, translations = {}, {}
    by_name = {chapter.source_path.name: chapter for chapter in originals}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and LANGUAGE_FOLDER.match(p.name)):
        meta_path = sub / MODULE_FILE
        if meta_path.is_file():
            data, key_lines = _read_yaml(meta_path, meta_path.read_text(encoding="utf-8"), 1, errors)
            if data is not None and _check_keys(meta_path, data, key_lines, LOCALIZED_KEYS, "module.yml", errors):
                localized[sub.name] = {key: str(value) for key, value in data.items()}
        chapters = {}
        for path in sorted(sub.glob("*.md")):
            original = by_name.get(path.name)
            if original is None:
                errors.append(ContentError(path, 0, f"no chapter {path.name} in the original language to translate"))
                continue
            draft = _read_chapter(path, errors)
            if draft is None:
                continue
            chapter = _render_chapter(folder.name, draft, None, errors)
            if _matches(path, draft, chapter, original, errors):
                chapters[chapter.slug] = chapter
        translations[sub.name] = chapters
    return localized, translations


def _matches(path: Path, draft: _Draft, chapter: Chapter, original: Chapter, errors) -> bool:
    before = len(errors)
    if [s.id for s in chapter.sections] != [s.id for s in original.sections]:
        errors.append(
            ContentError(
                path,
                1,
                "the sections' ids must be those of the original, in the same order: "
                + ", ".join(s.id for s in original.sections),
            )
        )
    ids = {getattr(p, "id", None) for p in chapter.parts} - {None}
    original_ids = {getattr(p, "id", None) for p in original.parts} - {None}
    if ids != original_ids:
        errors.append(
            ContentError(
                path,
                1,
                "the exercises and case studies must keep the original's ids: " + ", ".join(sorted(original_ids)),
            )
        )
    for line, target, _anchor in draft.links:
        if not CHAPTER_FILE.match(target):
            errors.append(ContentError(path, line, f"link to '{target}', which is not a chapter"))
    return len(errors) == before


# -- rendering -----------------------------------------------------------------------------


def _render_chapter(module_slug: str, draft: _Draft, notes, errors) -> Chapter:
    meta, number = draft.meta, draft.meta["number"]
    renderer = md.new_chapter_renderer()
    html = renderer.convert(draft.split.text)
    # Footnote ids must not collide when all chapters share one printable page.
    html = _FOOTNOTE_IDS.sub(rf"\1c{number}-\2-", html)
    html = md.sanitise_chapter_html(md.rewrite_chapter_links(html))
    blocks = [_render_block(block, meta["slug"]) for block in draft.split.blocks]
    parts = _split_parts(html, blocks)
    toc = tuple(_flatten_toc(renderer.toc_tokens))
    return Chapter(
        module_slug=module_slug,
        number=number,
        slug=meta["slug"],
        title=meta["title"].strip(),
        short_title=meta["short_title"].strip(),
        summary=meta["summary"].strip(),
        study_minutes=meta["study_minutes"],
        objectives=tuple(md.render_inline(o) for o in meta["objectives"]),
        key_terms=tuple(KeyTerm(str(t["term"]), str(t["definition"])) for t in meta["key_terms"]),
        sources_html=tuple(md.render_inline(source) for source in meta["sources"]),
        parts=parts,
        toc=toc,
        sections=tuple(Section(entry.id, entry.title) for entry in toc if entry.level == 2),
        exercises=tuple(b for b in blocks if isinstance(b, Exercise)),
        case_studies=tuple(b for b in blocks if isinstance(b, CaseStudy)),
        notes_html=_render_notes(notes),
        version=hashlib.sha256(draft.source).hexdigest()[:16],
        word_count=_count_words(parts),
        source_path=draft.path,
    )


def _render_block(block: RawBlock, chapter_slug: str) -> Exercise | CaseStudy | Tip:
    meta, body_html = block.meta, md.render_block_body(block.body)
    title = str(meta["title"]).strip()
    if block.kind == "exercise":
        return Exercise(
            meta["id"],
            title,
            meta["mode"],
            meta["setting"],
            meta["minutes"],
            str(meta["output"]).strip(),
            chapter_slug,
            body_html,
        )
    if block.kind == "case-study":
        return CaseStudy(meta["id"], title, str(meta["place"]).strip(), tuple(meta["sdgs"]), chapter_slug, body_html)
    return Tip(title, body_html, meta.get("id"))


def _split_parts(html: str, blocks: list) -> tuple[Part, ...]:
    parts: list[Part] = []
    position = 0
    for match in PLACEHOLDER_HTML.finditer(html):
        if before := html[position : match.start()].strip():
            parts.append(HtmlPart(before))
        parts.append(blocks[int(match.group(1))])
        position = match.end()
    if rest := html[position:].strip():
        parts.append(HtmlPart(rest))
    return tuple(parts)


def _flatten_toc(tokens: list[dict]) -> list[TocEntry]:
    entries = []
    for token in tokens:
        entries.append(TocEntry(token["id"], html_lib.unescape(token["name"]), token["level"]))
        entries.extend(_flatten_toc(token.get("children", [])))
    return entries


def _render_notes(notes: tuple[Path, str] | None) -> str | None:
    if notes is None:
        return None
    html = md.new_chapter_renderer().convert(notes[1])
    return md.sanitise_chapter_html(md.rewrite_chapter_links(html))


def _count_words(parts: tuple[Part, ...]) -> int:
    text = " ".join(getattr(part, "html", "") for part in parts)
    return len(html_lib.unescape(_TAGS.sub(" ", text)).split())
