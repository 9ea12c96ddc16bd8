import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.factories import PASSWORD, make_coordinator, make_user
from trainer.courses.models import Course, EnrolmentRole
from trainer.courses.services import enrol
from trainer.extensions import db


def sign_in(page: Page, email: str) -> None:
    sign_in_as(page, email, PASSWORD)


def sign_in_as(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_coordinator_creates_a_three_day_course_and_a_kathmandu_participant_sees_local_times(app, page: Page):
    with app.app_context():
        make_coordinator(email="dewi@example.org")
        make_user(email="sita@example.org", name="Sita Shrestha", timezone="Asia/Kathmandu")
        db.session.commit()

    sign_in(page, "dewi@example.org")
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Title").fill("Module 4 ToT — South Asia")
    page.get_by_label("Course time zone").fill("Asia/Jakarta")
    page.get_by_label("Status").select_option("running")
    page.get_by_label("Zoom join link").fill("https://zoom.us/j/835")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Start from a pattern")).to_be_visible()
    page.get_by_label("First live day").fill("2099-11-09")
    page.get_by_label("Daily start (course time)").fill("13:00")
    page.get_by_label("Daily end (course time)").fill("16:00")
    page.get_by_label("Weeks of self-study after day 1").fill("2")
    page.get_by_role("button", name="Create the sessions").click()
    expect(page.get_by_text("3 live sessions created.")).to_be_visible()
    expect(page.get_by_role("heading", name="Day 3")).to_be_visible()

    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.title == "Module 4 ToT — South Asia"))
        from trainer.accounts.services import get_user_by_email

        enrol(course, get_user_by_email("sita@example.org"), EnrolmentRole.PARTICIPANT)
        db.session.commit()
        course_id = course.id

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "sita@example.org")
    page.get_by_role("link", name="Module 4 ToT — South Asia").click()
    expect(page).to_have_url(re.compile(rf"/courses/{course_id}/$"))
    next_session = page.locator(".next-session")
    expect(next_session).to_contain_text("Next live session: Day 1")
    # 13:00 in Jakarta (UTC+7) is 11:45 in Kathmandu (UTC+5:45).
    expect(next_session.locator("time").first).to_have_text(re.compile(r"^11:45\sAM$"))
    expect(next_session).to_contain_text("Asia/Kathmandu (UTC+05:45)")
    expect(next_session).to_contain_text("Course time:")
    expect(page.locator(".timeline")).to_contain_text("Monday, November 23, 2099")
    expect(page.get_by_role("link", name="Join on Zoom")).to_be_hidden()


def test_the_join_button_appears_by_itself_fifteen_minutes_before_the_start(app, page: Page):
    from datetime import UTC, datetime, timedelta

    from tests.factories import make_course, make_participant
    from tests.schedule.helpers import make_session_at

    with app.app_context():
        course = make_course(timezone="Asia/Jakarta", join_url="https://zoom.us/j/835")
        make_participant(course, email="ayesha@example.org", timezone="Asia/Karachi")
        start = (datetime.now(UTC) + timedelta(minutes=20)).replace(second=0, microsecond=0)
        make_session_at(course, start, 60, title="Day 2")
        db.session.commit()
        course_id = course.id

    page.clock.install()
    sign_in(page, "ayesha@example.org")
    page.goto(f"/courses/{course_id}/")
    join = page.get_by_role("link", name="Join on Zoom")
    expect(join).to_be_hidden()
    expect(page.locator("[data-relative]")).to_contain_text("minutes")
    page.clock.fast_forward("07:00")  # now 13 minutes or less before the start
    expect(join).to_be_visible()
    expect(page.get_by_text("The join button appears 15 minutes before the start.")).to_be_hidden()
