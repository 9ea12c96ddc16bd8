"""A participant's whole journey with the keyboard alone: Tab, Shift+Tab, Enter, Space and typing.

No click and no `goto` after the first page: every step is reached by moving the focus, and
every element that takes the focus on the way must show it.
"""

import re
from datetime import date, time

from playwright.sync_api import Locator, Page, expect

from tests.factories import PASSWORD, make_course, make_participant
from tests.groups.helpers import open_card_game
from tests.schedule.helpers import make_session
from trainer.extensions import db
from trainer.groups import services

# What the focused element is called and whether its focus can be seen.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    name: (el.getAttribute("aria-label") || el.innerText || el.value || "").trim().replace(/\\s+/g, " "),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 || style.boxShadow !== "none",
    onScreen: rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0
      && rect.left < window.innerWidth,
  };
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page: Page, target: str | re.Pattern | Locator, backwards: bool = False, limit: int = 80) -> None:
    """Presses Tab (or Shift+Tab) until the focus is on `target` (its name, or a locator)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        element = focused(page)
        if element["tag"] == "body":
            continue
        assert element["ring"] and element["onScreen"], f"the focus is not visible on {element}"
        if isinstance(target, Locator):
            if target.evaluate("el => el === document.activeElement"):
                return
        elif re.search(target, element["name"]) if isinstance(target, re.Pattern) else element["name"] == target:
            return
        seen.append(element["name"])
    raise AssertionError(f"{target!r} is not reachable with the keyboard; the focus went to: {seen}")


def test_a_participant_does_their_whole_journey_with_the_keyboard(app, page: Page):
    with app.app_context():
        course = make_course(title="Module 4 ToT — Asia-Pacific", timezone="Asia/Jakarta")
        make_session(course, date(2099, 11, 25), time(13), time(16), chapters=["what-is-decentralized-cooperation"])
        make_participant(course, name="Putri Wulandari", email="putri@example.org", timezone="Asia/Jakarta")
        services.auto_form(course, groups=1)
        open_card_game(course)
        db.session.commit()

    # Sign in: the email field has the focus when the page opens.
    page.goto("/accounts/login")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type("putri@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Putri Wulandari")

    # The first Tab shows "Skip to content"; Enter moves on to the page's content.
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.bounding_box()["x"] < 0  # out of sight until it has the focus
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0
    assert focused(page)["ring"]
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # From the content, the first stop is the course.
    tab_to(page, "Module 4 ToT — Asia-Pacific")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Module 4 ToT — Asia-Pacific")
    schedule = page.locator("section[aria-labelledby=schedule-title]")
    expect(schedule).to_contain_text("Day")
    expect(schedule).to_contain_text("2099")

    # A chapter: mark its first section studied with Space, without leaving the page.
    tab_to(page, re.compile(r"^1\. What is Decentralized Cooperation\?"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("What is Decentralized Cooperation?")
    percent = page.locator("[data-chapter-percent]")
    expect(percent).to_have_text("0")
    tab_to(page, re.compile(r"^Studied: "))
    page.keyboard.press("Space")
    expect(percent).not_to_have_text("0")
    expect(page.get_by_role("button", name=re.compile("^Studied: ")).first).to_have_attribute("aria-pressed", "true")

    # Back to the course page the way a keyboard user would: the header's Home, then the course.
    tab_to(page, "Home", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Putri Wulandari")
    tab_to(page, "Module 4 ToT — Asia-Pacific")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Module 4 ToT — Asia-Pacific")

    # Group work: open the group's submission, write, save.
    tab_to(page, "Groups and group work")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Breakout groups and group work")
    tab_to(page, re.compile(r"^Group"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("The principles card game")
    tab_to(page, page.get_by_label("Your group's answer (Markdown)"))
    page.keyboard.type("Solidarity: we share what we learn.")
    tab_to(page, "Save")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved as version 1.")).to_be_visible()

    # Their schedule in their own calendar, then sign out.
    tab_to(page, "Calendar", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar")
    tab_to(page, "Sign out", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_the_stylesheet_shows_focus_and_the_skip_link(page: Page):
    page.goto("/accounts/login")
    selectors = page.evaluate(
        "() => [...document.styleSheets].flatMap(s => [...s.cssRules]).map(r => r.selectorText || '')"
    )
    assert any(":focus-visible" in s for s in selectors)
    assert any(".skip-link:focus" in s for s in selectors)
