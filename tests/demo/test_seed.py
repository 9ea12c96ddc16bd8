from sqlalchemy import func, select

from trainer.accounts.models import User
from trainer.courses.models import Course, Enrolment, EnrolmentRole
from trainer.demo import data
from trainer.extensions import db


def _counts():
    return (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Course.id))),
        db.session.scalar(select(func.count(Enrolment.id))),
    )


def test_seed_creates_a_course_shaped_like_november_2021_and_is_idempotent(app, runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert "coordinator@example.org" in result.output and data.DEMO_PASSWORD in result.output
    with app.app_context():
        first = _counts()
        main = db.session.scalar(select(Course.id).where(Course.title == data.COURSE_TITLE))
        participants = db.session.scalars(
            select(User).join(Enrolment).where(Enrolment.role == EnrolmentRole.PARTICIPANT, Enrolment.course_id == main)
        ).all()
        assert len(participants) == 30
        assert len({user.country for user in participants}) == 7
        assert {user.timezone for user in participants} >= {"Asia/Karachi", "Asia/Kathmandu", "Asia/Manila"}

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        assert _counts() == first


def test_demo_schedule_is_dated_around_today(app, runner):
    from datetime import UTC, datetime

    from trainer.schedule.models import LiveSession

    runner.invoke(args=["demo", "seed"])
    with app.app_context():
        main = db.session.scalar(select(Course.id).where(Course.title == data.COURSE_TITLE))
        sessions = db.session.scalars(
            select(LiveSession).where(LiveSession.course_id == main).order_by(LiveSession.starts_at)
        ).all()
        now = datetime.now(UTC)
        assert len(sessions) == 3
        assert sessions[0].ends_at < now < sessions[1].starts_at  # day 1 past, self-study under way
        assert (sessions[2].starts_at - sessions[1].starts_at).days == 1
        assert sessions[1].exercises  # live exercises planned for day 2
    with app.app_context():
        from trainer.schedule.services import list_sessions

        agendas = [session.agenda for session in list_sessions(sessions[0].course_id)]
        assert all(len(agenda) == 5 for agenda in agendas)
        assert {item.trainer.email for agenda in agendas for item in agenda} == {
            "trainer@example.org",
            "trainer2@example.org",
        }


def test_demo_sign_ins_work(app, runner, client):
    runner.invoke(args=["demo", "seed"])
    for email in ("coordinator@example.org", "trainer@example.org", "participant@example.org"):
        response = client.post("/accounts/login", data={"email": email, "password": data.DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/accounts/logout")


def test_demo_has_progress_attendance_and_trained_trainers(app, runner):
    from trainer.progress.models import Attendance, Certificate, SectionProgress

    runner.invoke(args=["demo", "seed"])
    with app.app_context():
        assert db.session.scalar(select(func.count(Attendance.id))) >= 25
        assert db.session.scalar(select(func.count(SectionProgress.id))) > 100
        assert db.session.scalar(select(func.count(Certificate.id))) == 3


def test_demo_has_balanced_groups_and_group_work(app, runner):
    from trainer.groups.models import BreakoutGroup, Feedback, GroupExercise, Submission

    runner.invoke(args=["demo", "seed"])
    with app.app_context():
        assert db.session.scalar(select(func.count(BreakoutGroup.id))) == 5
        assert db.session.scalar(select(func.count(GroupExercise.id))) == 2
        assert db.session.scalar(select(func.count(Submission.id)).where(Submission.version > 0)) == 5
        assert db.session.scalar(select(func.count(Feedback.id))) == 3


def test_demo_has_a_cascade_network(app, runner):
    from trainer.cascade.services import reach

    runner.invoke(args=["demo", "seed"])
    with app.app_context():
        result = reach()
        assert result.by_generation[2] == 4 + 18  # the Tongan cascade course and the Samoan workshop
