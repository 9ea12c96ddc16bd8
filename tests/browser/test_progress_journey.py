from playwright.sync_api import Page, expect

from tests.browser.test_schedule_journey import sign_in
from tests.factories import make_course, make_participant, make_trainer
from trainer.extensions import db

CH1 = "/modules/module-4/what-is-decentralized-cooperation"


def test_participant_marks_sections_the_bar_moves_and_the_trainer_sees_it(app, page: Page):
    with app.app_context():
        course = make_course(title="Module 4 ToT")
        make_participant(course, name="Putri Wulandari", email="putri@example.org")
        make_trainer(course, email="rahmat@example.org")
        db.session.commit()
        course_id = course.id

    sign_in(page, "putri@example.org")
    page.goto(CH1)
    percent = page.locator("[data-chapter-percent]")
    expect(percent).to_have_text("0")
    page.get_by_role("button", name="Studied: Principles that underpin DC").click()
    expect(percent).to_have_text("14")  # no reload: the script updated the bar
    expect(page.get_by_role("button", name="Studied: Principles that underpin DC")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name="Studied: How DC has evolved").click()
    expect(percent).to_have_text("29")
    page.reload()
    expect(percent).to_have_text("29")  # saved
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "rahmat@example.org")
    page.goto(f"/courses/{course_id}/progress/")
    row = page.get_by_role("row", name="Putri Wulandari")
    expect(row).to_contain_text("5%")  # 2 of 7 units of chapter 1, over the whole module
    expect(row.locator(".cell-in_progress")).to_have_count(1)
