"""Dashboards: the trainer's matrix, the coordinator's overview, CSV, and a fixed number of queries."""

from datetime import date, time

import pytest

from tests.factories import make_coordinator, make_course, make_participant, make_trainer
from tests.schedule.helpers import make_session
from trainer.accounts.organisations import get_or_create_organisation
from trainer.collation import name_key
from trainer.content.registry import get_registry
from trainer.courses.services import get_course
from trainer.extensions import db
from trainer.progress import attendance, reports, study
from trainer.progress.models import AttendanceStatus


@pytest.fixture
def setup(app):
    with app.app_context():
        course = make_course()
        session = make_session(course, date(2026, 11, 12), time(13), time(16), title="Day 1")
        nepal = get_or_create_organisation("Dhulikhel Municipality", "NP")
        sita = make_participant(course, name="Sita", country="NP", organisation_id=nepal.id)
        maria = make_participant(course, name="Maria", country="PH")
        chapter = get_registry().module("module-4").chapters[0]
        for section in chapter.sections:
            study.mark_section(sita.id, chapter, section.id, True)
        study.save_answer(sita.id, chapter, study.individual_exercises(chapter)[0].id, "done")
        attendance.record(session, sita.id, AttendanceStatus.PRESENT, 180, by=None)
        ids = {
            "course": course.id,
            "trainer": make_trainer(course).email,
            "coordinator": make_coordinator().email,
            "participant": maria.email,
            "other_trainer": make_trainer(make_course()).email,
            "nepal": nepal.id,
        }
        db.session.commit()
        return ids


def test_trainer_sees_chapters_and_sessions_with_totals(client, login_as, setup):
    page = login_as(setup["trainer"]).get(f"/courses/{setup['course']}/progress/").get_data(as_text=True)
    assert "Sita" in page and "Maria" in page and "Ch. 6" in page and "Day 1" in page
    totals = page.split("<tfoot>")[1]
    assert '<td title="done / in progress">1 / 0</td>' in totals
    assert '<td title="attended">1</td>' in totals


def test_filters_and_sorting(client, login_as, setup):
    login_as(setup["trainer"])
    page = client.get(f"/courses/{setup['course']}/progress/?country=PH").get_data(as_text=True)
    body = page.split("<tbody>")[1]
    assert "Maria" in body and "Sita" not in body
    page = client.get(f"/courses/{setup['course']}/progress/?organisation={setup['nepal']}").get_data(as_text=True)
    assert "Sita" in page.split("<tbody>")[1] and "Maria" not in page.split("<tbody>")[1]
    page = client.get(f"/courses/{setup['course']}/progress/?sort=progress&desc=1").get_data(as_text=True)
    body = page.split("<tbody>")[1]
    assert body.index("Sita") < body.index("Maria")


def test_csv_export_has_every_row(client, login_as, setup):
    response = login_as(setup["trainer"]).get(f"/courses/{setup['course']}/progress.csv")
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("name,email,country,organisation,progress_percent,chapter_1")
    assert "Sita" in text and "present (180 min)" in text


def test_participant_detail_page(app, client, login_as, setup):
    from sqlalchemy import select

    from trainer.accounts.models import User

    with app.app_context():
        sita = db.session.scalar(select(User.id).where(User.name == "Sita"))
    page = login_as(setup["trainer"]).get(f"/courses/{setup['course']}/progress/{sita}").get_data(as_text=True)
    assert "Sita" in page and "done" in page and "Present (180 min)" in page


@pytest.mark.parametrize(("who", "status"), [("participant", 403), ("other_trainer", 404)])
def test_participants_and_other_trainers_cannot_see_the_dashboard(client, login_as, setup, who, status):
    assert login_as(setup[who]).get(f"/courses/{setup['course']}/progress/").status_code == status


def test_coordinator_overview_by_course_country_and_organisation(client, login_as, setup):
    page = login_as(setup["coordinator"]).get("/progress/").get_data(as_text=True)
    assert "Dhulikhel Municipality" in page and "Countries" in page
    csv = client.get("/progress/?format=csv").data.decode("utf-8-sig")
    assert "country,NP,1," in csv


@pytest.mark.parametrize("path", ["/courses/{course}/progress/", "/courses/{course}/progress.csv"])
def test_dashboard_queries_do_not_grow_with_participants(app, client, login_as, setup, count_queries, path):
    def grow_to(n):
        with app.app_context():
            course = get_course(setup["course"])
            chapter = get_registry().module("module-4").chapters[1]
            while len(course_people(course)) < n:
                user = make_participant(course)
                study.mark_section(user.id, chapter, chapter.sections[0].id, True)
            db.session.commit()

    def course_people(course):
        return attendance.participants(course.id)

    login_as(setup["trainer"])
    url = path.format(course=setup["course"])
    grow_to(5)
    with count_queries() as five:
        assert client.get(url).status_code == 200
    grow_to(50)
    with count_queries() as fifty:
        assert client.get(url).status_code == 200
    assert fifty.count == five.count


# -- pages of a large course: only one page is built, yet sorting and totals cover everyone --

NAMES = ["Zaid", "anh", "Ánh", "Élise", "Ömer", "สุดารัตน์", "राम", "محمد", "王小明", "Maria", "maria", "Sita"]


