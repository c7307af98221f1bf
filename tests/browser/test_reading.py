"""What a reader meets in the browser beyond a correct page: search in every language, layout, contrast, dark mode,
the language switch, and highlighting an identifier in the code with its symbol in the notes."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def search(page: Any, site_server: str, lang: str, query: str) -> list[str]:
    """The result links Material's search shows for `query` on the home page of `lang`."""
    page.goto(f"{site_server}{lang}/", wait_until="load")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # fill() of non-ASCII text fires no keyup, which Material's search listens to
    try:  # results for the whole query (an answer for part of it may show "no results" for a moment)
        page.wait_for_function("""(query) => document.querySelector(".md-search-result__item")
          && document.querySelector("input.md-search__input").value === query""", arg=query, timeout=10_000)
    except PlaywrightTimeout:
        return []
    return page.locator(".md-search-result__item > a.md-search-result__link").evaluate_all(
        "links => links.map((link) => link.href.split('?')[0])")


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("ja", "アドバンテージ推定", "ppo/gae/"), ("ja", "一般化アドバンテージ推定", "ppo/gae/"),
    ("ja", "PPOの損失", "ppo/losses/"), ("zh", "优势估计", "ppo/gae/"), ("zh", "广义优势估计", "ppo/gae/"),
])
def test_search_finds_compound_words_typed_without_spaces(site_server: str, page: Any, lang: str, query: str,
                                                          expected: str) -> None:
    hrefs = search(page, site_server, lang, query)
    assert hrefs, f"{query!r} found nothing on the {lang} site"
    assert all(href.startswith(f"{site_server}{lang}/") for href in hrefs), hrefs
    assert f"{site_server}{lang}/{expected}" in hrefs[:3], hrefs[:5]  # the page with that title, near the top
    assert page.problems == []


def _english_chrome(page: Any) -> list[str]:
    """Words of the page's own furniture (attributes, header, navigation, footer) with no CJK in them."""
    return page.evaluate(r"""() => {
      const skip = (el) => el.closest("pre, code, .katex, [lang=en], .md-search-result, .doc-heading, .ap-code, "
        + "script, style");
      const found = [];
      document.querySelectorAll("[title], [alt], [aria-label], [placeholder]").forEach((el) => {
        if (skip(el)) return;
        for (const name of ["title", "alt", "aria-label", "placeholder"])
          if (el.hasAttribute(name)) found.push(el.getAttribute(name));
      });
      document.querySelectorAll("header, footer, .md-sidebar").forEach((root) => {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        while (walker.nextNode())
          if (!skip(walker.currentNode.parentNode)) found.push(walker.currentNode.nodeValue.trim());
      });
      return [...new Set(found)].filter((text) => /[A-Za-z]{3,}/.test(text)
        && !/[\u3040-\u30ff\u3400-\u9fff]/.test(text));
    }""")


def test_no_english_chrome_on_japanese_and_chinese_pages(site_server: str, page: Any) -> None:
    # Names are not chrome: the site's and the repository's, the theme's, and code identifiers.
    names = {"Annotated PPO", "annotated-ppo/annotated-ppo", "Material for MkDocs", "Colab"}
    for lang in ("ja", "zh"):
        for path in ("", "ppo/gae/", "ppo/readme/", "api/ppo/gae/"):
            page.goto(f"{site_server}{lang}/{path}", wait_until="load")
            english = [text for text in _english_chrome(page)
                       if text not in names and not re.fullmatch(r"[a-z_][a-z0-9_.]*", text)]
            assert english == [], (lang, path, english)
            # The Colab badge is a picture: its text (an SVG) must not be English either.
            for src in page.locator("img[src*=colab]").evaluate_all("images => images.map((i) => i.src)"):
                svg = page.request.get(src).text()
                words = set(re.findall(r"[A-Za-z]{2,}", re.sub(r"<[^>]*>", " ", re.sub(r"<!--.*?-->", "", svg,
                                                                                              flags=re.S))))
                assert words <= {"Colab"}, (src, words)
    assert page.problems == []


