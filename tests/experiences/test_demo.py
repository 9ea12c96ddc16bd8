"""The demo's shared experiences: written by demo participants, seeded once however often it runs."""

from sqlalchemy import func, select

from trainer.courses.services import get_course_by_title
from trainer.demo import data
from trainer.demo.seed import seed_demo
from trainer.experiences.demo import POSTS, seed_experiences
from trainer.experiences.models import Comment, Experience
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
