"""Page weight at scale: a course of 300 focal points keeps every list page under 100 KB.

tests/test_page_weight.py weighs every main page at the demo's size; this one fills the demo course
with 270 more participants (in several countries), 150 shared experiences (100 of them good cases
in the library) and weighs the pages whose length grows with people or posts, for each role that
sees them. Long lists are paginated (trainer/pagination.py): this is what keeps them light, and the
second page of each must be light too.
"""

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_participant
from tests.test_page_weight import BUDGET, weigh
from trainer.courses.models import Course
from trainer.dbtypes import utcnow
from trainer.demo import data as demo
from trainer.demo.seed import seed_demo
from trainer.experiences.cases import mark_good_case
from trainer.experiences.services import create_experience
from trainer.extensions import db
from trainer.schedule.models import LiveSession

EXTRA = 270
COUNTRIES = ["ID", "PH", "NP", "TH", "IN", "PK", "VN"]


@pytest.fixture
def big_course(app) -> tuple[int, list[int]]:
    with app.app_context():
        seed_demo()
        course = db.session.scalar(select(Course).where(Course.title == demo.COURSE_TITLE))
        people = [
            make_participant(
                course,
                name=f"Focal Point Number {n:03d} of a Long Municipality Name",
                email=f"focal{n}@example.org",
                country=COUNTRIES[n % len(COUNTRIES)],
            )
            for n in range(EXTRA)
        ]
        for n, person in enumerate(people[:150]):
            experience = create_experience(
                course.id,
                person.id,
                title=f"Experience {n}: a sister-city partnership on waste and youth exchange",
                text="We worked with our partner city on waste management and a youth exchange. " * 8,
                country=person.country,
                sdgs=[11, 17],
            )
            if n < 100:
                experience.consent_at = utcnow()
                mark_good_case(experience, "city-to-city")
        db.session.commit()
        sessions = list(db.session.scalars(select(LiveSession.id).where(LiveSession.course_id == course.id)))
        return course.id, sessions


def pages(course_id: int, sessions: list[int]) -> dict[str, list[str]]:
    course = f"/courses/{course_id}"
    lists = [f"{course}/people/", f"{course}/completion", f"{course}/groups/", f"{course}/experiences/"]
    registers = [f"{course}/attendance/{session}" for session in sessions]
    return {
        demo.TRAINERS[0][1]: [*lists, *registers, f"{course}/progress/", "/library/"],
        demo.COORDINATOR[1]: [*lists, *registers, "/progress/", "/accounts/organisations/", "/library/"],
        demo.PARTICIPANTS[0][1]: [f"{course}/", f"{course}/groups/", f"{course}/experiences/", "/library/"],
    }


def test_list_pages_stay_under_100_kb_with_300_participants_and_150_posts(client, big_course):
    course_id, sessions = big_course
    weights = {}
    for email, paths in pages(course_id, sessions).items():
        client.post("/accounts/logout")
        assert login(client, email, demo.DEMO_PASSWORD).status_code == 302
        for path in paths:
            for page in (path, f"{path}?page=2"):
                weights[f"{page} ({email.split('@')[0]})"] = weigh(client, page)[0]
    heavy = {page: weight for page, weight in weights.items() if weight >= BUDGET}
    assert not heavy, f"over {BUDGET:,} bytes: {heavy}"
