"""Self-study progress: sections marked as studied, chapters opened and completed, answers.

A chapter is complete when every section is marked and every individual exercise is answered.
Writes are idempotent upserts, so two clicks at once (or two hundred people) never collide. A write
locks the person's row for the chapter before it reads what is marked, so two boxes ticked at once
each see the other and the completion they record is right.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, Text, and_, case, delete, func, literal, null, or_, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from trainer.content.models import Chapter, Module
from trainer.dbtypes import UTCDateTime, utcnow
from trainer.extensions import db
from trainer.progress.models import ChapterProgress, ExerciseAnswer, SectionProgress

MAX_ANSWER = 5000


def _insert_ignoring_duplicates(model, values: dict, keys: list[str]) -> None:
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=keys))


def individual_exercises(chapter: Chapter) -> list:
    """The exercises a participant answers on their own in the platform."""
    return [e for e in chapter.exercises if e.mode == "individual"]


def units(chapter: Chapter) -> int:
    return len(chapter.sections) + len(individual_exercises(chapter))


def record_opened(user_id: int, chapter: Chapter) -> None:
    _insert_ignoring_duplicates(
        ChapterProgress,
        {
            "user_id": user_id,
            "module_slug": chapter.module_slug,
            "chapter_slug": chapter.slug,
            "first_opened_at": utcnow(),
        },
        ["user_id", "module_slug", "chapter_slug"],
    )


def _lock_chapter(user_id: int, chapter: Chapter) -> None:
    """Open the chapter (if needed) and lock its progress row until the commit.

    Without it, on PostgreSQL, two marks at once each counted without the other's (read committed),
    and the chapter's last two sections ticked together left it "not completed". SQLite already lets
    one writer at a time in, so there FOR UPDATE is left out by SQLAlchemy.
    """
    record_opened(user_id, chapter)
    db.session.execute(
        select(ChapterProgress.id)
        .where(
            ChapterProgress.user_id == user_id,
            ChapterProgress.module_slug == chapter.module_slug,
            ChapterProgress.chapter_slug == chapter.slug,
        )
        .with_for_update()
    )


def mark_section(user_id: int, chapter: Chapter, section_id: str, done: bool) -> None:
    if section_id not in {section.id for section in chapter.sections}:
        raise ValueError(f"no section {section_id!r} in chapter {chapter.slug!r}")
    _lock_chapter(user_id, chapter)
    if done:
        _insert_ignoring_duplicates(
            SectionProgress,
            {
                "user_id": user_id,
                "module_slug": chapter.module_slug,
                "chapter_slug": chapter.slug,
                "section_id": section_id,
                "version": chapter.version,
                "done_at": utcnow(),
            },
            ["user_id", "module_slug", "chapter_slug", "section_id"],
        )
    else:
        db.session.execute(
            delete(SectionProgress).where(
                SectionProgress.user_id == user_id,
                SectionProgress.module_slug == chapter.module_slug,
                SectionProgress.chapter_slug == chapter.slug,
                SectionProgress.section_id == section_id,
            )
        )
    refresh_completion(user_id, chapter)


def save_answer(user_id: int, chapter: Chapter, exercise_id: str, text: str) -> None:
    if exercise_id not in {e.id for e in individual_exercises(chapter)}:
        raise ValueError(f"no individual exercise {exercise_id!r} in chapter {chapter.slug!r}")
    text = text.strip()[:MAX_ANSWER]
    _lock_chapter(user_id, chapter)
    answer = db.session.scalar(
        select(ExerciseAnswer).where(
            ExerciseAnswer.user_id == user_id,
            ExerciseAnswer.module_slug == chapter.module_slug,
            ExerciseAnswer.exercise_id == exercise_id,
        )
    )
    if not text:
        if answer is not None:
            db.session.delete(answer)
    elif answer is None:
        _insert_ignoring_duplicates(
            ExerciseAnswer,
            {
                "user_id": user_id,
                "module_slug": chapter.module_slug,
                "exercise_id": exercise_id,
                "text": text,
                "updated_at": utcnow(),
            },
            ["user_id", "module_slug", "exercise_id"],
        )
    else:
        answer.text, answer.updated_at = text, utcnow()
    db.session.flush()
    refresh_completion(user_id, chapter)


def refresh_completion(user_id: int, chapter: Chapter) -> None:
    """Record (or clear) the chapter's completion from what is marked and answered now."""
    state = reader_state(user_id, chapter.module_slug, [chapter])[chapter.slug]
    progress = db.session.scalar(
        select(ChapterProgress).where(
            ChapterProgress.user_id == user_id,
            ChapterProgress.module_slug == chapter.module_slug,
            ChapterProgress.chapter_slug == chapter.slug,
        )
    )
    if state.complete and progress.completed_at is None:
        progress.completed_at, progress.completed_version = utcnow(), chapter.version
    elif not state.complete:
        progress.completed_at = progress.completed_version = None
    db.session.flush()


