"""The built site, served on 127.0.0.1, and a real Chromium to open it: shared by the tests of this folder.

The site is built once per test session (a full build costs seconds of CPU): every test that uses it is marked
`@pytest.mark.xdist_group("site")`, so under `pytest -n 2 --dist loadgroup` they all run in the one worker that
built it.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tools.build import BuildReport, build_site
from tools.site_config import load_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass(frozen=True)
class BuiltSite:
    """A full build of the repository's site (every language) in a temporary folder."""

    out: Path
    report: BuildReport
    site_url: str  # the published root URL from mkdocs.yml, e.g. https://annotated-ppo.github.io/annotated-ppo/
    languages: tuple[str, ...]

    @property
    def base_path(self) -> str:
        """The path the site lives under on its host (`/annotated-ppo/`): the local server mirrors it."""
        return urlsplit(self.site_url).path or "/"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """`python -m tools build`, once per session, into a temporary folder (generated pages there too); or the
    site built before in `$ANNOTATED_PPO_BUILT_SITE`."""
    settings = load_settings()
    prebuilt = os.environ.get("ANNOTATED_PPO_BUILT_SITE")
    if prebuilt:  # iterating on these tests: serve a site built before (`python -m tools build --out DIR`)
        out = Path(prebuilt).resolve()
        return BuiltSite(out, BuildReport(out, [], 0.0), settings.site_url, tuple(settings.languages))
    work = tmp_path_factory.mktemp("site")
    lines: list[str] = []
    report = build_site(work / "out", work_dir=work / "generated", emit=lines.append)
    return BuiltSite(work / "out", report, settings.site_url, tuple(settings.languages))


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the build folder under the site's base path; anything else is a 404 with the root 404 page."""

    base_path = "/"

    def translate_path(self, path: str) -> str:
        local = unquote(urlsplit(path).path)
        if not local.startswith(self.base_path):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + local[len(self.base_path):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet: pytest shows failures, not access logs
        pass


@pytest.fixture(scope="session")
def site_server(built_site: BuiltSite) -> Iterator[str]:
    """The built site on http://127.0.0.1:<free port><base path>; yields that URL."""
    handler = functools.partial(type("Handler", (_Handler,), {"base_path": built_site.base_path}),
                                directory=str(built_site.out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{built_site.base_path}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Debian's Chromium, headless, with a fresh profile, driven by Playwright."""
    if not CHROMIUM.exists():  # a failure, not a skip: a suite without its browser tests must not pass quietly
        pytest.fail("/usr/bin/chromium is missing: `make browser` (part of `make test`) installs chromium and "
                    "fonts-noto-cjk with apt", pytrace=False)
    from playwright import sync_api
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 900}, locale="en-US")
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """`test-artifacts/` (git-ignored): screenshots a person looks at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def tab(browser_context: Any) -> Iterator[Any]:
    """A fresh tab that records console errors and script errors, for a test that serves a site of its own."""
    page = browser_context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"script error on {page.url}: {error}"))
    page.on("console", lambda message: page.problems.append(f"console error on {page.url}: {message.text}")
            if message.type == "error" else None)
    yield page
    page.close()


@pytest.fixture
def page(browser_context: Any, site_server: str) -> Iterator[Any]:
    """A fresh tab that records console errors, script errors and every request that leaves 127.0.0.1."""
    tab = browser_context.new_page()
    tab.problems = []
    local = site_server.split("/", 3)[:3]
    origin = "/".join(local) + "/"

    def on_console(message: Any) -> None:
        if message.type == "error":
            tab.problems.append(f"console error on {tab.url}: {message.text}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: tab.problems.append(f"script error on {tab.url}: {error}"))
    tab.on("request", lambda request: None if request.url.startswith((origin, "data:", "blob:"))
           else tab.problems.append(f"request leaving 127.0.0.1 from {tab.url}: {request.url}"))
    yield tab
    tab.close()
