"""Every form on the site, filled at random: never a 5xx.

The forms are found the way a person finds them: every page of test_authorization's ROUTES is
opened by each kind of visitor, and each <form method="post"> on it is kept with its fields
(inputs, selects with their options, text areas, files). An example picks a form and fills each
field with one of its options, a valid-looking value or anything at all, sometimes leaving fields
out or adding others, and sends it as the visitor who saw it.
"""

from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.conftest import Site, assert_no_server_error, fuzz_settings, page_of
from tests.fuzz.strategies import files, markdown, names, numbers, values
from tests.test_authorization import ROUTES

BEYOND = ("0", "999999", str(2**31), str(2**63 - 1), str(2**63), str(2**64))
VISITORS = ("anonymous", "participant", "trainer", "scoped_coordinator", "site_coordinator")


class Form:
    def __init__(self, visitor: str, action: str, on_page: bool = True):
        self.visitor, self.action, self.on_page = visitor, action, on_page
        self.fields: dict[str, tuple[str, list[str]]] = {}  # name → (kind, options or [value])

    def key(self) -> tuple:
        return self.visitor, self.action, tuple(sorted(self.fields))

    def __repr__(self) -> str:
        return f"<form {self.visitor} {self.action} {sorted(self.fields)}>"


class Forms(dict):
    """Forms by endpoint; printed short when Hypothesis shows a failing example's arguments."""

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text("forms")


class FormParser(HTMLParser):
    def __init__(self, visitor: str, page: str):
        super().__init__()
        self.visitor, self.page = visitor, page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and attributes.get("method", "get").lower() == "post":
            self.form = Form(self.visitor, urlsplit(attributes.get("action") or self.page).path)
            self.forms.append(self.form)
        elif self.form is None or "name" not in attributes and tag != "option":
            return
        elif tag == "input" and attributes.get("type") not in ("submit", "button", "reset"):
            kind = attributes.get("type", "text")
            name = attributes["name"]
            previous = self.form.fields.get(name, (kind, []))[1]
            self.form.fields[name] = (kind, [*previous, attributes.get("value", "")])
        elif tag == "textarea":
            self.form.fields[attributes["name"]] = ("textarea", [])
        elif tag == "select":
            self.select = attributes["name"]
            self.form.fields[self.select] = ("select", [])
        elif tag == "option" and self.select:
            self.form.fields[self.select][1].append(attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


@pytest.fixture(scope="module")
def forms(fuzz_site: Site) -> Forms:
    """Every post form any kind of visitor is shown on any page, by the endpoint it posts to.

    A route no page has a form for (a button shown only in some state) gets one made from its
    line in ROUTES: its URL, the form data there, and the first visitor allowed to post.
    """
    fuzz_site.restore()
    adapter = fuzz_site.app.url_map.bind("localhost")
    found: dict[tuple, Form] = {}
    for visitor in VISITORS:
        client = fuzz_site.client(visitor)
        for spec in ROUTES.values():
            if spec.get is None or spec.get[visitor] != "ok":
                continue
            path = spec.path.format(**fuzz_site.values(visitor))
            parser = FormParser(visitor, urlsplit(path).path)
            parser.feed(page_of(client.get(path)))
            for form in parser.forms:
                found.setdefault(form.key(), form)
        fuzz_site.restore()
    fuzz_site.clients.clear()
    by_endpoint = Forms()
    for form in sorted(found.values(), key=Form.key):
        by_endpoint.setdefault(adapter.match(form.action, method="POST")[0], []).append(form)
    for endpoint, spec in ROUTES.items():
        if spec.post and endpoint not in by_endpoint:
            visitor = next(v for v in reversed(VISITORS) if spec.post[v] == "ok")
            values = fuzz_site.values(visitor)
            form = Form(visitor, spec.path.format(**values), on_page=False)
            form.fields = {name: ("text", [value.format(**values)]) for name, value in spec.data.items()}
            by_endpoint[endpoint] = [form]
    return by_endpoint


def test_most_post_routes_have_a_form_on_some_page(forms: Forms):
    """The fuzzing fills real forms: nearly every POST route has one on a page (the rest, buttons
    shown only in some state, are filled from ROUTES)."""
    posts = {endpoint for endpoint, spec in ROUTES.items() if spec.post}
    assert set(forms) == posts
    on_pages = [endpoint for endpoint, found in forms.items() if any(form.on_page for form in found)]
    assert len(on_pages) >= 45, sorted(posts - set(on_pages))


@st.composite
def filled(draw, form: Form) -> dict:
    data: dict = {}
    for name, (kind, options) in form.fields.items():
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            continue  # left out
        if kind == "file":
            filename = st.one_of(st.sampled_from(("upload.csv", "\x00.csv")), st.text(max_size=20))
            data[name] = (BytesIO(draw(files)), draw(filename))
            continue
        choices = [st.one_of(numbers, values)]
        if options:
            choices.append(st.sampled_from(options))
            if all(option.isdigit() for option in options if option):  # ids: also the ones past every range
                choices.append(st.sampled_from(BEYOND))
        if kind == "textarea":
            choices.append(markdown(max_pieces=6))
        if kind in ("checkbox", "select") and options and draw(st.booleans()):
            data[name] = draw(st.lists(st.one_of(*choices), max_size=3))  # several values for one name
            continue
        data[name] = draw(st.one_of(*choices))
    for name, value in draw(st.lists(st.tuples(names, values), max_size=2)):
        data.setdefault(name, value)
    return data


@pytest.mark.parametrize("endpoint", sorted(endpoint for endpoint, spec in ROUTES.items() if spec.post))
@fuzz_settings(6)
@given(data=st.data())
def test_every_form_filled_at_random(site: Site, forms: Forms, endpoint: str, data):
    form = data.draw(st.sampled_from(forms[endpoint]), label="form")
    fields = data.draw(filled(form), label="fields")
    site.restore()
    site.clients.clear()  # a form may sign the visitor out
    client = site.client(form.visitor)
    has_file = any(kind == "file" for kind, _options in form.fields.values())
    response = client.post(
        form.action,
        data=fields,
        content_type="multipart/form-data" if has_file else None,
        follow_redirects=True,
    )
    event(f"status {response.status_code}")
    assert_no_server_error(response, f"{form.visitor} {form.action}")
    page_of(response)
