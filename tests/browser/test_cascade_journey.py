from datetime import date, time

from playwright.sync_api import Page, expect

from tests.browser.test_schedule_journey import sign_in
from tests.factories import make_course, make_participant
from tests.schedule.helpers import make_session
from trainer.extensions import db
from trainer.progress.models import Certificate


def test_a_graduate_creates_a_cascade_course_from_the_pattern_and_registers_two_people(app, page: Page):
    with app.app_context():
        origin = make_course(title="Module 4 pilot", status="finished")
        make_session(origin, date(2026, 5, 1), time(9), time(16))
        graduate = make_participant(
            origin, name="Sione Fifita", email="sione@example.org", timezone="Pacific/Tongatapu"
        )
        db.session.add(Certificate(course_id=origin.id, user_id=graduate.id, code="T4-ABCD-EFGH-JKLM", hours=16))
        db.session.commit()

    sign_in(page, "sione@example.org")
    page.get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Start a cascade course").click()
    page.get_by_label("Title of your course").fill("Cascade course — Tongan district officers")
    page.get_by_role("button", name="Create my course").click()
    expect(page.get_by_role("heading", name="Start from a pattern")).to_be_visible()
    page.get_by_label("First live day").fill("2099-03-02")
    page.get_by_label("Daily start (course time)").fill("09:00")
    page.get_by_label("Daily end (course time)").fill("12:00")
    page.get_by_role("button", name="Create the sessions").click()
    expect(page.get_by_text("3 live sessions created.")).to_be_visible()

    page.get_by_role("link", name="Cascade course — Tongan district officers").first.click()
    page.get_by_role("link", name="People").click()
    for name, email in (("Mele Taufa", "mele@example.org"), ("Viliami Tonga", "viliami@example.org")):
        page.get_by_role("link", name="Register a person").click()
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Email").fill(email)
        page.get_by_label("Country").select_option("TO")
        page.get_by_role("button", name="Register and invite").click()
        expect(page.get_by_text(f"{name} is registered; an invitation is on its way.")).to_be_visible()
    roster = page.locator("table.roster")
    expect(roster).to_contain_text("Mele Taufa")
    expect(roster).to_contain_text("Viliami Tonga")
