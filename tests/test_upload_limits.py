"""Uploads too large: each form says its own limit; past MAX_CONTENT_LENGTH, a 413 page. Never a 500,
and nothing is stored."""

from datetime import UTC, date, datetime, time
from io import BytesIO

import pytest
from sqlalchemy import func, select

from tests.factories import make_coordinator, make_course, make_participant, make_trainer
from tests.groups.helpers import open_card_game
from tests.schedule.helpers import make_session
from trainer.courses.models import PendingImport
from trainer.extensions import db
from trainer.groups import services as groups
from trainer.groups.models import Attachment

MB = 1024 * 1024


@pytest.fixture
def setup(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    with app.app_context():
        course = make_course()
        trainer = make_trainer(course)
        member = make_participant(course)
        session = make_session(course, date(2021, 11, 8), time(9), time(12))
        group = groups.create_group(course, "Group 1")
        groups.move(course, member.id, group.id)
        exercise = open_card_game(course, datetime(2099, 12, 1, 10, tzinfo=UTC), session.id, trainer.id)
        coordinator = make_coordinator()
        db.session.commit()
        return {
            "course": f"/courses/{course.id}",
            "coordinator": coordinator.email,
            "trainer": trainer.email,
            "member": member.email,
            "session": session.id,
            "submission": f"/courses/{course.id}/groups/exercises/{exercise.id}/{group.id}",
        }


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, url: str, size: int, name: str) -> tuple[int, str]:
    """The status and page after posting a file of `size` bytes (redirects followed)."""
    data = {"file": (BytesIO(b"a" * size), name)}
    response = client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)
    response.close()  # closes the request's spooled body too
    return response.status_code, response.get_data(as_text=True)


def test_a_registration_file_over_2_mb_is_refused_beside_the_field(app, client, login_as, setup):
    login_as(setup["coordinator"])
    status, page = _upload(client, f"{setup['course']}/people/import", 2 * MB + 1, "people.csv")
    assert status == 422 and "The file is larger than 2 MB" in page
    assert _count(app, PendingImport) == 0


def test_a_zoom_report_over_5_mb_is_refused_with_a_message(app, client, login_as, setup):
    login_as(setup["trainer"])
    status, page = _upload(client, f"{setup['course']}/attendance/{setup['session']}/zoom", 5 * MB + 1, "zoom.csv")
    assert status == 200 and "The file is larger than 5 MB" in page
    assert _count(app, PendingImport) == 0


def test_an_attachment_over_10_mb_is_refused_with_a_message(app, client, login_as, setup, tmp_path):
    login_as(setup["member"])
    status, page = _upload(client, f"{setup['submission']}/attachments", 10 * MB + 1, "notes.txt")
    assert status == 200 and "Files can be up to 10 MB." in page
    assert _count(app, Attachment) == 0 and not list(tmp_path.iterdir())


def test_a_request_over_the_site_limit_gets_the_413_page(app, client, login_as, setup, tmp_path):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * MB
    login_as(setup["member"])
    status, page = _upload(client, f"{setup['submission']}/attachments", 16 * MB + 1, "notes.txt")
    assert status == 413
    assert "What you sent is larger than this site accepts." in page and 'href="/static/style.css"' in page
    assert _count(app, Attachment) == 0 and not list(tmp_path.iterdir())
