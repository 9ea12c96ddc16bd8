"""Group exercises, the shared submission of each group, attachments and feedback.

Every save is a version. A save is based on the version the person was editing; if someone else
saved in between, it is refused and both texts are shown, so nobody's work is lost.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import filetype
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from trainer.accounts.models import User
from trainer.content.models import Module
from trainer.courses.models import Course
from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.groups.models import (
    Attachment,
    BreakoutGroup,
    Feedback,
    GroupExercise,
    GroupMember,
    Submission,
    SubmissionVersion,
)
from trainer.i18n import mail_language
from trainer.links import absolute_url
from trainer.mail.services import build_message, queue_mail

MAX_TEXT = 50_000
MAX_ATTACHMENT = 10 * 1024 * 1024
# Office documents, PDF, images and plain text: what groups hand in; nothing that runs.
ALLOWED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/plain": ".txt",
}


class WorkError(ValueError):
    """Something a person asked that cannot be done; the message is for them."""


@dataclass(frozen=True)
class Conflict:
    """Someone saved since this person started editing: both texts, to merge."""

    theirs: str
    their_version: int
    their_author: str | None
    yours: str


def open_exercise(
    course: Course,
    module: Module,
    exercise_id: str,
    due_at: datetime,
    *,
    session_id: int | None,
    instructions: str,
    by: int,
) -> GroupExercise:
    exercise = module.exercise(exercise_id)
    if exercise is None or exercise.mode != "group":
        raise WorkError(_("Choose a group exercise from the course material."))
    existing = db.session.scalar(
        select(GroupExercise).where(GroupExercise.course_id == course.id, GroupExercise.exercise_id == exercise_id)
    )
    if existing is not None:
        raise WorkError(_("This exercise is already open for the groups."))
    opened = GroupExercise(
        course_id=course.id,
        exercise_id=exercise_id,
        due_at=due_at,
        session_id=session_id,
        instructions=instructions.strip(),
        opened_by_id=by,
    )
    db.session.add(opened)
    db.session.flush()
    return opened


def list_exercises(course_id: int) -> list[GroupExercise]:
    return list(
        db.session.scalars(
            select(GroupExercise).where(GroupExercise.course_id == course_id).order_by(GroupExercise.due_at)
        )
    )


def get_exercise(course_id: int, group_exercise_id: int) -> GroupExercise | None:
    return db.session.scalar(
        select(GroupExercise).where(GroupExercise.course_id == course_id, GroupExercise.id == group_exercise_id)
    )


def submissions_by_exercise(course_id: int) -> dict[tuple[int, int], Submission]:
    """Every submission of the course by (group exercise, group), for where each stands: one query.
    Their texts are not read (reading one raises): the groups page and the nudges need the status only."""
    rows = db.session.scalars(
        select(Submission)
        .options(defer(Submission.text, raiseload=True))
        .join(GroupExercise, GroupExercise.id == Submission.group_exercise_id)
        .where(GroupExercise.course_id == course_id)
    )
    return {(s.group_exercise_id, s.group_id): s for s in rows}


@dataclass(frozen=True)
class ExerciseProgress:
    """Where the groups stand on one exercise, counted over every group of the course."""

    handed_in: int  # groups that saved at least one version
    reviewed: int
    waiting: list[BreakoutGroup]  # handed in, no feedback yet: the trainer's links to review


def progress_by_exercise(
    exercises: list[GroupExercise],
    groups: list[BreakoutGroup],
    submissions: dict[tuple[int, int], Submission],
) -> dict[int, ExerciseProgress]:
    """`submissions_by_exercise` summed up per exercise, for the groups page (no query)."""
    progress = {}
    for exercise in exercises:
        handed_in = [
            (group, sub)
            for group in groups
            if (sub := submissions.get((exercise.id, group.id))) is not None and sub.version
        ]
        progress[exercise.id] = ExerciseProgress(
            handed_in=len(handed_in),
            reviewed=sum(1 for _group, sub in handed_in if sub.reviewed_at),
            waiting=[group for group, sub in handed_in if not sub.reviewed_at],
        )
    return progress


def get_submission(exercise: GroupExercise, group: BreakoutGroup) -> Submission:
    """The group's submission, created empty on first use (flush only)."""
    submission = db.session.scalar(
        select(Submission).where(Submission.group_exercise_id == exercise.id, Submission.group_id == group.id)
    )
    if submission is None:
        submission = Submission(group_exercise_id=exercise.id, group_id=group.id, version=0, text="")
        db.session.add(submission)
        db.session.flush()
    return submission


