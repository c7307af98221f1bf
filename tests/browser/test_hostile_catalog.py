"""A hostile catalog, built and opened in Chromium: a reader who searches meets no script and no foreign host.

Material reads its configuration from the first element with id `__config`, and the attribute list `{: #__config }`
at the end of a translated paragraph gave the paragraph that id, ahead of Material's own script element. The
paragraph's text, JSON, then chose the search worker (a `data:` script whose results carry an `onerror` handler,
which Material renders as HTML) or the base URL every request is made against (a foreign host). Both translations
must be refused by the build, as `check` refuses them.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import _Handler
from tools.build import build_site
from tools.check import Checker

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

REPO = Path(__file__).resolve().parents[2]
BASE = "/annotated-ppo/"  # the path of the configured site_url, which the server mirrors
LABELS = {key: "#" for key in ("search.result.placeholder", "search.result.none", "search.result.one",
                               "search.result.other", "search.result.more.one", "search.result.more.other",
                               "search.result.term.missing", "select.version", "clipboard.copy", "clipboard.copied")}
# A search worker that answers every query with a result whose title runs a script in the page.
WORKER = ("data:text/javascript,onmessage=function(e){if(e.data.type===0)postMessage({type:1});"
          "if(e.data.type===2)postMessage({type:3,data:{total:1,items:[[{location:'x',score:1,terms:{},text:'',"
          "title:'\\u003cimg src=x onerror=alert(document.domain)\\u003e'}]]}})}")


def takeover(config: dict[str, Any]) -> str:
    """A translation that is Material's configuration, with the id that makes the theme read it."""
    return json.dumps({"features": [], "translations": LABELS, "tags": None, "version": None, **config}) + \
        "\n{: #__config }"


def first_paragraph(template: dict[str, str]) -> str:
    return next(key for key, where in template.items()
                if "module docstring" in where and key[:1].isalpha())


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The Japanese site built from catalogs with the two takeovers; served on 127.0.0.1. Yields (URL, build log)."""
    work = tmp_path_factory.mktemp("hostile")
    translations = work / "translations"
    shutil.copytree(REPO / "translations", translations)
    import material  # the theme's own search worker, for the variant that only moves the base URL

    worker = next((Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "workers").glob(
        "search.*.min.js")).name
    for source, config in (("ppo/gae.py", {"base": "../..", "search": WORKER}),
                           ("ppo/losses.py", {"base": "https://evil.example/",
                                              "search": f"../../assets/javascripts/workers/{worker}"})):
        template = json.loads((translations / "en" / f"{source}.json").read_text(encoding="utf-8"))
        catalog = translations / "ja" / f"{source}.json"
        entries = json.loads(catalog.read_text(encoding="utf-8"))
        entries[first_paragraph(template)] = takeover(config)
        catalog.write_text(json.dumps(entries, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    # `check` refuses both, with the reason the build gives below.
    checker = Checker(translations, REPO / "reference_impl")
    problems = [str(problem) for source in ("ppo/gae.py", "ppo/losses.py")
                for problem in checker.check_file(translations / "ja" / f"{source}.json")]
    assert sum('attribute id="__config" that the English does not have' in problem for problem in problems) == 2
    log: list[str] = []
    build_site(work / "out", ["ja"], work_dir=work / "generated", translations=translations, emit=log.append)
    handler = functools.partial(type("Handler", (_Handler,), {"base_path": BASE}), directory=str(work / "out"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{BASE}", log
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("page", ["ppo/gae/", "ppo/losses/"])
def test_a_reader_searching_a_hostile_catalogs_pages_meets_no_script_and_no_foreign_host(hostile_site,
                                                                                          browser_context: Any,
                                                                                          page: str) -> None:
    server, log = hostile_site
    origin = server[: -len(BASE) + 1]
    tab = browser_context.new_page()
    dialogs: list[str] = []
    foreign: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("request", lambda request: None if request.url.startswith((origin, "data:image/", "blob:"))
           else foreign.append(request.url))
    try:
        tab.goto(f"{server}ja/{page}", wait_until="load")
        search = tab.locator("input.md-search__input")
        search.click()
        search.fill("方策")
        search.press("End")  # fill() of non-ASCII text fires no keyup, which Material's search listens to
        results = tab.locator(".md-search-result__item")
        with contextlib.suppress(PlaywrightTimeout):  # judged below, after what the page did meanwhile
            results.first.wait_for(timeout=15_000)
        tab.wait_for_timeout(500)  # time for an injected result's image to fail and its handler to run
        found = results.count()
        configs = tab.evaluate("[...document.querySelectorAll('[id=\"__config\"]')].map((e) => e.tagName)")
    finally:
        tab.close()
    assert dialogs == [] and foreign == []
    assert found > 0  # the site's own search answered
    assert configs == ["SCRIPT"]  # Material's own configuration, and no other element with its id
    refused = [line for line in log if "refused the translation" in line and 'id="__config"' in line]
    assert len(refused) == 2, log
