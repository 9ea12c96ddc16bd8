"""Breakout groups, group exercises, shared submissions (with versions and conflicts), feedback."""

from io import BytesIO

import pytest
from sqlalchemy import select

from tests.factories import make_coordinator, make_course, make_participant, make_trainer
from tests.smtp import text_of
from trainer.accounts.organisations import get_or_create_organisation
from trainer.extensions import db
from trainer.groups import services
from trainer.groups.models import BreakoutGroup, GroupExercise, Submission, SubmissionVersion
from trainer.mail.models import OutboxMessage

EXERCISE = "c1-principles-card-game"  # a group exercise in chapter 1


@pytest.fixture
def setup(app):
    with app.app_context():
        course = make_course()
        countries = ["PK", "PH", "ID", "TH", "NP", "MV", "IN"]
        people = [
            make_participant(
                course,
                name=f"P{i:02d}",
                country=countries[i % 7],
                organisation_id=get_or_create_organisation(f"City {i % 10}", countries[i % 7]).id,
            )
            for i in range(14)
        ]
        ids = {
            "course": course.id,
            "trainer": make_trainer(course).email,
            "coordinator": make_coordinator().email,
            "people": [p.email for p in people],
            "outsider": make_participant(make_course()).email,
        }
        db.session.commit()
        return ids


def _form_groups(client, setup, groups=2):
    return client.post(f"/courses/{setup['course']}/groups/auto", data={"groups": str(groups), "seed": "3"})


def _groups(app, course_id):
    with app.app_context():
        views, ungrouped = services.list_groups(course_id)
        return {view.group.id: [u.email for u, _o in view.members] for view in views}, ungrouped


def _open(client, setup):
    return client.post(
        f"/courses/{setup['course']}/groups/exercises/new",
        data={
            "exercise_id": EXERCISE,
            "session_id": "0",
            "due_day": "2099-12-01",
            "due_time": "17:00",
            "instructions": "Use *your* city's examples.",
        },
    )


def test_trainer_forms_balanced_groups_and_exports_them(app, client, login_as, setup):
    login_as(setup["trainer"])
    assert _form_groups(client, setup).status_code == 302
    groups, ungrouped = _groups(app, setup["course"])
    assert sorted(len(m) for m in groups.values()) == [7, 7] and not ungrouped
    csv = client.get(f"/courses/{setup['course']}/groups/zoom.csv").data.decode()
    assert csv.splitlines()[0] == "Pre-assign Room Name,Email Address" and csv.count("@example.org") == 14
    assert "P00" in client.get(f"/courses/{setup['course']}/groups/print").get_data(as_text=True)
    page = client.get(f"/courses/{setup['course']}/groups/").get_data(as_text=True)
    assert "Time now" in page and "Pakistan" in page  # local time now and country of each member


def test_forming_twice_with_the_same_seed_gives_the_same_groups(app, client, login_as, setup):
    login_as(setup["trainer"])
    _form_groups(client, setup)
    first = sorted(sorted(m) for m in _groups(app, setup["course"])[0].values())
    _form_groups(client, setup)
    assert sorted(sorted(m) for m in _groups(app, setup["course"])[0].values()) == first


def test_trainer_moves_a_person(app, client, login_as, setup):
    login_as(setup["trainer"])
    _form_groups(client, setup)
    groups, _u = _groups(app, setup["course"])
    (a, members_a), (b, _members_b) = groups.items()
    with app.app_context():
        from trainer.accounts.services import get_user_by_email

        user_id = get_user_by_email(members_a[0]).id
    client.post(f"/courses/{setup['course']}/groups/move", data={"user_id": user_id, "group_id": b})
    assert members_a[0] in _groups(app, setup["course"])[0][b]


def _member_of_first_group(app, setup):
    with app.app_context():
        group = db.session.scalars(select(BreakoutGroup).order_by(BreakoutGroup.id)).first()
        member_ids = services.member_ids(group.id)
        from trainer.accounts.models import User

        emails = [db.session.get(User, uid).email for uid in member_ids]
        exercise = db.session.scalar(select(GroupExercise))
        return group.id, emails, exercise.id if exercise else None


