"""Browser journeys in real headless Chromium (Debian's), driven by Playwright.

Playwright never downloads a browser here: it launches /usr/bin/chromium with flags that keep
it from contacting any host but this machine (see shared/browser-testing.md).

Every page a journey shows is checked without the journey asking (`PageChecks`): axe-core finds
no serious or critical accessibility violation, `<html lang>` is the page's language, the page
weighs under 100 KB transferred, and the browser asks no host but the test server for anything.
"""

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import greenlet
import pytest
from playwright._impl._sync_base import SyncBase
from playwright.sync_api import Browser, BrowserContext, Frame, Page, Request, Response, Route, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The impacts that fail a journey; A11Y_IMPACTS=minor,moderate,serious,critical shows them all.
FAILING_IMPACTS = os.environ.get("A11Y_IMPACTS", "serious,critical").split(",")
PAGE_BUDGET = 100_000  # bytes transferred by one page load: document, stylesheet, scripts, images
USER_UPLOADS = re.compile(r"/groups/attachments/\d+")

# Runs axe-core and weighs the page, in the page. Resource Timing's transferSize is what came
# over the wire (encoded body + headers). Routing every request (below) turns Chromium's HTTP
# cache off, so each page is weighed cold. Requests the page's scripts make later (fetch) are
# not part of its load.
MEASURE = """async (impacts) => {
  window.__pageChecked = true;  // a new document starts without it; a #fragment keeps it
  const results = await axe.run(document, {resultTypes: ["violations"]});
  const loads = performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
    .filter(e => !["fetch", "xmlhttprequest", "beacon"].includes(e.initiatorType))
    .map(e => ({url: e.name, bytes: e.transferSize || e.encodedBodySize}));
  return {
    lang: document.documentElement.getAttribute("lang"),
    loads: loads,
    violations: results.violations.filter(v => impacts.includes(v.impact)).map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
      more: Math.max(0, v.nodes.length - 5),
    })),
  };
}"""


