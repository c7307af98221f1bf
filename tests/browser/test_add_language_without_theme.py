"""A language Babel knows and Material does not translate, added with one command, seen in a browser:
`add-language sw` (Kiswahili) on a copy of the small third-party project of tests/fixtures/labml_style, outside the
repository, one title translated, en and sw built with the generator run from there (`python -m tools`).

The pages say they are in Kiswahili and the switcher says so; Material's words, which it has in English only, are
English marked lang="en" (tools/chrome.py), and nothing of Kiswahili is; search finds Kiswahili words."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import _Handler
from tests.browser.test_add_language import _tools
from tools.chrome import HUMAN_ATTRIBUTES, MARK
from tools.languages import material_words

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "labml_style"
BASE = "/mylab/"  # the path of the fixture's site_url, which the server mirrors
TITLE = "Generalized Advantage Estimation (GAE)"
SWAHILI_TITLE = "Ukadiriaji wa Faida kwa Ujumla (GAE)"
# Material's English words a reader meets (not its settings: language, direction, search.config.*), as patterns:
# "#" stands for a number.
ENGLISH = {key: text for key, text in material_words("en").items()
           if key not in ("language", "direction") and not key.startswith("search.config.") and len(text) > 3}


@pytest.fixture(scope="module")
def swahili_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """(server URL, output folder, what add-language printed)."""
    project = tmp_path_factory.mktemp("swahili") / "mylab-repo"
    shutil.copytree(FIXTURE, project)
    assert REPO not in project.parents
    _tools(project, "extract")
    added = _tools(project, "add-language", "sw")
    catalog = project / "translations" / "sw" / "rl" / "gae.py.json"
    entries = json.loads(catalog.read_text(encoding="utf-8"))
    entries[TITLE] = SWAHILI_TITLE
    catalog.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    built = _tools(project, "build", "--lang", "en", "--lang", "sw", "--out", "out")
    assert "ERROR" not in built and "WARNING" not in built, built
    out = project / "out"
    handler = functools.partial(type("Handler", (_Handler,), {"base_path": BASE}), directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{BASE}", out, added
    server.shutdown()
    server.server_close()



def _pages(out: Path, lang: str) -> list[str]:
    return sorted("" if path.parent == out / lang else path.parent.relative_to(out / lang).as_posix() + "/"
                  for path in (out / lang).rglob("index.html") if "search" not in path.parts)


# Every element a reader meets Material's English in (its text, or a readable attribute), with the language it is
# marked in; and every element whose own text is in Kiswahili (from the catalog), with its language.
LANGUAGES_OF_WORDS = """([english, swahili, attributes]) => {
  const patterns = english.map((text) => new RegExp("^" + text.replace(/[.*+?^${}()|[\\]\\\\]/g, "\\\\$&")
    .replace("#", "\\\\d+") + "$"));
  const isEnglish = (text) => patterns.some((pattern) => pattern.test(text.trim()));
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest("script, style, .ap-untranslated")) continue;
    const lang = element.closest("[lang]")?.getAttribute("lang");
    for (const name of attributes) {
      const value = element.getAttribute(name);
      if (value && isEnglish(value)) found.push({what: `${element.tagName}[${name}=${value}]`, lang, english: true});
    }
    for (const node of element.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
      if (isEnglish(node.textContent)) found.push({what: node.textContent.trim(), lang, english: true});
      else if (swahili.some((word) => node.textContent.includes(word)))
        found.push({what: node.textContent.trim(), lang, english: false});
    }
  }
  return found;
}"""


def _words(tab: Any) -> list[dict[str, Any]]:
    return tab.evaluate(LANGUAGES_OF_WORDS, [list(ENGLISH.values()), ["Ukadiriaji", "Kiswahili"],
                                             sorted(HUMAN_ATTRIBUTES)])


def test_add_language_says_material_has_no_translation_and_where_to_give_one(swahili_site) -> None:
    _, out, added = swahili_site
    assert [line for line in added.splitlines() if line.startswith("note: Material")] == [
        "note: Material for MkDocs has no translation into Kiswahili (sw): its words (search box, table of contents, "
        '...) are shown in English, marked lang="en"; translate them in site/labels.yml as sw: theme.<key>: text, '
        "with the keys of Material's partials/languages/en.html (theme.search.placeholder, theme.toc, ...)"]
    # No mark is left in any file of the site (pages, 404 pages, search index, sitemaps), nor written as JSON.
    marks = [*MARK, *(json.dumps(mark)[1:-1] for mark in MARK)]
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".js"):
            text = path.read_text(encoding="utf-8").lower()
            assert not [mark for mark in marks if mark in text], path


def test_every_page_says_it_is_in_kiswahili_and_the_switcher_marks_kiswahili(swahili_site, tab) -> None:
    server, out, _ = swahili_site
    pages = _pages(out, "sw")
    assert len(pages) > 10 and _pages(out, "en") == pages
    for lang, name in (("sw", "Kiswahili"), ("en", "English")):
        for path in [*pages, "404.html"]:
            tab.goto(f"{server}{lang}/{path}", wait_until="domcontentloaded")
            facts = tab.evaluate("""() => ({
              lang: document.documentElement.lang,
              current: [...document.querySelectorAll(".md-header a.ap-lang[aria-current=true]")]
                .map((link) => link.getAttribute("hreflang")),
              marked: [...document.querySelectorAll(".md-header a.ap-lang--current")].map((link) => link.hreflang),
              button: [document.querySelector(".ap-lang-name").textContent.trim(),
                       document.querySelector(".ap-lang-name").lang],
              notFound: document.querySelector(".ap-not-found")?.dataset.lang,
            })""")
            assert facts["lang"] == lang and facts["current"] == facts["marked"] == [lang], (path, facts)
            assert facts["button"] == [name, lang], (path, facts)
            assert facts["notFound"] in (None, lang), (path, facts)
    assert tab.problems == []


def test_materials_english_is_marked_english_and_kiswahili_is_not(swahili_site, tab) -> None:
    server, _, _ = swahili_site
    tab.goto(f"{server}sw/rl/gae/", wait_until="load")
    words = _words(tab)
    english = [word for word in words if word["english"]]
    shown = {word["what"] for word in english}
    for expected in ("Skip to content", "Table of contents", "Back to top", "INPUT[placeholder=Search]",
                     "NAV[aria-label=Navigation]", "NAV[aria-label=Header]", "BUTTON[title=Clear]"):
        assert expected in shown, (expected, sorted(shown))
    assert [word for word in english if word["lang"] != "en"] == []
    swahili = [word for word in words if not word["english"]]
    assert {word["what"] for word in swahili} >= {SWAHILI_TITLE, "Kiswahili"}, swahili
    assert [word for word in swahili if word["lang"] != "sw"] == []
    # The words Material's script writes: the copy button of each code block (and the search's, below).
    copy = tab.locator(".md-code__button[data-md-type=copy], .md-clipboard")
    assert copy.count() > 0
    assert set(copy.evaluate_all("buttons => buttons.map((button) => button.closest('[lang]').lang)")) == {"en"}
    # The site's own labels that add-language wrote in English are marked English too (the theme toggle).
    assert set(tab.locator("label[for^=__palette]").evaluate_all(
        "labels => labels.map((label) => label.closest('[lang]').lang)")) == {"en"}
    assert tab.problems == []


def test_search_finds_kiswahili_words_with_materials_english_marked(swahili_site, tab) -> None:
    server, _, _ = swahili_site
    tab.goto(f"{server}sw/", wait_until="load")
    search = tab.locator("input.md-search__input")
    search.click()
    search.fill("ukadiriaji")
    search.press("End")
    results = tab.locator(".md-search-result__item a.md-search-result__link")
    results.first.wait_for(timeout=15_000)
    hrefs = results.evaluate_all("links => links.map((link) => link.href)")
    assert hrefs and all(href.startswith(f"{server}sw/") for href in hrefs), hrefs
    assert any(href.startswith(f"{server}sw/rl/gae/") for href in hrefs), hrefs
    meta = tab.locator(".md-search-result__meta")
    assert re.fullmatch(r"\d+ matching documents?", meta.inner_text().strip()), meta.inner_text()
    assert meta.evaluate("element => element.closest('[lang]').lang") == "en"
    title = tab.locator(".md-search-result__item", has_text="Ukadiriaji").first
    assert title.evaluate("element => element.closest('[lang]').lang") == "sw"
    words = _words(tab)
    assert [word for word in words if word["english"] and word["lang"] != "en"] == []
    assert [word for word in words if not word["english"] and word["lang"] != "sw"] == []
    assert tab.problems == []
