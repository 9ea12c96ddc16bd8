from datetime import date, time

from playwright.sync_api import Page, expect

from tests.browser.test_schedule_journey import sign_in
from tests.factories import make_course, make_participant
from tests.schedule.helpers import make_session
from trainer.extensions import db


def test_participant_copies_the_feed_link_resets_it_and_the_old_link_is_gone(app, page: Page, live_server):
    app.config["SERVER_URL"] = live_server
    with app.app_context():
        course = make_course(title="Module 4 ToT", timezone="Asia/Jakarta")
        make_session(course, date(2099, 11, 25), time(13), time(16), title="Day 2")
        make_participant(course, email="putri@example.org", timezone="Asia/Jakarta")
        db.session.commit()

    sign_in(page, "putri@example.org")
    page.get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Add your courses to your own calendar (Google, Outlook, Apple)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar")
    old_link = page.get_by_label("Link (https)").input_value()
    assert page.get_by_label("Link (webcal)").input_value().startswith("webcal://127.0.0.1:")

    feed = page.request.get(old_link)
    assert feed.status == 200 and "BEGIN:VCALENDAR" in feed.text() and "Day 2" in feed.text()

    page.get_by_role("button", name="Make a new link (the old one stops working)").click()
    expect(page.get_by_text("You have a new calendar link.")).to_be_visible()
    new_link = page.get_by_label("Link (https)").input_value()
    assert new_link != old_link
    assert page.request.get(old_link).status == 404
    assert page.request.get(new_link).status == 200
