"""Registering focal points: one by one, from CSV, invitations, roster, reach of coordinators."""

import re

import pytest
from sqlalchemy import func, select

from tests.factories import make_coordinator, make_course, make_participant, make_trainer, make_user
from tests.smtp import text_of
from trainer.accounts.models import Organisation, User
from trainer.accounts.organisations import get_or_create_organisation
from trainer.courses.models import AssociationSeats, Enrolment, PendingImport
from trainer.courses.services import get_course
from trainer.extensions import db
from trainer.mail.models import OutboxMessage

PERSON = {
    "name": "Sita Shrestha",
    "email": "Sita@Dhulikhel.example.org",
    "organisation": "Dhulikhel Municipality",
    "organisation_kind": "municipality",
    "position": "DC focal point",
    "country": "NP",
    "timezone": "",
    "language": "en",
    "role": "participant",
    "focal_point": "y",
}


@pytest.fixture
def setup(app):
    with app.app_context():
        course = make_course(title="Module 4 ToT")
        ids = {
            "course": course.id,
            "coordinator": make_coordinator(name="Dewi").email,
            "trainer": make_trainer(course).email,
            "participant": make_participant(course).email,
            "existing": make_user(email="ayesha@example.org", name="Ayesha").email,
        }
        db.session.commit()
        return ids


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_registering_a_new_person_creates_an_account_and_queues_an_invitation(app, client, login_as, setup):
    login_as(setup["coordinator"])
    response = client.post(f"/courses/{setup['course']}/people/new", data=PERSON)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sita@dhulikhel.example.org"))
        assert user.password_hash is None and user.timezone == "Asia/Kathmandu"  # suggested from the country
        assert user.is_focal_point and user.position == "DC focal point"
        assert db.session.get(Organisation, user.organisation_id).name == "Dhulikhel Municipality"
        [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)).all()
        assert mail.kind == "invitation" and "/accounts/invitation/" in text_of(mail.message)
    roster = client.get(f"/courses/{setup['course']}/people/").get_data(as_text=True)
    assert "Sita Shrestha" in roster and "Invited" in roster


def test_an_email_with_an_account_is_linked_not_duplicated(app, client, login_as, setup):
    login_as(setup["coordinator"])
    users_before = _count(app, User)
    client.post(f"/courses/{setup['course']}/people/new", data={**PERSON, "email": "AYESHA@example.org"})
    assert _count(app, User) == users_before
    with app.app_context():
        [mail] = db.session.scalars(select(OutboxMessage)).all()
        assert mail.kind == "enrolment"  # told, not invited again


