"""Random Markdown, form fields and files at what people write: group submissions and their
attachments, shared experiences and comments. Never a 5xx, on the POST or on the page that then
shows the text, and none of the script, frames or event handlers in the Markdown reaches the page
as markup; an attachment is stored whole or not at all."""

import re
from io import BytesIO

from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.conftest import Site, assert_no_server_error, fuzz_settings, page_of
from tests.fuzz.strategies import files, markdown, numbers, values

# Real tags (escaped text starts with &lt;): what the fuzzed Markdown tries to smuggle in.
INJECTED = re.compile(r"<script>alert|<iframe|<[a-z]+[^>]*\son(click|error)=", re.IGNORECASE)
C = "/courses/{course}"
SUBMISSION = C + "/groups/exercises/{exercise}/{group}"
EXPERIENCES = C + "/experiences"


def _url(site: Site, template: str) -> str:
    return template.format(**site.values("participant"))


def _checked(response, what: str) -> str:
    """The page, after checking it is no server error and shows no smuggled markup."""
    assert_no_server_error(response, what)
    page = page_of(response)
    injected = INJECTED.search(page)
    assert not injected, f"{what} shows {injected.group(0)!r}"
    return page


@fuzz_settings(60)
@given(text=st.one_of(markdown(), values), base_version=st.one_of(st.just("1"), numbers, values))
def test_group_submission(site: Site, text: str, base_version: str):
    """Version 1 is the group's latest: with it the text is saved, with anything else it is a
    conflict shown beside the latest text (both render the Markdown)."""
    site.restore()
    client, url = site.client("participant"), _url(site, SUBMISSION)
    saved = client.post(url, data={"text": text, "base_version": base_version}, follow_redirects=True)
    event(f"submission: {saved.status_code}")
    _checked(saved, "saving")
    for reader in ("participant", "trainer"):  # the group's page and the trainer's review
        _checked(site.client(reader).get(url), f"the submission for the {reader}")


@fuzz_settings(60)
@given(
    data=st.one_of(
        files,
        st.sampled_from((b"%PDF-1.4\n%%EOF\n", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"PK\x03\x04" + b"\0" * 40)),
    ),
    filename=st.one_of(
        st.sampled_from(("plan.pdf", "notes.txt", "x.exe", ".", "", "n\x00.txt")), st.text(max_size=200)
    ),
)
def test_attachment(site: Site, data: bytes, filename: str):
    site.restore()
    client, url = site.client("participant"), _url(site, SUBMISSION)
    before = site.counts()["attachments"]
    response = client.post(
        f"{url}/attachments",
        data={"file": (BytesIO(data), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = _checked(response, "attaching")
    added = site.counts()["attachments"] - before
    event(f"attachment: {'stored' if added else 'refused'}")
    assert added in (0, 1)
    assert ("File attached." in page) == (added == 1), "the message and what was stored disagree"


CHAPTER = "what-is-decentralized-cooperation"
# Half the posts have valid choices, so the title and Markdown are saved and shown; the others
# fuzz every field.
experience_forms = st.one_of(
    st.fixed_dictionaries(
        {
            "title": st.one_of(st.just("A review"), values),
            "text": markdown(),
            "country": st.sampled_from(("", "ID", "NP")),
            "sdgs": st.lists(st.integers(min_value=1, max_value=17).map(str), max_size=3),
            "chapter_slug": st.sampled_from(("", CHAPTER)),
        }
    ),
    st.fixed_dictionaries(
        {
            "title": values,
            "text": st.one_of(markdown(), values),
            "country": values,
            "sdgs": st.lists(st.one_of(st.integers(min_value=1, max_value=17).map(str), numbers), max_size=4),
            "chapter_slug": values,
        }
    ),
)


@fuzz_settings(40)
@given(form=experience_forms, edit=st.booleans())
def test_experience_post(site: Site, form: dict, edit: bool):
    site.restore()
    client = site.client("participant")
    url = _url(site, EXPERIENCES + ("/{experience}/edit" if edit else "/new"))
    posted = client.post(url, data=form, follow_redirects=True)
    event(f"experience: {posted.status_code}")
    _checked(posted, "posting")  # the post's page once saved
    _checked(site.client("trainer").get(_url(site, EXPERIENCES + "/")), "the list of posts")


@fuzz_settings(40)
@given(text=st.one_of(markdown(), values))
def test_comment(site: Site, text: str):
    site.restore()
    client = site.client("participant")
    posted = client.post(_url(site, EXPERIENCES + "/{experience}/comments"), data={"text": text}, follow_redirects=True)
    _checked(posted, "commenting")
    _checked(site.client("trainer").get(_url(site, EXPERIENCES + "/{experience}")), "the post with its comments")
