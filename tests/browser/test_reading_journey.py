import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_course, make_participant
from trainer.extensions import db


def test_participant_opens_the_module_reads_chapter_one_and_goes_next(app, page: Page):
    with app.app_context():
        make_participant(make_course(), email="maria@example.org")
        db.session.commit()

    page.goto("/accounts/login")
    page.get_by_label("Email").fill("maria@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Course material").click()
    page.get_by_role("link", name=re.compile("Localizing the SDGs")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Localizing the SDGs through Decentralized Cooperation")
    page.get_by_role("link", name="What is Decentralized Cooperation?").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What is Decentralized Cooperation?")
    page.get_by_role("link", name="Principles that underpin DC").click()
    expect(page).to_have_url(re.compile(r"#principles$"))
    expect(page.locator("#c1-principles-card-game")).to_be_visible()
    expect(page.get_by_text("Trainer notes")).to_have_count(0)

    page.get_by_role("link", name=re.compile("^Next: ")).click()
    expect(page).to_have_url(re.compile(r"/modules/module-4/why-dc-matters-for-the-global-agenda$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Why is Decentralized Cooperation important for the LRG Global Policy Agenda?"
    )
    page.get_by_role("link", name=re.compile("^← Previous: ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What is Decentralized Cooperation?")