def test_the_same_organisation_typed_differently_is_one_organisation(app, client, login_as, setup):
    login_as(setup["coordinator"])
    client.post(f"/courses/{setup['course']}/people/new", data=PERSON)
    client.post(
        f"/courses/{setup['course']}/people/new",
        data={**PERSON, "email": "ram@example.org", "organisation": "  dhulikhel   MUNICIPALITY "},
    )
    assert _count(app, Organisation) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address like"),
        ({"name": ""}, "Enter the person's name."),
        ({"country": ""}, "Choose the country."),
        ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list"),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(app, client, login_as, setup, change, message):
    login_as(setup["coordinator"])
    users_before = _count(app, User)
    response = client.post(f"/courses/{setup['course']}/people/new", data={**PERSON, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, User) == users_before and _count(app, OutboxMessage) == 0


CSV = (
    "name;email;organisation;organisation_kind;country;role\r\n"
    "สุดารัตน์ ทองดี;sudarat@bangkok.example.org;Bangkok Metropolitan Administration;city;TH;participant\r\n"
    "राम बहादुर थापा;ram@example.org;Dhulikhel Municipality;municipality;Nepal;participant\r\n"
    "Nguyễn Thị Thu Hà;ha@danang.example.org;Da Nang;city;VN;trainer\r\n"
    "Ayesha;ayesha@example.org;;;PK;participant\r\n"
)


def _upload(client, course_id, content: bytes, name="people.csv"):
    from io import BytesIO

    return client.post(
        f"/courses/{course_id}/people/import",
        data={"file": (BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_csv_import_previews_then_imports_in_one_transaction(app, client, login_as, setup):
    login_as(setup["coordinator"])
    response = _upload(client, setup["course"], ("\ufeff" + CSV).encode())
    assert response.status_code == 302
    users_before = _count(app, User)
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert preview.count("Create and invite") == 3 and preview.count("Link existing account") == 1
    assert "สุดารัตน์ ทองดี" in preview and "Nguyễn Thị Thu Hà" in preview
    assert _count(app, User) == users_before  # nothing written before confirming
    confirmed = client.post(response.headers["Location"])
    assert confirmed.status_code == 302
    with app.app_context():
        names = set(db.session.scalars(select(User.name).join(Enrolment).where(Enrolment.course_id == setup["course"])))
        assert {"สุดารัตน์ ทองดี", "राम बहादुर थापा", "Nguyễn Thị Thu Hà", "Ayesha"} <= names
        assert db.session.scalar(select(func.count(PendingImport.id))) == 0
        kinds = sorted(db.session.scalars(select(OutboxMessage.kind)))
        assert kinds == ["enrolment", "invitation", "invitation", "invitation"]


def test_a_file_with_a_bad_row_imports_nothing(app, client, login_as, setup):
    login_as(setup["coordinator"])
    bad = CSV + "Nobody;not-an-email;;;XX;participant\r\n"
    location = _upload(client, setup["course"], bad.encode()).headers["Location"]
    preview = client.get(location).get_data(as_text=True)
    assert "Fix the rows marked below" in preview and "Register " not in preview.split("</table>")[1]
    users_before = _count(app, User)
    assert client.post(location).status_code == 422
    assert _count(app, User) == users_before


def test_roster_export_is_excel_friendly_and_imports_back_unchanged(app, client, login_as, setup):
    login_as(setup["coordinator"])
    client.post(f"/courses/{setup['course']}/people/new", data=PERSON)
    exported = client.get(f"/courses/{setup['course']}/people.csv")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    assert exported.data.startswith(b"\xef\xbb\xbf") and b"\r\n" in exported.data
    with app.app_context():
        state = sorted(db.session.execute(select(Enrolment.user_id, Enrolment.role)).all())
        mails = db.session.scalar(select(func.count(OutboxMessage.id)))
    location = _upload(client, setup["course"], exported.data).headers["Location"]
    preview = client.get(location).get_data(as_text=True)
    assert "Create and invite" not in preview and "Error" not in preview
    client.post(location)
    with app.app_context():
        assert sorted(db.session.execute(select(Enrolment.user_id, Enrolment.role)).all()) == state
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == mails  # nobody re-notified


def test_roster_filters(app, client, login_as, setup):
    login_as(setup["coordinator"])
    client.post(f"/courses/{setup['course']}/people/new", data=PERSON)
    client.post(
        f"/courses/{setup['course']}/people/new",
        data={**PERSON, "email": "maria@example.org", "name": "Maria", "country": "PH", "role": "trainer"},
    )

    def table(query):
        page = client.get(f"/courses/{setup['course']}/people/?{query}").get_data(as_text=True)
        return page.split('<table class="roster">')[1]

    assert "Maria" in table("country=PH") and "Sita Shrestha" not in table("country=PH")
    assert "Sita Shrestha" in table("role=participant&status=invited")
    assert "Maria" not in table("role=participant&status=invited")


def test_trainers_read_the_roster_without_personal_data_and_participants_cannot(app, client, login_as, setup):
    page = login_as(setup["trainer"]).get(f"/courses/{setup['course']}/people/").get_data(as_text=True)
    assert "@" not in page.split("<table")[1].split("</table>")[0]
    assert client.get(f"/courses/{setup['course']}/people.csv").status_code == 403
    assert client.post(f"/courses/{setup['course']}/people/new", data=PERSON).status_code == 403
    client.post("/accounts/logout")
    login_as(setup["participant"])
    assert client.get(f"/courses/{setup['course']}/people/").status_code == 403


def test_change_role_and_remove_need_a_confirmation(app, client, login_as, setup):
    login_as(setup["coordinator"])
    with app.app_context():
        participant = db.session.scalar(select(User).where(User.email == setup["participant"]))
    url = f"/courses/{setup['course']}/people/{participant.id}"
    assert "Change" in client.get(f"{url}/role").get_data(as_text=True)
    client.post(f"{url}/role", data={"role": "trainer"})
    with app.app_context():
        assert db.session.scalar(select(Enrolment.role).where(Enrolment.user_id == participant.id)) == "trainer"
    page = client.get(f"{url}/remove").get_data(as_text=True)
    assert "Remove" in page and "Their account" in page
    client.post(f"{url}/remove")
    with app.app_context():
        assert db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == participant.id)) is None
        assert db.session.get(User, participant.id) is not None


class TestScopedCoordinator:
    @pytest.fixture
    def scoped(self, app, setup):
        with app.app_context():
            association = get_or_create_organisation("Municipal Association of Nepal", "NP", "association")
            member = get_or_create_organisation(
                "Dhulikhel Municipality", "NP", "municipality", parent_id=association.id
            )
            outsider = get_or_create_organisation("Kota Surabaya", "ID", "city")
            db.session.add(AssociationSeats(course_id=setup["course"], association_id=association.id, seats=2))
            coordinator = make_user(email="muan@example.org", is_coordinator=True)
            coordinator.coordinator_scope_id = association.id
            course = get_course(setup["course"])
            make_participant(course, email="inside@example.org", organisation_id=member.id)
            outside = make_participant(course, email="outside@example.org", organisation_id=outsider.id)
            db.session.commit()
            return {"email": coordinator.email, "outside_id": outside.id}

    def test_sees_only_their_associations_people(self, client, login_as, setup, scoped):
        page = login_as(scoped["email"]).get(f"/courses/{setup['course']}/people/").get_data(as_text=True)
        assert "inside@example.org" in page and "outside@example.org" not in page
        assert "1 of 2 seats taken" in page
        assert client.get(f"/courses/{setup['course']}/people/{scoped['outside_id']}/remove").status_code == 404

    def test_registers_members_up_to_the_seats(self, app, client, login_as, setup, scoped):
        login_as(scoped["email"])
        assert client.post(f"/courses/{setup['course']}/people/new", data=PERSON).status_code == 302
        full = client.post(f"/courses/{setup['course']}/people/new", data={**PERSON, "email": "x@example.org"})
        assert full.status_code == 422 and "seats in this course are all taken" in full.get_data(as_text=True)

    def test_cannot_appoint_trainers(self, app, client, login_as, setup, scoped):
        login_as(scoped["email"])
        response = client.post(f"/courses/{setup['course']}/people/new", data={**PERSON, "role": "trainer"})
        assert response.status_code == 422 and "Trainers are assigned by" in response.get_data(as_text=True)
        with app.app_context():
            inside = db.session.scalar(select(User.id).where(User.email == "inside@example.org"))
        changed = client.post(f"/courses/{setup['course']}/people/{inside}/role", data={"role": "trainer"})
        assert "Trainers are assigned by" in changed.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(Enrolment.role).where(Enrolment.user_id == inside)) == "participant"

    def test_cannot_create_courses_or_see_other_courses(self, client, login_as, setup, scoped):
        login_as(scoped["email"])
        assert client.get("/courses/new").status_code == 403
        with client.application.app_context():
            course_id = make_course().id
            db.session.commit()
        assert client.get(f"/courses/{course_id}/people/").status_code == 404


def test_resend_revokes_the_old_link(app, client, login_as, setup):
    login_as(setup["coordinator"])
    client.post(f"/courses/{setup['course']}/people/new", data=PERSON)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sita@dhulikhel.example.org"))
        first = db.session.scalar(select(OutboxMessage.message).where(OutboxMessage.user_id == user.id))
    old = re.search(r"/accounts/invitation/([\w-]+)", text_of(first)).group(1)
    client.post(f"/courses/{setup['course']}/people/{user.id}/resend")
    client.post("/accounts/logout")
    assert client.get(f"/accounts/invitation/{old}").status_code == 404