def test_two_members_edit_the_same_submission_and_the_second_sees_the_conflict(app, client, login_as, setup):
    login_as(setup["trainer"])
    _form_groups(client, setup)
    _open(client, setup)
    client.post("/accounts/logout")
    group_id, (first, second, *_rest), exercise_id = _member_of_first_group(app, setup)
    url = f"/courses/{setup['course']}/groups/exercises/{exercise_id}/{group_id}"
    login_as(first)
    assert client.post(url, data={"text": "Our definition of solidarity", "base_version": "0"}).status_code == 302
    client.post("/accounts/logout")
    login_as(second)
    # The second member started from version 0 too: their save is refused, and nothing is lost.
    response = client.post(url, data={"text": "Horizontal relationships mean", "base_version": "0"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone in your group saved while you were editing" in page
    assert "Our definition of solidarity" in page and "Horizontal relationships mean" in page
    assert 'name="base_version" type="hidden" value="1"' in page
    merged = "Our definition of solidarity. Horizontal relationships mean"
    assert client.post(url, data={"text": merged, "base_version": "1"}).status_code == 302
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        assert (submission.version, submission.text) == (2, merged)
        assert db.session.scalar(select(SubmissionVersion.text).where(SubmissionVersion.number == 1)).startswith("Our")


def test_privacy_of_submissions(app, client, login_as, setup):
    login_as(setup["trainer"])
    _form_groups(client, setup)
    _open(client, setup)
    client.post("/accounts/logout")
    group_id, members, exercise_id = _member_of_first_group(app, setup)
    other = next(e for e in setup["people"] if e not in members)
    url = f"/courses/{setup['course']}/groups/exercises/{exercise_id}/{group_id}"
    login_as(members[0])
    client.post(url, data={"text": "Private draft", "base_version": "0"})
    client.post("/accounts/logout")
    login_as(other)
    assert client.get(url).status_code == 404  # another group's private work
    assert client.post(url, data={"text": "x", "base_version": "1"}).status_code == 404
    client.post("/accounts/logout")
    login_as(members[0])
    client.post(f"{url}/share")
    client.post("/accounts/logout")
    login_as(other)
    page = client.get(url)
    assert page.status_code == 200 and "Private draft" in page.get_data(as_text=True)  # shared for the plenary
    assert client.post(url, data={"text": "x", "base_version": "1"}).status_code == 403  # but not theirs to edit
    client.post("/accounts/logout")
    login_as(setup["outsider"])
    assert client.get(url).status_code == 404


def test_attachments_are_checked_by_content_and_served_as_attachments(app, client, login_as, setup, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    login_as(setup["trainer"])
    _form_groups(client, setup)
    _open(client, setup)
    client.post("/accounts/logout")
    group_id, members, exercise_id = _member_of_first_group(app, setup)
    url = f"/courses/{setup['course']}/groups/exercises/{exercise_id}/{group_id}"
    login_as(members[0])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    client.post(f"{url}/attachments", data={"file": (BytesIO(pdf), "plan.pdf")}, content_type="multipart/form-data")
    renamed_exe = b"MZ\x90\x00" + b"\x00" * 200
    bad = client.post(
        f"{url}/attachments", data={"file": (BytesIO(renamed_exe), "notes.pdf")}, content_type="multipart/form-data"
    )
    assert "Only PDF, Word" in client.get(bad.headers["Location"]).get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "plan.pdf" in page and "notes.pdf" not in page
    link = page.split('href="')[[i for i, part in enumerate(page.split('href="')) if "/attachments/" in part][0]]
    download = client.get(link.split('"')[0])
    assert download.headers["Content-Disposition"].startswith("attachment") and download.data == pdf
    download.close()
    assert not list(tmp_path.glob("*.pdf"))  # stored by hash, outside the web root
    client.post("/accounts/logout")
    login_as(next(e for e in setup["people"] if e not in members))
    assert client.get(link.split('"')[0]).status_code == 404


def test_trainer_feedback_marks_reviewed_and_emails_the_group(app, client, login_as, setup):
    login_as(setup["trainer"])
    _form_groups(client, setup)
    _open(client, setup)
    client.post("/accounts/logout")
    group_id, members, exercise_id = _member_of_first_group(app, setup)
    url = f"/courses/{setup['course']}/groups/exercises/{exercise_id}/{group_id}"
    login_as(members[0])
    client.post(url, data={"text": "Our answer", "base_version": "0"})
    assert client.post(f"{url}/feedback", data={"text": "x"}).status_code == 403  # members cannot
    client.post("/accounts/logout")
    login_as(setup["trainer"])
    client.post(f"{url}/feedback", data={"text": "Good use of **local** examples."})
    with app.app_context():
        assert db.session.scalar(select(Submission.reviewed_at)) is not None
        mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "feedback")).all()
        assert len(mails) == len(members) and "Good use of **local** examples." in text_of(mails[0].message)
    client.post("/accounts/logout")
    login_as(members[1])
    assert "<strong>local</strong>" in client.get(url).get_data(as_text=True)


def test_opening_exercises_validates(app, client, login_as, setup):
    login_as(setup["trainer"])
    assert _open(client, setup).status_code == 302
    again = _open(client, setup)
    assert again.status_code == 422 and "already open" in again.get_data(as_text=True)
    individual = client.post(
        f"/courses/{setup['course']}/groups/exercises/new",
        data={
            "exercise_id": "c1-personalise-your-bicycle",
            "session_id": "0",
            "due_day": "2099-12-01",
            "due_time": "17:00",
        },
    )
    assert individual.status_code == 422


@pytest.mark.parametrize("path", ["/auto", "/new", "/zoom.csv", "/print", "/exercises/new"])
def test_participants_cannot_manage_groups(client, login_as, setup, path):
    login_as(setup["people"][0])
    response = (
        client.post(f"/courses/{setup['course']}/groups{path}")
        if path in ("/auto", "/new")
        else client.get(f"/courses/{setup['course']}/groups{path}")
    )
    assert response.status_code == 403


def test_group_work_counts_in_the_completion_rule(app, client, login_as, setup):
    login_as(setup["trainer"])
    _form_groups(client, setup)
    _open(client, setup)
    page = client.get(f"/courses/{setup['course']}/completion").get_data(as_text=True)
    assert "group work: The principles card game" in page


def test_xss_in_submissions_and_feedback_does_not_survive(app, client, login_as, setup):
    login_as(setup["trainer"])
    _form_groups(client, setup)
    _open(client, setup)
    client.post("/accounts/logout")
    group_id, members, exercise_id = _member_of_first_group(app, setup)
    url = f"/courses/{setup['course']}/groups/exercises/{exercise_id}/{group_id}"
    login_as(members[0])
    payload = (
        '<script>alert(1)</script><img src=x onerror="alert(1)"> [x](javascript:alert(1)) '
        '<svg onload="alert(1)"></svg><iframe src="https://evil.example"></iframe>'
    )
    client.post(url, data={"text": payload, "base_version": "0"})
    page = client.get(url).get_data(as_text=True).split("Version 1</h2>")[1]
    for bad in ("<script", "onerror", "javascript:", "onload", "<iframe"):
        assert bad not in page
