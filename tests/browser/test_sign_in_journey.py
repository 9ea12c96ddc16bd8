import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_course, make_participant
from trainer.extensions import db


def test_participant_signs_in_sees_home_and_signs_out(app, page: Page):
    with app.app_context():
        make_participant(
            make_course(title="Module 4 ToT — Asia-Pacific"),
            name="Sita Shrestha",
            email="sita@example.org",
            timezone="Asia/Kathmandu",
        )
        db.session.commit()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login\?next="))
    page.get_by_label("Email").fill("sita@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sita Shrestha")
    expect(page.get_by_text("Module 4 ToT — Asia-Pacific")).to_be_visible()
    expect(page.locator(".role-badge")).to_have_text("Participant")
    expect(page.locator("footer")).to_contain_text("Asia/Kathmandu")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