def test_code_of_black_width_fits_its_column_at_1400px(site_server: str, page: Any) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    scrolled: list[str] = []
    blocks = 0
    for path in ("ppo/gae/", "ppo/losses/", "ppo/trainer/", "ppo/model/", "ppo/atari/"):
        page.goto(f"{site_server}en/{path}", wait_until="load")
        facts = page.locator(".ap-code pre > code").evaluate_all("""codes => codes.map((code) => ({
          columns: Math.max(...code.textContent.split("\\n").map((line) => line.length)),
          overflow: code.scrollWidth - code.clientWidth,
          id: code.closest(".ap-section").id,
        }))""")
        for fact in facts:
            blocks += 1
            if fact["columns"] <= 120 and fact["overflow"] > 1:
                scrolled.append(f"{path}#{fact['id']} ({fact['columns']} columns, {fact['overflow']}px)")
        # The copy button sits beside the code, not over its longest line.
        overlaps = page.evaluate("""() => [...document.querySelectorAll(".ap-code .md-clipboard")].filter((button) => {
          const code = button.closest("pre").querySelector("code");
          const range = document.createRange();
          range.selectNodeContents(code);
          const text = [...range.getClientRects()];
          const box = button.getBoundingClientRect();
          return text.some((r) => r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom);
        }).length""")
        assert overlaps == 0, (path, overlaps)
    assert blocks > 20
    assert scrolled == [], f"{len(scrolled)} of {blocks} code blocks scroll sideways: {scrolled[:8]}"
    assert page.problems == []