def _large_course(people: int) -> int:
    """A course of `people` participants with varied names, countries, organisations, progress and attendance."""
    course = make_course()
    day1 = make_session(course, date(2026, 11, 12), time(13), time(16), title="Day 1")
    day2 = make_session(course, date(2026, 11, 19), time(13), time(16), title="Day 2")
    chapters = get_registry().module("module-4").chapters
    organisations = [get_or_create_organisation(f"City {n}", "ID") for n in range(3)]
    statuses = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT]
    for n in range(people):
        user = make_participant(
            course,
            name=f"{NAMES[n % len(NAMES)]} {n % 4}",  # some names repeat: ties must still page consistently
            country=["ID", "PH", "NP", None][n % 4],
            organisation_id=organisations[n % 3].id if n % 5 else None,
        )
        for chapter in chapters[: n % 3]:
            for section in chapter.sections[: 1 + n % len(chapter.sections)]:
                study.mark_section(user.id, chapter, section.id, True)
        if n % 6 == 0:
            study.record_opened(user.id, chapters[4])  # opened, nothing marked: in progress
        if n % 7 == 0:
            first = chapters[0]
            for section in first.sections:
                study.mark_section(user.id, first, section.id, True)
            for exercise in study.individual_exercises(first):
                study.save_answer(user.id, first, exercise.id, "answer")
        for session in (day1, day2)[: n % 3]:
            attendance.record(session, user.id, statuses[n % 3], 60, by=None)
    db.session.commit()
    return course.id


def _all_pages(course, module, filters, per_page):
    first = reports.course_matrix(course, module, filters, page=1, per_page=per_page)
    rows = list(first.rows)
    for page in range(2, first.pages + 1):
        rows += reports.course_matrix(course, module, filters, page=page, per_page=per_page).rows
    return first, rows


@pytest.mark.parametrize("sort", reports.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_order_holds_across_pages(app, sort, descending):
    with app.app_context():
        course = get_course(_large_course(30))
        module = get_registry().module("module-4")
        filters = reports.Filters(sort=sort, descending=descending)
        first, rows = _all_pages(course, module, filters, per_page=7)
        assert first.pages == 5 and first.total == 30
        assert len({row.user.id for row in rows}) == 30  # every participant once, none twice
        everyone = reports.course_matrix(course, module, filters, per_page=10**9).rows
        assert [row.user.id for row in rows] == [row.user.id for row in everyone]
        # The order is the one the rows themselves show (percent and attendance counted per row).
        keys = {
            "name": lambda row: name_key(row.user.name),
            "country": lambda row: (row.user.country or "", name_key(row.user.name)),
            "organisation": lambda row: (
                (row.organisation.name if row.organisation else "").casefold(),
                row.user.name.casefold(),
            ),
            "progress": lambda row: (row.percent, row.user.name.casefold()),
            "attendance": lambda row: (row.attended(first.sessions), row.user.name.casefold()),
        }
        shown = [keys[sort](row) for row in rows]
        assert shown == sorted(shown, reverse=descending)


def test_totals_count_everyone_not_only_the_page(app):
    with app.app_context():
        course = get_course(_large_course(30))
        module = get_registry().module("module-4")
        page = reports.course_matrix(course, module, page=2, per_page=7)
        everyone = reports.course_matrix(course, module, per_page=10**9)
        assert len(page.rows) == 7 and len(everyone.rows) == 30
        for chapter in module.chapters:
            statuses = [row.chapters[chapter.slug].status for row in everyone.rows]
            expected = {s: statuses.count(s) for s in ("done", "in_progress", "not_started")}
            assert page.chapter_totals[chapter.slug] == expected
        assert page.chapter_totals[module.chapters[0].slug]["done"] > 0
        assert page.chapter_totals[module.chapters[4].slug]["in_progress"] > 0
        for session in page.sessions:
            assert page.session_totals[session.id] == sum(
                1 for row in everyone.rows if (a := row.attendance.get(session.id)) and a.status != "absent"
            )
        filtered = reports.course_matrix(course, module, reports.Filters(country="PH"), per_page=3)
        assert filtered.total == sum(1 for row in everyone.rows if row.user.country == "PH")
        assert sum(filtered.chapter_totals[module.chapters[0].slug].values()) == filtered.total


@pytest.mark.parametrize("sort", reports.SORTS)
def test_queries_per_page_do_not_grow_with_pages(app, count_queries, sort):
    counts = []
    with app.app_context():
        module = get_registry().module("module-4")
        for people in (12, 40):
            course = get_course(_large_course(people))
            with count_queries() as counter:
                matrix = reports.course_matrix(course, module, reports.Filters(sort=sort), page=2, per_page=5)
            assert len(matrix.rows) == 5
            counts.append(counter.count)
    assert counts[0] == counts[1]


def test_csv_export_has_everyone_beyond_the_first_page(client, login_as, setup, app):
    with app.app_context():
        course = get_course(setup["course"])
        for n in range(60):
            make_participant(course, name=f"Extra {n:02d}")
        db.session.commit()
    login_as(setup["trainer"])
    page = client.get(f"/courses/{setup['course']}/progress/").get_data(as_text=True)
    assert "62 participants" in page and "Page 1 of 2" in page
    lines = client.get(f"/courses/{setup['course']}/progress.csv").data.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 62