def save(submission: Submission, text: str, base_version: int, author: User) -> Conflict | None:
    """Save a new version, or return the conflict when the text changed since `base_version`."""
    if len(text) > MAX_TEXT:
        raise WorkError(_("The text is longer than %(n)d characters.", n=MAX_TEXT))
    if base_version != submission.version:
        latest = db.session.scalar(
            select(SubmissionVersion)
            .options(selectinload(SubmissionVersion.author))
            .where(SubmissionVersion.submission_id == submission.id, SubmissionVersion.number == submission.version)
        )
        return Conflict(
            submission.text, submission.version, latest.author.name if latest and latest.author else None, text
        )
    submission.version += 1
    submission.text = text
    submission.updated_at = utcnow()
    submission.submitted_at = submission.submitted_at or submission.updated_at
    db.session.add(
        SubmissionVersion(
            submission_id=submission.id,
            number=submission.version,
            text=text,
            author_id=author.id,
            created_at=submission.updated_at,
        )
    )
    db.session.flush()
    return None


def versions(submission: Submission) -> list[SubmissionVersion]:
    return list(
        db.session.scalars(
            select(SubmissionVersion)
            .options(selectinload(SubmissionVersion.author))
            .where(SubmissionVersion.submission_id == submission.id)
            .order_by(SubmissionVersion.number.desc())
        )
    )


def upload_folder() -> Path:
    """Outside the web root, in the instance folder: files are served only through a checked view."""
    folder = Path(current_app.config["UPLOAD_DIR"] or Path(current_app.instance_path) / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def add_attachment(submission: Submission, filename: str, data: bytes, by: User) -> Attachment:
    if len(data) > MAX_ATTACHMENT:
        raise WorkError(_("Files can be up to 10 MB."))
    content_type = _content_type(data)
    if content_type not in ALLOWED:
        raise WorkError(_("Only PDF, Word, PowerPoint, Excel, PNG, JPEG and text files can be attached."))
    digest = hashlib.sha256(data).hexdigest()
    path = upload_folder() / digest
    if not path.exists():
        path.write_bytes(data)
    safe_name = Path(filename or "file").name[:150] or "file"
    if not safe_name.lower().endswith(ALLOWED[content_type]):
        safe_name += ALLOWED[content_type]
    attachment = Attachment(
        submission_id=submission.id,
        filename=safe_name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by_id=by.id,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _content_type(data: bytes) -> str | None:
    """From the bytes, not the name: a renamed program is still a program."""
    kind = filetype.guess(data)
    if kind is not None:
        if kind.mime == "application/zip":
            return None  # a bare zip (not an Office document) could hold anything
        return kind.mime
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain" if b"\x00" not in data else None


def attachments(submission_id: int) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment).where(Attachment.submission_id == submission_id).order_by(Attachment.created_at)
        )
    )


def attachment_path(attachment: Attachment) -> Path:
    return upload_folder() / attachment.sha256


def add_feedback(submission: Submission, text: str, by: User, course: Course, exercise_title: str) -> Feedback:
    """Feedback from a trainer marks the submission reviewed and emails the group's members."""
    feedback = Feedback(submission_id=submission.id, author_id=by.id, text=text.strip())
    db.session.add(feedback)
    submission.reviewed_at, submission.reviewed_by_id = utcnow(), by.id
    db.session.flush()
    members = db.session.scalars(
        select(User)
        .join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == submission.group_id)
    )
    link = absolute_url(
        "groups.submission", course_id=course.id, exercise_id=submission.group_exercise_id, group_id=submission.group_id
    )
    for member in members:
        with force_locale(mail_language(member, course.language)):
            subject = _("Feedback on your group's work: %(exercise)s", exercise=exercise_title)
            text_body = render_template(
                "mail/feedback.txt",
                user=member,
                trainer=by,
                exercise=exercise_title,
                feedback=feedback.text,
                link=link,
                site=current_app.config["SITE_NAME"],
            )
        queue_mail(
            build_message(member.email, member.name, subject, text_body),
            kind="feedback",
            user_id=member.id,
            course_id=course.id,
        )
    return feedback


def feedback_for(submission_id: int) -> list[Feedback]:
    return list(
        db.session.scalars(
            select(Feedback)
            .options(selectinload(Feedback.author))
            .where(Feedback.submission_id == submission_id)
            .order_by(Feedback.created_at)
        )
    )


def missing_group_work(course: Course, user_ids: list[int]) -> dict[int, list[str]]:
    """For the completion rule: each person's group exercises their group has not submitted."""
    exercises = list_exercises(course.id)
    if not exercises:
        return {}
    from trainer.content.registry import get_registry

    module = get_registry().module(course.module_slug)
    groups = dict(
        db.session.execute(
            select(GroupMember.user_id, GroupMember.group_id).where(GroupMember.course_id == course.id)
        ).all()
    )
    submitted = {key for key, s in submissions_by_exercise(course.id).items() if s.version > 0}
    missing: dict[int, list[str]] = {}
    for user_id in user_ids:
        for exercise in exercises:
            if (exercise.id, groups.get(user_id)) not in submitted:
                title = (
                    module.exercise(exercise.exercise_id).title
                    if module and module.exercise(exercise.exercise_id)
                    else exercise.exercise_id
                )
                missing.setdefault(user_id, []).append(_("group work: %(title)s", title=title))
    return missing
