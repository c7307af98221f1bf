"""The built site in a real browser: every page of every language, maths, switcher, search, links, layout."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# What a rendered page reports about its maths and text (run in the page).
PAGE_FACTS = """() => {
  const main = document.querySelector("article.md-content__inner") || document.body;
  const clone = main.cloneNode(true);
  clone.querySelectorAll("pre, code, .katex, script, style").forEach((element) => element.remove());
  const text = clone.textContent;
  return {
    lang: document.documentElement.lang,
    dollars: (text.match(/\\$/g) || []).length,
    rawTex: /\\\\\\(|\\\\\\[|\\\\begin\\{/.test(text),
    arithmatex: document.querySelectorAll(".arithmatex").length,
    unrendered: document.querySelectorAll(".arithmatex:not([data-rendered])").length,
    mathErrors: document.querySelectorAll(".ap-math-error, .katex-error").length,
    katex: document.querySelectorAll(".katex").length,
  };
}"""


def page_urls(built_site: Any, server: str) -> list[str]:
    """Every page of every language (from the sitemaps), each language's 404 page, and the root page."""
    urls = [server]
    for lang in built_site.languages:
        tree = ET.parse(built_site.out / lang / "sitemap.xml")
        for loc in tree.getroot().iter(f"{SITEMAP}loc"):
            assert loc.text and loc.text.startswith(built_site.site_url), loc.text
            urls.append(server + loc.text[len(built_site.site_url):])
        urls.append(f"{server}{lang}/404.html")
    return urls


def test_every_page_of_every_language_loads_cleanly_with_its_maths_rendered(built_site: Any, site_server: str,
                                                                             page: Any) -> None:
    urls = page_urls(built_site, site_server)
    assert len(urls) > 3 * 3, urls
    pages_with_maths = 0
    for url in urls:
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, (url, response and response.status)
        facts = page.evaluate(PAGE_FACTS)
        if url == site_server:  # the root page sent the browser (en-US) to the English site
            assert page.url == f"{site_server}en/", page.url
        assert facts["mathErrors"] == 0, (url, facts)
        assert facts["unrendered"] == 0, (url, facts)
        assert facts["dollars"] == 0 and not facts["rawTex"], (url, facts)
        pages_with_maths += facts["katex"] > 0
    assert page.problems == []
    # The GAE and loss pages, among others, are full of maths in every language.
    assert pages_with_maths >= 3 * 2


def test_gae_page_renders_inline_display_and_aligned_maths(site_server: str, page: Any) -> None:
    for lang in ("en", "ja", "zh"):
        page.goto(f"{site_server}{lang}/ppo/gae/", wait_until="load")
        assert page.locator(".ap-section .katex").count() > 5
        assert page.locator(".ap-section .katex-display").count() >= 1
        assert page.evaluate(PAGE_FACTS)["lang"] == lang
    assert page.problems == []


def _switch(page: Any, lang: str) -> None:
    page.hover(".md-header__option .md-select")
    page.locator(f"a.ap-lang[hreflang={lang}]").click()
    page.wait_for_load_state("load")


def test_language_switcher_stays_on_the_same_page_and_section(site_server: str, page: Any) -> None:
    page.goto(f"{site_server}ja/ppo/gae/#section-2", wait_until="load")
    _switch(page, "en")
    assert page.url == f"{site_server}en/ppo/gae/#section-2"
    assert page.evaluate("document.documentElement.lang") == "en"
    _switch(page, "zh")
    assert page.url == f"{site_server}zh/ppo/gae/#section-2"
    assert page.evaluate("document.documentElement.lang") == "zh"
    _switch(page, "ja")
    assert page.url == f"{site_server}ja/ppo/gae/#section-2"
    # The home page and the API reference switch to themselves too.
    page.goto(f"{site_server}ja/", wait_until="load")
    _switch(page, "zh")
    assert page.url == f"{site_server}zh/"
    page.goto(f"{site_server}zh/api/ppo/gae/", wait_until="load")
    _switch(page, "en")
    assert page.url == f"{site_server}en/api/ppo/gae/"
    assert page.problems == []


@pytest.mark.parametrize(("lang", "word"), [("ja", "方策"), ("zh", "策略")])
def test_search_finds_the_word_in_pages_of_that_language_only(site_server: str, page: Any, lang: str,
                                                              word: str) -> None:
    page.goto(f"{site_server}{lang}/", wait_until="load")
    search = page.locator("input.md-search__input")
    search.click()
    search.fill(word)
    search.press("End")  # fill() of non-ASCII text fires no keyup, which Material's search listens to
    results = page.locator(".md-search-result__item a.md-search-result__link")
    results.first.wait_for(timeout=15_000)
    hrefs = results.evaluate_all("links => links.map((link) => link.href)")
    assert hrefs
    assert all(href.startswith(f"{site_server}{lang}/") for href in hrefs), hrefs
    assert word in page.locator(".md-search-result").inner_text()
    assert page.problems == []


def test_maths_in_search_results_is_rendered_not_raw_tex(site_server: str, page: Any) -> None:
    page.goto(f"{site_server}en/", wait_until="load")
    search = page.locator("input.md-search__input")
    search.click()
    search.fill("Mixing")  # the GAE heading "Mixing $k$-step estimates": \(k\) in the search index
    search.press("End")
    title = page.locator(".md-search-result__item", has_text="-step estimates").first
    title.wait_for(timeout=15_000)
    page.wait_for_function(r"""() => {
      const list = document.querySelector(".md-search-result__list");
      return list.querySelector(".katex") && !/\\\(|\\\[/.test(list.textContent);
    }""", timeout=5_000)
    assert title.locator(".katex").count() >= 1
    assert page.problems == []


def test_paper_code_and_colab_links_point_where_they_should(site_server: str, page: Any) -> None:
    colab = ("https://colab.research.google.com/github/annotated-ppo/annotated-ppo/blob/main/"
             "reference_impl/ppo/experiment.ipynb")
    blob = "https://github.com/annotated-ppo/annotated-ppo/blob/main/reference_impl/"
    for lang in ("en", "ja", "zh"):
        page.goto(f"{site_server}{lang}/", wait_until="load")
        assert page.locator("a.ap-paper").get_attribute("href") == "https://arxiv.org/abs/1707.06347"
        assert page.locator("a.ap-source").get_attribute("href") == "https://github.com/annotated-ppo/annotated-ppo"
        assert page.locator("a.ap-colab").get_attribute("href") == colab

        page.goto(f"{site_server}{lang}/ppo/gae/", wait_until="load")
        assert page.locator("a.ap-paper").get_attribute("href") == "https://arxiv.org/abs/1506.02438"
        assert page.locator("a.ap-source").get_attribute("href") == blob + "ppo/gae.py"
        assert page.locator("a.ap-colab").get_attribute("href") == colab
        badge = page.locator("a.ap-colab img")
        assert badge.evaluate("image => image.complete && image.naturalWidth > 0"), "the Colab badge did not load"
        views = page.locator("a.ap-view-code").evaluate_all("links => links.map((link) => link.href)")
        sections = page.locator(".ap-section").count()
        assert len(views) == sections > 3
        for href in views:
            assert re.fullmatch(re.escape(blob) + r"ppo/gae\.py#L\d+(-L\d+)?", href), href
        # Every section is linkable.
        anchors = page.locator(".ap-section").evaluate_all("sections => sections.map((s) => s.id)")
        assert anchors == [f"section-{n}" for n in range(1, sections + 1)]
    assert page.problems == []


def test_notes_sit_beside_the_code_on_a_wide_screen_and_above_it_on_a_phone(site_server: str, page: Any) -> None:
    def boxes() -> tuple[dict[str, float], dict[str, float]]:
        section = page.locator(".ap-section:has(.ap-code)").nth(1)
        return section.locator(".ap-note").bounding_box(), section.locator(".ap-code").bounding_box()

    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{site_server}ja/ppo/gae/", wait_until="load")
    note, code = boxes()
    assert note["x"] + note["width"] <= code["x"] + 1
    assert abs(note["y"] - code["y"]) < 2

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload(wait_until="load")
    note, code = boxes()
    assert code["y"] >= note["y"] + note["height"] - 1
    assert page.problems == []


def test_screenshot_of_each_language(site_server: str, page: Any, artifacts: Any) -> None:
    def shoot(url: str, name: str) -> None:
        page.goto(url, wait_until="load")
        page.wait_for_timeout(400)  # let the header's title transition settle
        page.screenshot(path=str(artifacts / name))

    for lang in ("en", "ja", "zh"):
        page.set_viewport_size({"width": 1400, "height": 1000})
        shoot(f"{site_server}{lang}/ppo/gae/", f"site-{lang}-gae.png")
        shoot(f"{site_server}{lang}/", f"site-{lang}-home.png")
        shoot(f"{site_server}{lang}/api/ppo/gae/", f"site-{lang}-api-gae.png")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(f"{site_server}ja/ppo/gae/#section-2", "site-ja-gae-phone.png")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.emulate_media(color_scheme="dark")  # followed while the reader has not chosen a scheme
    for lang in ("en", "zh"):
        shoot(f"{site_server}{lang}/ppo/losses/#section-2", f"site-{lang}-losses-dark.png")
    page.emulate_media(color_scheme="light")
    assert page.problems == []