@dataclass
class ChapterState:
    """One reader's progress in one chapter."""

    total: int
    sections: set[str] = field(default_factory=set)
    answers: dict[str, str] = field(default_factory=dict)
    opened_at: datetime | None = None
    completed_at: datetime | None = None
    completed_version: str | None = None
    current_version: str | None = None
    counted: int = 0  # units counted by an aggregate query (dashboards) rather than listed

    @property
    def done(self) -> int:
        return min(self.total, len(self.sections) + len(self.answers) + self.counted)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total

    @property
    def status(self) -> str:
        if self.complete:
            return "done"
        return "in_progress" if self.done or self.opened_at else "not_started"

    @property
    def changed_since_completed(self) -> bool:
        """Completed on an older text of the chapter."""
        return bool(self.completed_version and self.current_version and self.completed_version != self.current_version)


def reader_state(user_id: int, module_slug: str, chapters: list[Chapter]) -> dict[str, ChapterState]:
    """Progress in these chapters of a module, for one person, in one query.

    The chapter page, the course page and every progress mark read this: its three tables come
    back in one UNION ALL (one round trip, one statement to prepare) rather than three queries."""
    states = {c.slug: ChapterState(units(c), current_version=c.version) for c in chapters}
    valid_sections = {c.slug: {s.id for s in c.sections} for c in chapters}
    exercise_chapter = {e.id: c.slug for c in chapters for e in individual_exercises(c)}
    no_text, no_time = null().cast(Text), null().cast(UTCDateTime)
    # Rows of (kind, chapter or exercise, section, answer, opened, completed, completed version).
    # The chapter rows come first so that the union's columns take their types (UTC datetimes).
    rows = union_all(
        select(
            literal("chapter").label("kind"),
            ChapterProgress.chapter_slug,
            no_text,
            no_text,
            ChapterProgress.first_opened_at,
            ChapterProgress.completed_at,
            ChapterProgress.completed_version,
        ).where(ChapterProgress.user_id == user_id, ChapterProgress.module_slug == module_slug),
        select(
            literal("section"),
            SectionProgress.chapter_slug,
            SectionProgress.section_id,
            no_text,
            no_time,
            no_time,
            no_text,
        ).where(SectionProgress.user_id == user_id, SectionProgress.module_slug == module_slug),
        select(
            literal("answer"), ExerciseAnswer.exercise_id, no_text, ExerciseAnswer.text, no_time, no_time, no_text
        ).where(ExerciseAnswer.user_id == user_id, ExerciseAnswer.module_slug == module_slug),
    )
    for kind, slug, section_id, text, opened, completed, version in db.session.execute(rows):
        if kind == "section":
            if section_id in valid_sections.get(slug, ()):
                states[slug].sections.add(section_id)
        elif kind == "answer":
            if slug in exercise_chapter:
                states[exercise_chapter[slug]].answers[slug] = text
        elif slug in states:
            state = states[slug]
            state.opened_at, state.completed_at, state.completed_version = opened, completed, version
    return states


