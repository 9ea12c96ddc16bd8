"""Shared experiences: test data used by every module here (plain builders, no fixtures)."""

from flask import Flask

from tests.factories import make_coordinator, make_course, make_participant, make_trainer, make_user
from trainer.accounts.organisations import get_or_create_organisation
from trainer.courses.models import AssociationSeats
from trainer.courses.services import get_course
from trainer.experiences import cases
from trainer.experiences.models import Experience
from trainer.experiences.services import add_comment, create_experience, set_hidden
from trainer.extensions import db

POST = {
    "title": "Dhulikhel's VLR as a way to find partners",
    "text": "We **reviewed** SDG 6 with our partners.",
    "country": "NP",
    "sdgs": ["6", "17"],
    "chapter_slug": "who-dc-is-for",
}


def build_course(app: Flask) -> dict:
    """A course with one person of every role, a post with a comment, and another course's post."""
    with app.app_context():
        course = make_course(title="Module 4 ToT")
        other = make_course(title="Another course")
        association = get_or_create_organisation("Municipal Association of Nepal", "NP", "association")
        db.session.add(AssociationSeats(course_id=course.id, association_id=association.id, seats=2))
        scoped = make_user(is_coordinator=True)
        scoped.coordinator_scope_id = association.id
        author = make_participant(course, name="Sita Shrestha", country="NP")
        reader = make_participant(course, name="Ayesha Khan", country="PK")
        outsider = make_participant(other, name="Outsider")
        post = create_experience(
            course.id, author.id, title="Dhulikhel VLR", text="The review.", country="NP", sdgs=[6]
        )
        comment = add_comment(post, reader.id, "A first comment.")
        other_post = create_experience(other.id, outsider.id, title="Another course's secret", text="Private.")
        other_comment = add_comment(other_post, outsider.id, "Also private.")
        people = {
            "coordinator": make_coordinator(name="Dewi Lestari").email,
            "trainer": make_trainer(course, name="Rahmat Hidayat").email,
            "author": author.email,
            "participant": reader.email,
            "scoped_coordinator": scoped.email,
            "outsider": outsider.email,
            "other_trainer": make_trainer(other).email,
        }
        db.session.commit()
        return {
            **people,
            "course": course.id,
            "other_course": other.id,
            "post": post.id,
            "comment": comment.id,
            "other_post": other_post.id,
            "other_comment": other_comment.id,
            "author_id": author.id,
            "reader_id": reader.id,
        }


def share_in_library(experience_id: int, kind: str = "city-to-city") -> None:
    """Make a post a library case: marked by a trainer, with its author's consent. Flushes only."""
    experience = db.session.get(Experience, experience_id)
    cases.mark_good_case(experience, kind)
    cases.give_consent(experience)


def build_library(app: Flask) -> dict:
    """build_course's people and posts, with the course's post in the library and attached to chapter 6.

    Also: a good case without consent, a hidden good case with consent, a course (outside the
    library) of another module-4 cohort, and a signed-in person enrolled nowhere.
    """
    data = build_course(app)
    with app.app_context():
        share_in_library(data["post"])
        course = get_course(data["course"])
        post = db.session.get(Experience, data["post"])
        cases.attach_case(course, "who-dc-is-for", post)
        unconsented = create_experience(course.id, data["author_id"], title="Waiting for consent", text="Not yet.")
        cases.mark_good_case(unconsented, "triangular")
        hidden = create_experience(course.id, data["author_id"], title="Hidden good case", text="Hidden.")
        share_in_library(hidden.id, "other")
        set_hidden(hidden, True)
        stranger = make_user(name="Enrolled nowhere")
        db.session.commit()
        return {**data, "unconsented": unconsented.id, "hidden": hidden.id, "stranger": stranger.email}
