import pytest
from sqlalchemy import func, select

from tests.factories import make_coordinator, make_course, make_participant
from trainer.accounts.models import Organisation, User
from trainer.accounts.organisations import get_or_create_organisation, normalise_name
from trainer.courses.models import AssociationSeats
from trainer.extensions import db


def test_names_are_normalised_for_duplicates():
    assert normalise_name("  Kota   SURABÁYA ") == "kota surabaya"
    assert normalise_name("Thành phố Đà Nẵng") == normalise_name("thanh pho đa nang")


@pytest.fixture
def coordinator(app):
    with app.app_context():
        email = make_coordinator().email
        get_or_create_organisation("APEKSI", "ID", "association")
        db.session.commit()
        return email


def test_coordinator_creates_searches_and_edits_organisations(app, client, login_as, coordinator):
    login_as(coordinator)
    with app.app_context():
        apeksi = db.session.scalar(select(Organisation.id).where(Organisation.name == "APEKSI"))
    data = {"name": "Kota Surabaya", "kind": "city", "country": "ID", "parent_id": str(apeksi)}
    assert client.post("/accounts/organisations/new", data=data).status_code == 302
    duplicate = client.post("/accounts/organisations/new", data={**data, "name": " kota  surabaya"})
    assert duplicate.status_code == 422 and "already exists" in duplicate.get_data(as_text=True)
    page = client.get("/accounts/organisations/?q=surab").get_data(as_text=True)
    assert "Kota Surabaya" in page and "APEKSI" not in page.split("<tbody>")[1]
    with app.app_context():
        surabaya = db.session.scalar(select(Organisation).where(Organisation.name == "Kota Surabaya"))
        assert surabaya.parent_id == apeksi
    own_parent = client.post(f"/accounts/organisations/{surabaya.id}", data={**data, "parent_id": str(surabaya.id)})
    assert own_parent.status_code == 422


def test_only_site_coordinators_manage_organisations(app, client, login_as):
    with app.app_context():
        email = make_participant(make_course()).email
        db.session.commit()
    login_as(email)
    assert client.get("/accounts/organisations/").status_code == 403


def test_site_coordinator_sets_seats_for_an_association(app, client, login_as, coordinator):
    with app.app_context():
        course_id = make_course().id
        apeksi = db.session.scalar(select(Organisation.id).where(Organisation.name == "APEKSI"))
        db.session.commit()
    login_as(coordinator)
    assert "Seats for associations" in client.get(f"/courses/{course_id}/people/").get_data(as_text=True)
    client.post(f"/courses/{course_id}/people/seats", data={"association_id": apeksi, "seats": 5})
    client.post(f"/courses/{course_id}/people/seats", data={"association_id": apeksi, "seats": 7})
    with app.app_context():
        assert db.session.scalars(select(AssociationSeats.seats)).all() == [7]
    assert "0 of 7 taken" in client.get(f"/courses/{course_id}/people/").get_data(as_text=True)


def test_cli_creates_a_coordinator_scoped_to_an_association(app, runner, coordinator):
    with app.app_context():
        apeksi = db.session.scalar(select(Organisation.id).where(Organisation.name == "APEKSI"))
    result = runner.invoke(
        args=["accounts", "create-coordinator", "apeksi@example.org", "--association", str(apeksi)],
        env={"TRAINER_PASSWORD": "a long enough password"},
    )
    assert result.exit_code == 0 and "for APEKSI" in result.output
    with app.app_context():
        assert db.session.scalar(select(User.coordinator_scope_id).where(User.email == "apeksi@example.org")) == apeksi
    bad = runner.invoke(
        args=["accounts", "create-coordinator", "x@example.org", "--association", "999"],
        env={"TRAINER_PASSWORD": "a long enough password"},
    )
    assert bad.exit_code != 0 and "No local-government association" in bad.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.email == "x@example.org")) == 0


def test_roster_title_is_only_the_title(app, client, login_as, coordinator):
    with app.app_context():
        course_id = make_course(title="Module 4 ToT").id
        db.session.commit()
    page = login_as(coordinator).get(f"/courses/{course_id}/people/").get_data(as_text=True)
    assert "<title>People · Module 4 ToT · trainer</title>" in page
    assert page.count('id="seats-title"') == 1
