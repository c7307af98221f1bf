"""A language added with one command, seen in a browser: `add-language ko` on a copy of the project outside the
repository, built with the generator run from there (`python -m tools`, PYTHONPATH at this repository)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import _Handler

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

REPO = Path(__file__).resolve().parents[2]
BASE = "/annotated-ppo/"  # the path of the configured site_url, which the server mirrors
HEADING = "## Generalized advantage estimate"
KOREAN_HEADING = "## 일반화 어드밴티지 추정"


def _tools(project: Path, *argv: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-m", "tools", *argv], cwd=project, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def korean_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The project copied to a temporary folder, Korean added, one heading translated, en and ko built; served."""
    project = tmp_path_factory.mktemp("korean") / "project"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "reference_impl", project / "reference_impl",
                    ignore=shutil.ignore_patterns("__pycache__", "*.ipynb"))
    shutil.copytree(REPO / "translations", project / "translations")
    shutil.copytree(REPO / "site", project / "site", ignore=shutil.ignore_patterns("generated", "__pycache__"))
    _tools(project, "add-language", "ko")
    catalog = project / "translations" / "ko" / "ppo" / "gae.py.json"
    entries = json.loads(catalog.read_text(encoding="utf-8"))
    entries[HEADING] = KOREAN_HEADING
    catalog.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _tools(project, "build", "--lang", "en", "--lang", "ko", "--out", "out")
    out = project / "out"
    handler = functools.partial(type("Handler", (_Handler,), {"base_path": BASE}), directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{BASE}", out
    server.shutdown()
    server.server_close()



def test_the_added_language_has_a_site_with_its_words_and_english_marked_as_english(korean_site, tab) -> None:
    server, _ = korean_site
    tab.goto(f"{server}ko/ppo/gae/", wait_until="load")
    assert tab.evaluate("document.documentElement.lang") == "ko"
    assert "일반화 어드밴티지 추정" in tab.locator("article").inner_text()
    # Every untranslated note is English inside an element that says so; none is left unmarked.
    fallback = tab.evaluate("""() => [...document.querySelectorAll('.ap-untranslated')]
        .map((element) => element.closest('[lang]').getAttribute('lang'))""")
    assert fallback and set(fallback) == {"en"}
    # Material's own Korean for its chrome; the switcher lists Korean by its own name.
    assert tab.locator(".md-header button[aria-label='언어설정']").count() == 1
    assert tab.locator(".md-header a[hreflang='ko']").first.get_attribute("lang") == "ko"
    assert tab.problems == []


def test_the_switcher_lists_the_added_language_on_every_page(korean_site, tab) -> None:
    server, out = korean_site
    pages = sorted(path.parent.relative_to(out / lang).as_posix() for lang in ("en", "ko")
                   for path in (out / lang).rglob("index.html") if "search" not in path.parts)
    assert len(pages) > 40
    for lang in ("en", "ko"):
        for path in sorted(set(pages)):
            url = f"{server}{lang}/" + ("" if path == "." else f"{path}/")
            tab.goto(url, wait_until="domcontentloaded")
            links = tab.evaluate("""() => [...document.querySelectorAll('a[hreflang]')]
                .filter((link) => link.closest('.md-header')).map((link) => link.getAttribute('hreflang'))""")
            assert "ko" in links and links.index("ko") == len(links) - 1, (url, links)


def test_search_in_the_added_language_finds_its_words_on_its_pages(korean_site, tab) -> None:
    server, _ = korean_site
    tab.goto(f"{server}ko/", wait_until="load")
    search = tab.locator("input.md-search__input")
    search.click()
    search.fill("어드밴티지")
    search.press("End")  # fill() of non-ASCII text fires no keyup, which Material's search listens to
    results = tab.locator(".md-search-result__item a.md-search-result__link")
    results.first.wait_for(timeout=15_000)
    hrefs = results.evaluate_all("links => links.map((link) => link.href)")
    assert hrefs and all(href.startswith(f"{server}ko/") for href in hrefs), hrefs
    assert any("/ko/ppo/gae/" in href for href in hrefs), hrefs
    assert tab.problems == []
