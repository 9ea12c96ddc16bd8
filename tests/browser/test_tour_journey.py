"""Every page each kind of person reaches from their home page in the demo course, in Chromium.

The pages come from following links (tests/test_accessibility.crawl); opening each one runs the
checks every journey gets (axe-core, language, weight, hosts) on realistic data.
"""

import pytest
from playwright.sync_api import Page

from tests.browser.test_schedule_journey import sign_in_as
from tests.conftest import login
from tests.test_accessibility import crawl
from trainer.demo import data as demo
from trainer.demo.seed import seed_demo
from trainer.extensions import db


@pytest.mark.parametrize(
    "email", [demo.PARTICIPANTS[0][1], demo.TRAINERS[0][1], demo.COORDINATOR[1], demo.ASSOCIATION_COORDINATOR[1]]
)
def test_every_page_of_the_demo_passes_the_checks(app, page: Page, page_checks, email):
    with app.app_context():
        seed_demo()
        db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = False  # the test client only lists the pages; the browser posts with CSRF
    client = app.test_client()
    assert login(client, email, demo.DEMO_PASSWORD).status_code == 302
    paths = [url for url, _, _ in crawl(client)]
    app.config["WTF_CSRF_ENABLED"] = True

    sign_in_as(page, email, demo.DEMO_PASSWORD)
    for path in paths:
        page.goto(path)
    page_checks.finish()
    assert len(page_checks.checked) > len(paths)
