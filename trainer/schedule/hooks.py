"""What the schedule does when other features change things."""

from flask import Flask

from trainer.courses.signals import enrolled


def _invite_newcomer(course, user) -> None:
    """People added to a course get the current version of every session still to come."""
    from trainer.schedule.invites import invite_to_upcoming_sessions

    invite_to_upcoming_sessions(course, user)


def init_app(app: Flask) -> None:
    # The same function connected again is kept once, however many apps are created.
    enrolled.connect(_invite_newcomer)
