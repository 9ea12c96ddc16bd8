"""Immutable course material, as loaded from a module folder. HTML is rendered once."""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ContentError:
    """A problem in a module's files, at a file and line, for an author to fix."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    """A module folder that cannot be loaded; `errors` lists every problem found."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass(frozen=True)
class KeyTerm:
    term: str
    definition: str


@dataclass(frozen=True)
class Section:
    """A `##` section: progress is recorded against its id."""

    id: str
    title: str


@dataclass(frozen=True)
class TocEntry:
    id: str
    title: str
    level: int


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    mode: str  # group | individual
    setting: str  # live | self-study | either
    minutes: int
    output: str
    chapter_slug: str
    html: str


@dataclass(frozen=True)
class CaseStudy:
    id: str
    title: str
    place: str
    sdgs: tuple[int, ...]
    chapter_slug: str
    html: str


@dataclass(frozen=True)
class Tip:
    title: str
    html: str
    id: str | None = None


@dataclass(frozen=True)
class HtmlPart:
    """Rendered Markdown between blocks."""

    html: str


# A chapter body is a sequence of parts; the template renders each kind.
Part = HtmlPart | Exercise | CaseStudy | Tip


@dataclass(frozen=True)
class Chapter:
    module_slug: str
    number: int
    slug: str
    title: str
    short_title: str
    summary: str
    study_minutes: int
    objectives: tuple[str, ...]
    key_terms: tuple[KeyTerm, ...]
    sources_html: tuple[str, ...]
    parts: tuple[Part, ...]
    toc: tuple[TocEntry, ...]
    sections: tuple[Section, ...]
    exercises: tuple[Exercise, ...]
    case_studies: tuple[CaseStudy, ...]
    notes_html: str | None
    version: str  # a hash of the chapter's source files: changes when the text does
    word_count: int
    source_path: Path


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    number: int | None
    summary: str
    version: str
    language: str
    authors: tuple[str, ...]
    sources_html: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    path: Path
    # Other languages: {"id": {"title": ..., "summary": ...}} and {"id": {slug: Chapter}}.
    localized: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)
    translations: dict[str, dict[str, Chapter]] = field(default_factory=dict, repr=False, compare=False)
    _by_slug: dict[str, Chapter] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_slug.update({chapter.slug: chapter for chapter in self.chapters})

    def chapter_in(self, slug: str, language: str) -> tuple[Chapter | None, bool]:
        """The chapter in the reader's language, or the original, and whether it fell back."""
        original = self._by_slug.get(slug)
        if original is None or language == self.language:
            return original, False
        translated = self.translations.get(language, {}).get(slug)
        return (translated, False) if translated else (original, True)

    def title_in(self, language: str) -> str:
        return self.localized.get(language, {}).get("title") or self.title

    def summary_in(self, language: str) -> str:
        return self.localized.get(language, {}).get("summary") or self.summary

    def chapter(self, slug: str) -> Chapter | None:
        return self._by_slug.get(slug)

    def neighbours(self, chapter: Chapter) -> tuple[Chapter | None, Chapter | None]:
        """The chapters before and after, by slug (so a translated chapter has them too)."""
        index = [c.slug for c in self.chapters].index(chapter.slug)
        previous = self.chapters[index - 1] if index > 0 else None
        following = self.chapters[index + 1] if index + 1 < len(self.chapters) else None
        return previous, following

    @property
    def study_minutes(self) -> int:
        return sum(chapter.study_minutes for chapter in self.chapters)

    def exercise(self, exercise_id: str) -> Exercise | None:
        for chapter in self.chapters:
            for exercise in chapter.exercises:
                if exercise.id == exercise_id:
                    return exercise
        return None
