"""Random files at the two imports (registration CSV, Zoom report): upload, preview, confirm.

Never a 5xx; a file that is not imported changes nothing (only its pending upload may stay), and
a file that is imported is imported whole: every row's person ends up in the course.
"""

from io import BytesIO

from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.fuzz.conftest import Site, assert_no_server_error, fuzz_settings, page_of
from tests.fuzz.strategies import files, mutated, numbers, registration_csv, sample_files, values
from trainer.accounts.models import User
from trainer.courses.models import Enrolment
from trainer.courses.registration_csv import parse_registrations
from trainer.extensions import db

REGISTRATION_SAMPLES = sample_files("courses/csv_files")
GOOD_REGISTRATIONS = sample_files("courses/csv_files", "good_")
ZOOM_SAMPLES = sample_files("progress/zoom_files")
GOOD_ZOOM_REPORTS = sample_files("progress/zoom_files", "participants_", "variant_", "attendee_")
filenames = st.one_of(st.sampled_from(("people.csv", "", "\x00.csv", "../people.csv")), st.text(max_size=30))


def _unchanged_but_pending(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [table for table in before if table != "pending_imports" and before[table] != after[table]]


def _enrolled_emails(site: Site, course_id: int) -> set[str]:
    with site.app.app_context():
        emails = set(
            db.session.scalars(
                select(User.email).join(Enrolment, Enrolment.user_id == User.id).where(Enrolment.course_id == course_id)
            )
        )
        db.session.remove()
    return emails


def _row_emails(site: Site, data: bytes) -> set[str]:
    with site.app.test_request_context(), site.app.app_context():
        preview = parse_registrations(data, set(db.session.scalars(select(User.email))))
        db.session.remove()
    return {row.values.email for row in preview.rows if row.values}


@fuzz_settings(60)
@given(
    data=st.one_of(registration_csv(), mutated(GOOD_REGISTRATIONS, most=2), mutated(REGISTRATION_SAMPLES), files),
    filename=filenames,
)
def test_registration_import(site: Site, data: bytes, filename: str):
    site.restore()
    client, course = site.client("site_coordinator"), site.values()["course"]
    before = site.counts()
    upload = client.post(
        f"/courses/{course}/people/import",
        data={"file": (BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert_no_server_error(upload, "upload")
    page_of(upload)
    if upload.status_code != 302:
        event("registration: upload refused")
        assert upload.status_code in (400, 422), "a refused upload is shown with its error"
        assert not _unchanged_but_pending(before, site.counts())
        return
    confirm_url = upload.location
    assert_no_server_error(client.get(confirm_url), "preview")
    confirm = client.post(confirm_url, data={})
    assert_no_server_error(confirm, "confirm")
    page_of(confirm)
    after = site.counts()
    if confirm.status_code == 302 and confirm.location.endswith(f"/courses/{course}/people/"):
        event("registration: imported")
        rows = _row_emails(site, data)
        assert rows and rows <= _enrolled_emails(site, course), "imported only in part"
    else:
        event("registration: refused at confirmation")
        assert confirm.status_code == 422, "a refused import is the preview again, with what is wrong"
        assert not _unchanged_but_pending(before, after), "a refused import changed something"


ZOOM_REFUSALS = (
    "This file cannot be read as a Zoom participant report",
    "Choose the Zoom participant report",
    "The file is larger than 5 MB",
)


def _upload_zoom(site: Site, client, data: bytes, threshold: str, follow_redirects: bool = False):
    course, session = site.values()["course"], site.values()["session"]
    return client.post(
        f"/courses/{course}/attendance/{session}/zoom",
        data={"file": (BytesIO(data), "zoom.csv"), "threshold": threshold},
        content_type="multipart/form-data",
        follow_redirects=follow_redirects,
    )


@fuzz_settings(60)
@given(
    data=st.one_of(mutated(GOOD_ZOOM_REPORTS, most=2), mutated(ZOOM_SAMPLES), files),
    threshold=st.one_of(st.sampled_from(("", "45")), numbers),  # often valid: the file is what is fuzzed
)
def test_zoom_report_import(site: Site, data: bytes, threshold: str):
    site.restore()
    client = site.client("trainer")
    before = site.counts()
    landed = _upload_zoom(site, client, data, threshold, follow_redirects=True)
    assert_no_server_error(landed, "upload and preview")
    page, preview_url = page_of(landed), landed.request.path
    if "/zoom/" not in preview_url:
        event("zoom: refused")
        assert any(refusal in page for refusal in ZOOM_REFUSALS), "a refused report says why"
        assert not _unchanged_but_pending(before, site.counts()), "a refused report changed something"
        return
    event("zoom: preview shown")
    confirm = client.post(preview_url, data={"threshold": threshold}, follow_redirects=True)
    assert_no_server_error(confirm, "confirm")
    assert "Attendance recorded from Zoom" in page_of(confirm)


# The preview's choices for connections it could not match: match-<row> = <person id>.
matches = st.dictionaries(st.one_of(numbers, values).map(lambda key: f"match-{key}"), numbers, min_size=1, max_size=4)


@fuzz_settings(40)
@given(threshold=numbers, choices=matches)
def test_zoom_preview_fields(site: Site, threshold: str, choices: dict[str, str]):
    site.restore()
    client = site.client("trainer")
    upload = _upload_zoom(site, client, GOOD_ZOOM_REPORTS[0], "")
    assert upload.status_code == 302 and "/zoom/" in upload.location
    page_of(upload)
    url = upload.location.partition("?")[0]
    preview = client.get(url, query_string={"threshold": threshold})
    assert_no_server_error(preview, "preview")
    page_of(preview)
    confirm = client.post(url, data={"threshold": threshold, **choices}, follow_redirects=True)
    assert_no_server_error(confirm, "confirm")
    page_of(confirm)
