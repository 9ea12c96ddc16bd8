import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_schedule_journey import sign_in
from tests.factories import make_coordinator, make_course
from trainer.extensions import db
from trainer.mail.services import send_outbox


@pytest.fixture
def app_overrides(mail_to):
    return {"WTF_CSRF_ENABLED": True, **mail_to}


CSV = (
    "name,email,organisation,organisation_kind,country,role\r\n"
    "Sita Shrestha,sita@dhulikhel.example.org,Dhulikhel Municipality,municipality,Nepal,participant\r\n"
    "สุดารัตน์ ทองดี,sudarat@chiangmai.example.org,Chiang Mai Municipality,municipality,TH,participant\r\n"
)


def test_coordinator_imports_a_csv_and_an_invited_participant_signs_in(app, page: Page, smtp_server, tmp_path):
    with app.app_context():
        make_coordinator(email="dewi@example.org")
        course_id = make_course(title="Module 4 ToT — South Asia").id
        db.session.commit()
    upload = tmp_path / "focal-points.csv"
    upload.write_bytes(("\ufeff" + CSV).encode())

    sign_in(page, "dewi@example.org")
    page.goto(f"/courses/{course_id}/")
    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Register from a CSV file").click()
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("cell", name="Create and invite")).to_have_count(2)
    expect(page.get_by_role("cell", name="สุดารัตน์ ทองดี")).to_be_visible()
    page.get_by_role("button", name="Register 2 people").click()
    expect(page.get_by_text("2 people registered and invited")).to_be_visible()
    expect(page.locator("table.roster")).to_contain_text("Invited")
    page.get_by_role("button", name="Sign out").click()

    with app.app_context():
        assert send_outbox().sent == 2
    [invitation] = smtp_server.inbox.to("sita@dhulikhel.example.org")
    assert invitation["Subject"] == "Your place in Module 4 ToT — South Asia"
    link = re.search(r"https?://\S+/accounts/invitation/[\w-]+", invitation.get_body(("plain",)).get_content()).group(0)

    page.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sita Shrestha")
    expect(page.get_by_label("Your time zone")).to_have_value("Asia/Kathmandu")
    page.get_by_label("Choose a password").fill("dhulikhel-cooperation")
    page.get_by_label("Type it again").fill("dhulikhel-cooperation")
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.get_by_text("Welcome, Sita Shrestha. Your account is ready.")).to_be_visible()
    expect(page.get_by_role("link", name="Module 4 ToT — South Asia")).to_be_visible()
    expect(page.locator(".role-badge")).to_have_text("Participant")