class PageChecks:
    """Checks each document shown in the contexts it instruments, and collects what is wrong.

    When a page's main frame commits a new document, the page is marked; the next call the
    journey makes into Playwright (a click, an `expect`, a `goto`, closing the context) first
    waits for that document's load event and checks it. The journey is paused there and nothing
    navigates, so every page is checked whole, before the journey can leave it, and new journeys
    are checked without asking for it.
    """

    def __init__(self, origin: str):
        self.origin = origin
        self.netloc = urlsplit(origin).netloc
        self.problems: list[str] = []
        self.checked: list[str] = []  # the pages checked, in order
        self.weights: dict[str, int] = {}  # path -> heaviest load seen, for the report
        self.contexts: list[BrowserContext] = []
        self._pending: dict[int, Page] = {}  # pages with a document not checked yet
        self._languages: dict[int, str | None] = {}  # id(page) -> its document's Content-Language
        self._journey = greenlet.getcurrent()  # the test's own greenlet (handlers run in others)
        self._busy = False

    # -- wiring -----------------------------------------------------------------------------
    def instrument(self, context: BrowserContext) -> BrowserContext:
        if not AXE.exists():
            pytest.fail(f"{AXE} is missing: run `make test-tools` (npm ci; make test does).")
        context.add_init_script(path=str(AXE))  # evaluated by DevTools: the page's CSP stays on
        context.on("page", self.watch)
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.route("**/*", self._on_route)
        self.contexts.append(context)
        return context

    def watch(self, page: Page) -> None:
        if getattr(page, "_checks_watched", False):
            return
        page._checks_watched = True
        page.on("framenavigated", lambda frame: self._on_navigated(page, frame))

    def before_call(self) -> None:
        """Called before every sync Playwright call: checks documents loaded since the last."""
        if self._pending and not self._busy and greenlet.getcurrent() is self._journey:
            self._busy = True
            try:
                self.check_pending()
            finally:
                self._busy = False

    def _on_navigated(self, page: Page, frame: Frame) -> None:
        if frame.parent_frame is None and frame.url.startswith(self.origin):
            self._pending[id(page)] = page

    def _elsewhere(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme not in ("data", "blob", "about") and parts.netloc != self.netloc

    def _on_request(self, request: Request) -> None:
        if self._elsewhere(request.url):
            self.problems.append(f"{request.frame.url}: request to another host: {request.method} {request.url}")

    def _on_response(self, response: Response) -> None:
        request = response.request
        if request.is_navigation_request() and not 300 <= response.status < 400:
            if request.frame.parent_frame is None:
                self._languages[id(request.frame.page)] = response.headers.get("content-language")

    def _on_route(self, route: Route) -> None:
        if self._elsewhere(route.request.url):
            route.abort("blockedbyclient")
        else:
            route.continue_()

    # -- checks -----------------------------------------------------------------------------
    def check_pending(self) -> None:
        while self._pending:
            _, page = self._pending.popitem()
            if page.is_closed():
                continue
            try:
                page.wait_for_load_state("load")
                if not page.evaluate("window.__pageChecked === true"):
                    self.check(page)
            except Exception as error:  # recorded: raising here would lose the journey's own call
                self.problems.append(f"{page.url}: could not be checked: {error}")

    def check(self, page: Page) -> None:
        url = page.url
        where = url.removeprefix(self.origin)
        result = page.evaluate(MEASURE, FAILING_IMPACTS)
        self.checked.append(where)
        for v in result["violations"]:
            more = f" and {v['more']} more" if v["more"] else ""
            targets = ", ".join(v["targets"])
            self.problems.append(f"{where}: axe {v['impact']} {v['id']}: {v['help']} — {targets}{more}")
        expected = self._languages.get(id(page))
        if not result["lang"]:
            self.problems.append(f"{where}: <html> has no lang attribute")
        elif expected and result["lang"] != expected:
            self.problems.append(f"{where}: <html lang={result['lang']!r}> but the page is in {expected!r}")
        loads = [load for load in result["loads"] if not USER_UPLOADS.search(load["url"])]
        weight = sum(load["bytes"] for load in loads)
        path = urlsplit(url).path
        self.weights[path] = max(weight, self.weights.get(path, 0))
        if weight >= PAGE_BUDGET:
            heaviest = sorted(loads, key=lambda load: -load["bytes"])[:4]
            parts = ", ".join(f"{load['url'].removeprefix(self.origin)} {load['bytes']:,}" for load in heaviest)
            self.problems.append(f"{where}: {weight:,} bytes transferred (budget {PAGE_BUDGET:,}): {parts}")

    def finish(self) -> None:
        """Checks what is still unchecked; fails listing every problem found."""
        self.before_call()
        for path, weight in self.weights.items():
            _heaviest[path] = max(weight, _heaviest.get(path, 0))
        if self.problems:
            unique = list(dict.fromkeys(self.problems))
            pytest.fail("Page checks failed:\n  " + "\n  ".join(unique), pytrace=False)


_active_checks: list[PageChecks] = []
_heaviest: dict[str, int] = {}  # across the run, for the terminal summary


def _checked_sync(original):
    def _sync(self, awaitable):
        for checks in _active_checks:
            checks.before_call()
        return original(self, awaitable)

    return _sync


# Every call of Playwright's sync API goes through SyncBase._sync: the one place to hook "before
# the journey's next step". (A private method: if an upgrade renames it, this line fails loudly.)
SyncBase._sync = _checked_sync(SyncBase._sync)


class CheckedBrowser:
    """The session's browser, whose new contexts are checked by this test's PageChecks."""

    def __init__(self, browser: Browser, checks: PageChecks):
        self._browser = browser
        self._checks = checks

    def new_context(self, **kwargs) -> BrowserContext:
        kwargs.setdefault("base_url", self._checks.origin)
        return self._checks.instrument(self._browser.new_context(**kwargs))

    def __getattr__(self, name):
        return getattr(self._browser, name)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    if _heaviest:
        pages = sorted(_heaviest.items(), key=lambda item: -item[1])[:8]
        terminalreporter.write_line(
            f"Heaviest pages of the journeys (bytes transferred, budget {PAGE_BUDGET:,}): "
            + ", ".join(f"{path} {weight:,}" for path, weight in pages)
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a journey passes, checks what it left unchecked; a problem fails the test itself."""
    result = yield
    checks = item.funcargs.get("page_checks")
    if isinstance(checks, PageChecks):
        checks.finish()
    return result


@pytest.fixture
def app_overrides():
    # The browser posts real forms: CSRF stays on, as in production.
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served on a free loopback port by a thread, for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_checks(live_server: str) -> Iterator[PageChecks]:
    checks = PageChecks(live_server)
    _active_checks.append(checks)
    try:
        yield checks
    finally:
        _active_checks.remove(checks)
        for context in checks.contexts:
            context.close()


@pytest.fixture
def browser(chromium: Browser, page_checks: PageChecks) -> CheckedBrowser:
    """The browser for journeys: every context it opens is checked page by page."""
    return CheckedBrowser(chromium, page_checks)


@pytest.fixture
def page(browser: CheckedBrowser, page_checks: PageChecks) -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page_checks.watch(page)
    page.set_default_timeout(10_000)
    return page
