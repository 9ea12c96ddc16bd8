"""A course of any size for the bench scripts, inserted in bulk into a migrated database.

One course (Module 4, three live sessions: day 1 a week ago, days 2 and 3 ahead) with a trainer
and N participants in organisations of several countries, names in several scripts, breakout
groups of about ten, a spread of self-study progress (sections, opened and completed chapters,
individual answers) and day 1's attendance. The same N always gives the same rows.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

PASSWORD = "bench-password-1"
COUNTRIES = ["ID", "PH", "NP", "TH", "IN", "PK", "VN"]
# Given names in the scripts the course meets, so the name sort (Unicode Collation Algorithm) has real work.
GIVEN = ["Sita", "Maria", "Nguyễn", "สุดารัตน์", "राम", "محمد", "Ayu", "Zaid", "王小明", "Ömer", "anh", "Élise"]


@dataclass(frozen=True)
class Seeded:
    participants: int
    course_id: int
    trainer_email: str
    participant_email: str  # a participant with progress, a group and a calendar feed
    participant_id: int
    feed_token: str


def participant_email(i: int) -> str:
    return f"p{i}@bench.example.org"


def seed(database_url: str, participants: int, secret_key: str, progress: bool = True) -> Seeded:
    """Empty the course tables and insert a course with `participants` people (bulk INSERTs, one commit).

    :param secret_key: the server's SECRET_KEY, which signs the calendar feed link returned.
    :param progress: False leaves progress and attendance empty (for the concurrent-marks check).
    """
    from sqlalchemy import delete, insert, text
    from werkzeug.security import generate_password_hash

    from config import TestingConfig
    from trainer import create_app
    from trainer.accounts.models import Organisation, User
    from trainer.content.registry import get_registry
    from trainer.courses.models import Course, CourseStatus, Enrolment
    from trainer.extensions import db
    from trainer.groups.models import BreakoutGroup, GroupMember
    from trainer.progress.models import Attendance, ChapterProgress, ExerciseAnswer, SectionProgress
    from trainer.progress.study import individual_exercises
    from trainer.schedule.calendars import feed_token
    from trainer.schedule.models import LiveSession
    from trainer.schedule.planning import SessionDraft
    from trainer.schedule.services import save_session

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret_key})
    with app.app_context():
        for model in (
            GroupMember,
            BreakoutGroup,
            SectionProgress,
            ChapterProgress,
            ExerciseAnswer,
            Attendance,
            LiveSession,
            Enrolment,
            User,
            Organisation,
            Course,
        ):
            db.session.execute(delete(model))
        # A cheap hash: the bench signs people in, it does not measure scrypt.
        password = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        now = datetime.now(UTC)
        db.session.add(
            Course(
                id=1,
                title="Bench course",
                module_slug="module-4",
                timezone="Asia/Jakarta",
                status=CourseStatus.RUNNING,
                created_at=now - timedelta(days=30),
            )
        )
        organisations = max(5, min(250, participants // 20))
        db.session.execute(
            insert(Organisation),
            [
                {
                    "id": i,
                    "name": f"City {i:03d}",
                    "normalised_name": f"city {i:03d}",
                    "country": COUNTRIES[i % 7],
                    "kind": "city",
                    "created_at": now,
                }
                for i in range(1, organisations + 1)
            ],
        )
        users = [
            {
                "id": 1,
                "email": "trainer@bench.example.org",
                "name": "Trainer",
                "password_hash": password,
                "created_at": now,
                "is_coordinator": False,
                "active": True,
                "position": "",
                "is_focal_point": False,
            }
        ]
        users += [
            {
                "id": i + 2,
                "email": participant_email(i),
                "name": f"{GIVEN[i % len(GIVEN)]} {i:05d}",
                "password_hash": password,
                "created_at": now,
                "country": COUNTRIES[i % 7],
                "organisation_id": i % organisations + 1,
                "is_coordinator": False,
                "active": True,
                "position": "",
                "is_focal_point": i % 3 == 0,
            }
            for i in range(participants)
        ]
        db.session.execute(insert(User), users)
        db.session.execute(
            insert(Enrolment),
            [
                {
                    "course_id": 1,
                    "user_id": u["id"],
                    "role": "trainer" if u["id"] == 1 else "participant",
                    "created_at": now,
                }
                for u in users
            ],
        )
        module = get_registry().module("module-4")
        chapters = module.chapters
        course = db.session.get(Course, 1)
        today = now.date()
        sessions = [
            save_session(course, SessionDraft(f"Day {n}", day, time(13), time(16), tuple(c.slug for c in pair)))
            for n, day, pair in (
                (1, today - timedelta(days=7), chapters[0:2]),
                (2, today + timedelta(days=14), chapters[2:4]),
                (3, today + timedelta(days=15), chapters[4:6]),
            )
        ]
        # Groups of about ten, mixed as the automatic forming would (every tenth person together).
        groups = max(1, participants // 10)
        db.session.execute(
            insert(BreakoutGroup),
            [
                {"id": g + 1, "course_id": 1, "name": f"Group {g + 1}", "position": g, "created_at": now}
                for g in range(groups)
            ],
        )
        db.session.execute(
            insert(GroupMember),
            [{"course_id": 1, "group_id": i % groups + 1, "user_id": u["id"]} for i, u in enumerate(users[1:])],
        )
        marks, opened, answers, present = [], [], [], []
        statuses = ["present", "present", "late", "left_early", "absent"]
        for i, u in enumerate(users[1:] if progress else []):
            # 0 to 6 chapters studied; the last one studied is half done (in progress).
            studied = i % 7
            for n, chapter in enumerate(chapters[:studied]):
                sections = chapter.sections if n < studied - 1 else chapter.sections[: len(chapter.sections) // 2]
                marks += [
                    {
                        "user_id": u["id"],
                        "module_slug": "module-4",
                        "chapter_slug": chapter.slug,
                        "section_id": s.id,
                        "version": chapter.version,
                        "done_at": now,
                    }
                    for s in sections
                ]
                complete = n < studied - 1 and i % 2 == 0
                if complete:
                    answers += [
                        {
                            "user_id": u["id"],
                            "module_slug": "module-4",
                            "exercise_id": e.id,
                            "text": "Our city's answer.",
                            "updated_at": now,
                        }
                        for e in individual_exercises(chapter)
                    ]
                opened.append(
                    {
                        "user_id": u["id"],
                        "module_slug": "module-4",
                        "chapter_slug": chapter.slug,
                        "first_opened_at": now - timedelta(days=10),
                        "completed_at": now if complete else None,
                        "completed_version": chapter.version if complete else None,
                    }
                )
            present.append(
                {
                    "session_id": sessions[0].id,
                    "user_id": u["id"],
                    "status": statuses[i % 5],
                    "minutes": [180, 170, 150, 90, 0][i % 5],
                    "source": "zoom",
                    "updated_at": now,
                }
            )
        for table, rows in (
            (SectionProgress, marks),
            (ChapterProgress, opened),
            (ExerciseAnswer, answers),
            (Attendance, present),
        ):
            for start in range(0, len(rows), 10_000):
                db.session.execute(insert(table), rows[start : start + 10_000])
        # The participant used for the course page, the feed and progress marks: index 5 has studied
        # five chapters (some progress, a group, and attendance).
        chosen = db.session.get(User, 7)
        token = feed_token(chosen)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does shortly after a bulk load: planner statistics for the new rows.
            # (SQLite gets none: the app never runs ANALYZE there, so the bench does not either.)
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        db.engine.dispose()
    return Seeded(participants, 1, "trainer@bench.example.org", participant_email(5), 7, token)
