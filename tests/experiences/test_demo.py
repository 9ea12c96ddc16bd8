"""The demo's shared experiences: written by demo participants, seeded once however often it runs."""

from sqlalchemy import func, select

from trainer.content.registry import get_registry
from trainer.courses.services import get_course_by_title
from trainer.demo import data
from trainer.demo.seed import seed_demo
from trainer.experiences import cases
from trainer.experiences.demo import POSTS, seed_experiences
from trainer.experiences.models import ChapterCase, Comment, Experience
from trainer.extensions import db


def _counts(course_id: int) -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Experience.id)).where(Experience.course_id == course_id)),
        db.session.scalar(select(func.count(Comment.id)).join(Experience).where(Experience.course_id == course_id)),
        db.session.scalar(
            select(func.count(Experience.id)).where(Experience.course_id == course_id, Experience.highlighted)
        ),
    )


def test_seeding_experiences_is_idempotent_and_realistic(app):
    with app.app_context():
        seed_demo()
        course = get_course_by_title(data.COURSE_TITLE)
        seed_experiences(course)
        db.session.commit()
        first = _counts(course.id)
        assert first == (len(POSTS), 4, 1)

        seed_experiences(course)
        db.session.commit()
        assert _counts(course.id) == first

        posts = db.session.scalars(select(Experience).where(Experience.course_id == course.id)).all()
        assert len({post.author_id for post in posts}) == len(POSTS)
        assert all(post.country and post.sdgs and post.chapter_slug for post in posts)
        with_comments = db.session.scalars(select(Comment.experience_id).distinct()).all()
        assert len(with_comments) == 2


def test_the_demo_participant_sees_the_experiences(app, client):
    with app.app_context():
        seed_demo()
        course = get_course_by_title(data.COURSE_TITLE)
        seed_experiences(course)
        db.session.commit()
        course_id = course.id
    email = data.PARTICIPANTS[0][1]
    assert client.post("/accounts/login", data={"email": email, "password": data.DEMO_PASSWORD}).status_code == 302
    page = client.get(f"/courses/{course_id}/experiences/").get_data(as_text=True)
    assert all(post.title.replace("'", "&#39;") in page for post in POSTS)
    pinned = page[page.index('id="pinned-title"') : page.index('id="all-title"')]
    assert "Composting with Kitakyushu" in pinned and "2 comments" in pinned


def _library(course_id: int) -> tuple:
    good = db.session.scalars(
        select(Experience).where(Experience.course_id == course_id, Experience.good_case).order_by(Experience.id)
    ).all()
    attached = db.session.execute(select(ChapterCase.course_id, ChapterCase.chapter_slug, ChapterCase.experience_id))
    return (
        [(post.title, post.cooperation_kind, post.consent_at) for post in good],
        sorted(attached.all()),
    )


def test_the_demo_has_two_library_cases_one_on_chapter_1(app):
    with app.app_context():
        seed_demo()
        course = get_course_by_title(data.COURSE_TITLE)
        seed_experiences(course)
        db.session.commit()
        first = _library(course.id)
        good, attached = first
        assert {(title.split(":")[0], kind) for title, kind, _ in good} == {
            ("Composting with Kitakyushu", "city-to-city"),
            ("Association to association", "association-to-association"),
        }
        assert all(consent_at is not None for _, _, consent_at in good)
        assert len(cases.list_library(cases.LibraryFilters())) == 2
        chapter_1 = get_registry().module(course.module_slug).chapters[0].slug
        shown = cases.cases_for_chapter([course.id], chapter_1)
        assert [post.title for post in shown] == ["Association to association: what LOCALISE SDGs taught APEKSI"]
        assert attached == [(course.id, chapter_1, shown[0].id)]

        seed_experiences(course)
        db.session.commit()
        assert _library(course.id) == first


def test_the_demo_participant_finds_the_cases_in_the_library(app, client):
    with app.app_context():
        seed_demo()
        seed_experiences(get_course_by_title(data.COURSE_TITLE))
        db.session.commit()
    email = data.PARTICIPANTS[0][1]
    assert client.post("/accounts/login", data={"email": email, "password": data.DEMO_PASSWORD}).status_code == 302
    page = client.get("/library/?kind=city-to-city").get_data(as_text=True)
    assert "Composting with Kitakyushu" in page and "APEKSI" not in page