def test_display_maths_on_a_phone_starts_inside_the_text_margin(site_server: str, page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    for lang, path in (("en", "ppo/losses/"), ("ja", "ppo/losses/"), ("ja", "ppo/gae/")):
        page.goto(f"{site_server}{lang}/{path}", wait_until="load")
        lefts = page.evaluate("""() => {
          const note = document.querySelector(".ap-note p").getBoundingClientRect();
          // The box the formula is shown in (it scrolls sideways when the formula is wider).
          return [...document.querySelectorAll(".ap-note .katex-display")].map((display) => {
            const box = (display.closest("div.arithmatex") || display).getBoundingClientRect();
            return { start: box.left - note.left, right: box.right - note.right };
          });
        }""")
        assert lefts
        assert all(item["start"] >= -1 and item["right"] <= 1 for item in lefts), (lang, path, lefts)
    assert page.problems == []


@pytest.mark.parametrize(("scheme", "pages"), [
    ("light", (("en", "ppo/gae/"), ("zh", ""), ("en", "api/ppo/gae/"))),
    ("dark", (("ja", "ppo/gae/"), ("en", "ppo/trainer/"), ("zh", "api/ppo/gae/"))),
])
def test_text_contrast_meets_wcag_aa_by_axe(site_server: str, page: Any, scheme: str,
                                            pages: tuple[tuple[str, str], ...]) -> None:
    assert AXE.is_file(), f"{AXE} is missing: `npm ci` installs axe-core (package.json devDependencies)"
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{site_server}en/", wait_until="load")
    page.evaluate("localStorage.clear()")  # no choice of scheme stored: the system's is followed
    for lang, path in pages:
        page.goto(f"{site_server}{lang}/{path}", wait_until="load")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
          const result = await axe.run(document, { runOnly: { type: "rule", values: ["color-contrast"] } });
          const describe = (nodes) => nodes.map((node) => node.target.join(" ") + ": "
            + node.any.map((check) => check.message).join("; "));
          return {
            violations: result.violations.flatMap((rule) => describe(rule.nodes)),
            // Our own text must be measurable: not under another element (as the floated "view code" links were).
            unmeasured: result.incomplete.flatMap((rule) => describe(rule.nodes.filter((node) =>
              node.target.join(" ").includes(".ap-") && !node.target.join(" ").includes(".katex")
              && node.any.some((check) => /overlap|background/i.test(check.message))))),
          };
        }""")
        assert result["violations"] == [], (scheme, lang, path, result["violations"][:6])
        assert result["unmeasured"] == [], (scheme, lang, path, result["unmeasured"][:6])
    assert page.problems == []


def test_dark_mode_follows_the_system_and_has_a_toggle(site_server: str, page: Any, artifacts: Path) -> None:
    page.emulate_media(color_scheme="dark")
    page.goto(f"{site_server}ja/ppo/gae/", wait_until="load")
    page.evaluate("localStorage.clear()")
    page.reload(wait_until="load")

    def colours() -> dict[str, Any]:
        return page.evaluate("""() => {
          const luminance = (css) => {
            const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map((c) => c / 255)
              .map((c) => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const style = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
          return {
            scheme: document.body.dataset.mdColorScheme,
            page: luminance(style(".md-main", "backgroundColor") === "rgba(0, 0, 0, 0)"
              ? style("body", "backgroundColor") : style(".md-main", "backgroundColor")),
            maths: luminance(style(".ap-note .katex", "color")),
            code: luminance(style(".ap-code pre > code", "color")),
            codeBackground: luminance(style(".ap-code", "backgroundColor")),
          };
        }""")

    dark = colours()
    assert dark["scheme"] == "slate", dark
    assert dark["page"] < 0.05 and dark["maths"] > 0.4 and dark["code"] > 0.4 and dark["codeBackground"] < 0.05, dark
    page.screenshot(path=str(artifacts / "site-ja-gae-dark.png"))
    toggle = page.locator("form[data-md-component=palette] label:not([hidden])")
    assert toggle.count() == 1
    title = toggle.get_attribute("title") or ""
    assert re.search(r"[\u3040-\u30ff\u3400-\u9fff]", title), title  # in the page's language
    toggle.click()
    light = colours()
    assert light["scheme"] == "default" and light["page"] > 0.8 and light["maths"] < 0.1, light
    page.reload(wait_until="load")  # the reader's choice is kept
    assert colours()["scheme"] == "default"
    page.evaluate("localStorage.clear()")
    assert page.problems == []


def _switch(page: Any, lang: str) -> None:
    page.hover(".md-header__option .md-select")
    page.locator(f"a.ap-lang[hreflang={lang}]").click()
    page.wait_for_load_state("load")


def test_language_switch_keeps_the_heading_and_marks_the_current_language(site_server: str, page: Any) -> None:
    page.goto(f"{site_server}en/ppo/gae/", wait_until="load")
    headings = page.locator("article h2[id], article h3[id]").evaluate_all("hs => hs.map((h) => h.id)")
    target = headings[2]  # "Mixing k-step estimates", a heading inside a section
    page.goto(f"{site_server}en/ppo/gae/#{target}", wait_until="load")
    current = page.locator("a.ap-lang[aria-current]")
    assert current.count() == 1 and current.get_attribute("hreflang") == "en"
    assert "English" in page.locator(".md-header__option .md-select > button").inner_text()  # not an icon alone
    for lang in ("ja", "zh", "en"):
        _switch(page, lang)
        fragment = unquote(page.url.partition("#")[2])
        heading = page.locator(f"[id='{fragment}']")
        assert heading.count() == 1, page.url
        ordinal = page.locator("article h2[id], article h3[id]").evaluate_all(
            "(hs, id) => hs.findIndex((h) => h.id === id)", fragment)
        assert ordinal == 2, (page.url, ordinal)
        assert page.locator("a.ap-lang[aria-current]").get_attribute("hreflang") == lang
    assert page.url == f"{site_server}en/ppo/gae/#{target}"
    assert page.problems == []


def test_readme_and_package_pages_have_different_titles_and_descriptions(site_server: str, page: Any) -> None:
    for lang in ("en", "ja", "zh"):
        seen = {}
        for path in ("ppo/", "ppo/readme/"):
            page.goto(f"{site_server}{lang}/{path}", wait_until="load")
            seen[path] = (page.locator("article h1").first.inner_text(),
                          page.locator("meta[name=description]").get_attribute("content"))
        assert seen["ppo/"][0] != seen["ppo/readme/"][0], (lang, seen)
        assert seen["ppo/"][1] != seen["ppo/readme/"][1], (lang, seen)
    assert page.problems == []


HIGHLIGHTED = """() => ({
  code: [...document.querySelectorAll(".ap-code .ap-hl")].map((e) => [e.closest(".ap-section").id, e.textContent]),
  maths: [...document.querySelectorAll(".ap-note .ap-hl")].map((e) => e.closest(".ap-section").id),
})"""


def test_clicking_an_identifier_highlights_it_and_its_symbol_in_the_section(site_server: str, page: Any) -> None:
    for lang in ("en", "ja"):
        page.goto(f"{site_server}{lang}/ppo/gae/", wait_until="load")
        section = page.locator(".ap-section", has=page.locator(".ap-code", has_text="advantages[t] ="))
        section_id = section.get_attribute("id")
        section.locator(".ap-code span", has_text=re.compile(r"^advantages$")).first.click()
        found = page.evaluate(HIGHLIGHTED)
        assert len(found["code"]) >= 2 and all(item == [section_id, "advantages"] for item in found["code"]), found
        # The notes write the advantages as \hat{A}_t: that symbol lights up too, in this section only.
        assert found["maths"] and set(found["maths"]) == {section_id}, found
        # A click elsewhere clears it.
        page.locator("article h1").click()
        assert page.evaluate(HIGHLIGHTED) == {"code": [], "maths": []}
    assert page.problems == []


def test_identifiers_can_be_highlighted_from_the_keyboard(site_server: str, page: Any) -> None:
    page.goto(f"{site_server}en/ppo/gae/", wait_until="load")
    code = page.locator(".ap-section", has=page.locator(".ap-code", has_text="advantages[t] =")).locator("pre > code")
    code.focus()
    for _ in range(40):  # move through the identifiers with the arrow key until `advantages` has the focus
        page.keyboard.press("ArrowRight")
        if page.evaluate("document.activeElement.textContent") == "advantages":
            break
    assert page.evaluate("document.activeElement.textContent") == "advantages"
    page.keyboard.press("Enter")
    found = page.evaluate(HIGHLIGHTED)
    assert len(found["code"]) >= 2 and found["maths"], found
    page.keyboard.press("Escape")
    assert page.evaluate(HIGHLIGHTED) == {"code": [], "maths": []}
    assert page.problems == []


def test_api_reference_headings_inside_docstrings_follow_the_outline(site_server: str, page: Any) -> None:
    for path in ("api/ppo/gae/", "api/ppo/trainer/"):
        page.goto(f"{site_server}en/{path}", wait_until="load")
        headings = page.locator("article :is(h1, h2, h3, h4, h5, h6)").evaluate_all("""hs => hs.map((h) => {
          const style = getComputedStyle(h);
          return { level: Number(h.tagName[1]), text: h.textContent.trim(), object: h.classList.contains("doc-heading"),
                   docstring: !h.classList.contains("doc-heading") && !!h.closest(".doc-contents"),
                   size: parseFloat(style.fontSize), color: style.color, transform: style.textTransform };
        })""")
        body = page.evaluate("""() => {
          const style = getComputedStyle(document.querySelector("article .doc-contents p"));
          return { size: parseFloat(style.fontSize), color: style.color };
        }""")
        assert any(h["docstring"] for h in headings), headings  # the docstrings have headings
        for before, after in itertools.pairwise(headings):
            assert after["level"] <= before["level"] + 1, f"{after['text']!r}: h{before['level']} then h{after['level']}"
        for heading in (h for h in headings if h["docstring"]):  # headings, not small grey captions
            assert heading["transform"] == "none" and heading["color"] == body["color"], (heading, body)
            assert heading["size"] >= body["size"], (heading, body)
    assert page.problems == []


def test_root_404_is_a_page_in_every_language(site_server: str, page: Any, artifacts: Path) -> None:
    failed: list[str] = []  # the page itself answers 404; nothing it loads may
    page.on("response", lambda response: failed.append(response.url)
            if response.status >= 400 and response.request.resource_type != "document" else None)
    response = page.goto(f"{site_server}no/such/page/", wait_until="load")
    assert response is not None and response.status == 404
    assert page.locator("link[rel=stylesheet]").count() >= 1  # styled, not a bare list
    links = page.locator("article a[hreflang]").evaluate_all("links => links.map((link) => [link.hreflang, link.href])")
    assert [code for code, _ in links] == ["en", "ja", "zh"], links
    assert all(href == f"{site_server}{code}/" for code, href in links), links
    page.screenshot(path=str(artifacts / "site-root-404.png"))
    # GitHub Pages serves the root 404 for a missing page under ja/ too: it speaks Japanese there.
    response = page.goto(f"{site_server}ja/ppo/no-such-page/", wait_until="load")
    assert response is not None and response.status == 404
    page.wait_for_function("document.documentElement.lang === 'ja'", timeout=5_000)
    page.wait_for_load_state("load")
    assert page.evaluate("location.pathname").endswith("/ja/ppo/no-such-page/")  # the address the reader asked for
    assert page.locator("article h1").inner_text() == "ページが見つかりません"
    assert page.locator("article a", has_text="ホームへ戻る").get_attribute("href").endswith("/ja/")
    page.screenshot(path=str(artifacts / "site-root-404-ja.png"))
    assert failed == []
    # Chromium reports the page's own 404 status as a console error; anything else is a problem.
    assert [p for p in page.problems if not p.endswith("the server responded with a status of 404 (Not Found)")] == []