def module_percent(states: dict[str, ChapterState]) -> int:
    total = sum(s.total for s in states.values())
    return round(100 * sum(s.done for s in states.values()) / total) if total else 0


def progress_by_user(module: Module, user_ids: list[int], scope=None) -> dict[int, dict[str, ChapterState]]:
    """Everyone's progress in a module, for dashboards, in three queries whatever their number.

    :param scope: a SELECT of the same user ids, used in the queries instead of a long IN list.
    """
    chapters = list(module.chapters)
    result = {uid: {c.slug: ChapterState(units(c), current_version=c.version) for c in chapters} for uid in user_ids}
    if not user_ids:
        return result
    ids = scope if scope is not None else user_ids
    valid_sections = {c.slug: {s.id for s in c.sections} for c in chapters}
    exercise_chapter = {e.id: c.slug for c in chapters for e in individual_exercises(c)}
    for uid, chapter_slug, section_id in db.session.execute(
        select(SectionProgress.user_id, SectionProgress.chapter_slug, SectionProgress.section_id).where(
            SectionProgress.module_slug == module.slug, SectionProgress.user_id.in_(ids)
        )
    ):
        if uid in result and section_id in valid_sections.get(chapter_slug, ()):
            result[uid][chapter_slug].sections.add(section_id)
    for uid, exercise_id in db.session.execute(
        select(ExerciseAnswer.user_id, ExerciseAnswer.exercise_id).where(
            ExerciseAnswer.module_slug == module.slug, ExerciseAnswer.user_id.in_(ids)
        )
    ):
        if uid in result and exercise_id in exercise_chapter:
            result[uid][exercise_chapter[exercise_id]].answers[exercise_id] = ""
    for row in db.session.scalars(
        select(ChapterProgress).where(ChapterProgress.module_slug == module.slug, ChapterProgress.user_id.in_(ids))
    ):
        if row.user_id in result and row.chapter_slug in result[row.user_id]:
            state = result[row.user_id][row.chapter_slug]
            state.opened_at, state.completed_at = row.first_opened_at, row.completed_at
            state.completed_version = row.completed_version
    return result


def count_marks() -> int:
    return db.session.scalar(select(func.count(SectionProgress.id))) or 0


def progress_counts(module: Module, scope, user_ids: list[int]) -> dict[int, dict[str, ChapterState]]:
    """Like progress_by_user, from GROUP BY counts: for dashboards of thousands of people."""
    chapters = list(module.chapters)
    result = {uid: {c.slug: ChapterState(units(c), current_version=c.version) for c in chapters} for uid in user_ids}
    if not chapters or not user_ids:
        return result
    valid = or_(
        *(
            and_(SectionProgress.chapter_slug == c.slug, SectionProgress.section_id.in_([s.id for s in c.sections]))
            for c in chapters
            if c.sections
        )
    )
    rows = db.session.execute(
        select(SectionProgress.user_id, SectionProgress.chapter_slug, func.count())
        .where(SectionProgress.module_slug == module.slug, SectionProgress.user_id.in_(scope), valid)
        .group_by(SectionProgress.user_id, SectionProgress.chapter_slug)
    )
    for uid, slug, count in rows:
        if uid in result:
            result[uid][slug].counted += count
    exercise_chapter = {e.id: c.slug for c in chapters for e in individual_exercises(c)}
    if exercise_chapter:
        for uid, exercise_id in db.session.execute(
            select(ExerciseAnswer.user_id, ExerciseAnswer.exercise_id).where(
                ExerciseAnswer.module_slug == module.slug,
                ExerciseAnswer.user_id.in_(scope),
                ExerciseAnswer.exercise_id.in_(list(exercise_chapter)),
            )
        ):
            if uid in result:
                result[uid][exercise_chapter[exercise_id]].counted += 1
    for uid, slug, opened, completed, version in db.session.execute(
        select(
            ChapterProgress.user_id,
            ChapterProgress.chapter_slug,
            ChapterProgress.first_opened_at,
            ChapterProgress.completed_at,
            ChapterProgress.completed_version,
        ).where(ChapterProgress.module_slug == module.slug, ChapterProgress.user_id.in_(scope))
    ):
        if uid in result and slug in result[uid]:
            state = result[uid][slug]
            state.opened_at, state.completed_at, state.completed_version = opened, completed, version
    return result


