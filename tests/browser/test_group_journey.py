import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.test_schedule_journey import sign_in
from tests.factories import make_course, make_participant, make_trainer
from tests.groups.helpers import open_card_game
from trainer.extensions import db
from trainer.groups import services


def test_two_members_edit_one_submission_the_second_merges_and_the_trainer_replies(
    app, page: Page, browser: Browser, live_server
):
    with app.app_context():
        course = make_course(title="Module 4 ToT")
        make_participant(course, name="Maria Santos", email="maria@example.org", country="PH")
        make_participant(course, name="Putri Wulandari", email="putri@example.org", country="ID")
        make_trainer(course, name="Rahmat", email="rahmat@example.org")
        [group] = services.auto_form(course, groups=1)
        exercise = open_card_game(course)
        db.session.commit()
        url = f"/courses/{course.id}/groups/exercises/{exercise.id}/{group.id}"

    # Maria and Putri open the same submission at the same time, each in their own browser.
    sign_in(page, "maria@example.org")
    page.goto(url)
    other = browser.new_context(base_url=live_server).new_page()
    sign_in(other, "putri@example.org")
    other.goto(url)

    page.get_by_label("Your group's answer (Markdown)").fill("Solidarity: we share what we learn.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved as version 1.")).to_be_visible()

    other.get_by_label("Your group's answer (Markdown)").fill("Reciprocity: both partners learn.")
    other.get_by_role("button", name="Save", exact=True).click()
    expect(other.get_by_role("alert")).to_contain_text("Someone in your group saved while you were editing")
    expect(other.get_by_text("Solidarity: we share what we learn.").first).to_be_visible()
    box = other.get_by_label("Your group's answer (Markdown)")
    expect(box).to_have_value("Reciprocity: both partners learn.")  # nothing lost
    box.fill("Solidarity: we share what we learn.\n\nReciprocity: both partners learn.")
    other.get_by_role("button", name="Save", exact=True).click()
    expect(other.get_by_text("Saved as version 2.")).to_be_visible()
    other.context.close()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "rahmat@example.org")
    page.goto(url)
    expect(page.locator(".user-text").first).to_contain_text("Reciprocity: both partners learn.")
    page.get_by_role("textbox", name="Feedback").fill("Clear definitions. Add an example from your city.")
    page.get_by_role("button", name="Send feedback and mark reviewed").click()
    expect(page.get_by_text("Feedback saved; the group is told by email.")).to_be_visible()
    page.goto(re.sub(r"/exercises/.*", "/", url))
    expect(page.get_by_text("reviewed")).to_be_visible()
