"""A trainer keeps the register of a large course page by page and group by group, then imports
Zoom's report and names a connection nobody matched (every page checked by axe, weighed)."""

from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.test_schedule_journey import sign_in
from tests.progress.test_attendance_register_pages import _course, _report
from trainer.extensions import db
from trainer.progress.models import Attendance
from trainer.schedule.models import LiveSession


def test_a_trainer_keeps_a_large_register_page_by_page_then_imports_zoom(app, page: Page, tmp_path):
    with app.app_context():
        world = _course(120, groups=2)
        session = db.session.get(LiveSession, world["session"])
        people = [(f"Person {n:03d}", f"person.{n:03d}@c{world['course']}.example.org") for n in range(100)]
        report = tmp_path / "report.csv"
        report.write_bytes(_report(session, "Asia/Jakarta", people, unknown=1))
    register = f"/courses/{world['course']}/attendance/{world['session']}"

    sign_in(page, world["trainer"])
    page.goto(register)
    expect(page.get_by_text("Page 1 of 3 · 1–50 of 120")).to_be_visible()
    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_text("Page 2 of 3 · 51–100 of 120")).to_be_visible()
    # Each control is named by its row and its column.
    page.get_by_role("combobox", name="Person 050 Status").select_option(label="Late")
    page.get_by_role("spinbutton", name="Person 050 Minutes").fill("140")
    page.get_by_role("button", name="Save the register", exact=True).click()
    expect(page.get_by_text("The register of Day 1 is saved.")).to_be_visible()
    expect(page.get_by_text("Page 2 of 3 · 51–100 of 120")).to_be_visible()
    expect(page.get_by_role("combobox", name="Person 050 Status")).to_have_value("late")
    expect(page.get_by_text("120 participants: Present 0 · Late 1")).to_be_visible()

    page.get_by_label("Group").select_option(label="Table 2")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_text("Page 1 of 2 · 1–50 of 60")).to_be_visible()
    expect(page.get_by_role("row", name="Person 000")).to_have_count(0)  # Table 1
    page.get_by_role("combobox", name="Person 001 Status").select_option(label="Present")
    page.get_by_role("button", name="Save and show the next page").click()
    expect(page.get_by_text("Page 2 of 2 · 51–60 of 60")).to_be_visible()
    expect(page.get_by_label("Group")).to_have_value(str(world["groups"][1]))

    page.goto(register)
    page.get_by_label("Report (CSV)").set_input_files(str(report))
    page.get_by_label("Minutes to count as present").fill("150")
    page.get_by_role("button", name="Preview").click()
    expect(
        page.get_by_text("120 participants will be recorded: Present 100 · Partly present 0 · Absent 20")
    ).to_be_visible()
    page.get_by_role("combobox", name="Who is iPhone 0?").fill("Nobody Atall")
    page.get_by_role("button", name="Record attendance").click()
    expect(page.get_by_role("alert")).to_contain_text("No participant has the name or email Nobody Atall.")
    page.get_by_role("combobox", name="Who is iPhone 0?").fill(f"person.110@c{world['course']}.example.org")
    page.get_by_role("button", name="Record attendance").click()
    expect(page.get_by_text("Attendance recorded from Zoom: 101 present.")).to_be_visible()
    with app.app_context():
        statuses = [a.status.value for a in db.session.scalars(select(Attendance))]
    assert statuses.count("present") == 101 and len(statuses) == 120
