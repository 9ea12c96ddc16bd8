"""Test data for group work, shared by the group, upload and browser tests."""

from datetime import UTC, datetime

from trainer.content.registry import get_registry
from trainer.courses.models import Course
from trainer.groups import work
from trainer.groups.models import GroupExercise

CARD_GAME = "c1-principles-card-game"  # chapter 1's group exercise


def open_card_game(
    course: Course,
    due: datetime = datetime(2099, 12, 1, tzinfo=UTC),
    session_id: int | None = None,
    by: int | None = None,
) -> GroupExercise:
    """Chapter 1's group exercise, opened for the course (flushed, not committed)."""
    return work.open_exercise(
        course, get_registry().module("module-4"), CARD_GAME, due, session_id=session_id, instructions="", by=by
    )