# -- aggregates in SQL, for dashboards of thousands: a few rows back whatever the number of people --


def _unit_selects(module: Module, scope) -> list:
    """SELECTs of (user_id, chapter_slug, unit), one row per valid section marked (unit 1) and per
    individual exercise answered (unit 1), for users in `scope`; marks of sections or exercises
    no longer in the text are left out, as reader_state leaves them out."""
    chapters = list(module.chapters)
    selects = []
    valid = [
        and_(SectionProgress.chapter_slug == c.slug, SectionProgress.section_id.in_([s.id for s in c.sections]))
        for c in chapters
        if c.sections
    ]
    if valid:
        selects.append(
            select(
                SectionProgress.user_id.label("user_id"),
                SectionProgress.chapter_slug.label("chapter_slug"),
                literal(1, Integer).label("unit"),
            ).where(SectionProgress.module_slug == module.slug, SectionProgress.user_id.in_(scope), or_(*valid))
        )
    exercise_chapter = {e.id: c.slug for c in chapters for e in individual_exercises(c)}
    if exercise_chapter:
        selects.append(
            select(
                ExerciseAnswer.user_id.label("user_id"),
                case(exercise_chapter, value=ExerciseAnswer.exercise_id).label("chapter_slug"),
                literal(1, Integer).label("unit"),
            ).where(
                ExerciseAnswer.module_slug == module.slug,
                ExerciseAnswer.user_id.in_(scope),
                ExerciseAnswer.exercise_id.in_(list(exercise_chapter)),
            )
        )
    return selects


def total_units(module: Module) -> int:
    return sum(units(c) for c in module.chapters)


def units_done_by_user(module: Module, scope) -> dict[int, int]:
    """Sections marked plus exercises answered in the whole module, per user (absent: none).

    A module's percent is round(100 * done / total_units) (a chapter cannot count more than its
    units: the unique constraints allow one row per section and per exercise)."""
    selects = _unit_selects(module, scope)
    if not selects:
        return {}
    rows = union_all(*selects).subquery()
    return dict(db.session.execute(select(rows.c.user_id, func.count()).group_by(rows.c.user_id)).all())


def chapter_status_totals(module: Module, scope, people: int) -> dict[str, dict[str, int]]:
    """How many of `scope` (`people` in all) have each chapter done, in progress and not started,
    counted by the database in one query (the same statuses as ChapterState.status)."""
    chapters = list(module.chapters)
    totals = {c.slug: {"done": 0, "in_progress": 0, "not_started": people} for c in chapters}
    if not chapters:
        return totals
    opened = select(
        ChapterProgress.user_id.label("user_id"),
        ChapterProgress.chapter_slug.label("chapter_slug"),
        literal(0, Integer).label("unit"),
    ).where(
        ChapterProgress.module_slug == module.slug,
        ChapterProgress.user_id.in_(scope),
        ChapterProgress.chapter_slug.in_([c.slug for c in chapters]),
    )
    touched = union_all(*_unit_selects(module, scope), opened).subquery()
    # One row per (person, chapter) opened or studied, with the units done there.
    per_person = (
        select(touched.c.chapter_slug, func.sum(touched.c.unit).label("done"))
        .group_by(touched.c.user_id, touched.c.chapter_slug)
        .subquery()
    )
    needed = case({c.slug: units(c) for c in chapters}, value=per_person.c.chapter_slug, else_=0)
    complete = case((and_(needed > 0, per_person.c.done >= needed), 1), else_=0)
    for slug, done, touched_count in db.session.execute(
        select(per_person.c.chapter_slug, func.sum(complete), func.count()).group_by(per_person.c.chapter_slug)
    ):
        done = int(done or 0)
        totals[slug] = {"done": done, "in_progress": touched_count - done, "not_started": people - touched_count}
    return totals
