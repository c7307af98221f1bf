"""The one policy for contributed text (`tools.validate`): `check` reports exactly what the build refuses."""

from __future__ import annotations

import argparse
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tools import check, extract_cmd, validate
from tools.catalog import Translation, catalog_path
from tools.localize import Localizer
from tools.site_config import load_labels

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs"
INTRO = "This is a toy version of [GAE](https://arxiv.org/abs/1506.02438), with $\\gamma$ and $\\lambda$."
GOOD = "これは [GAE](https://arxiv.org/abs/1506.02438) の簡易版で、$\\gamma$ と $\\lambda$ を使う。"
# Material reads its configuration from the first element with this id: a paragraph of JSON that comes first.
CONFIG_TAKEOVER = GOOD + '\n{: #__config }'

HOSTILE = [
    (CONFIG_TAKEOVER, 'attribute id="__config" that the English does not have'),
    (GOOD + "\n{: .md-search__input }", 'attribute class="md-search__input"'),
    (GOOD + '\n{: data-md-component="search" }', 'attribute data-md-component="search"'),
    ('<span id="__config">{}</span> ' + GOOD, 'attribute id="__config"'),
    ('<span style="position:fixed;inset:0">x</span> ' + GOOD, "style attribute on <span> is not allowed"),
    (GOOD + " ![](https://evil.example/pixel.png)", 'external image "https://evil.example/pixel.png"'),
    (GOOD + " ![](//evil.example/pixel.png)", 'external image "//evil.example/pixel.png"'),
    ("\u202e" + GOOD, "bidirectional control character U+202E"),
    ("\u2066" + GOOD + "\u2069", "bidirectional control character U+2066"),
    ("&#x202e;" + GOOD, "bidirectional control character U+202E"),
    ("<!-- 隠す -->" + GOOD, "an HTML comment that the English does not have"),
    (GOOD + "\n\n!!! md-search\n    本文", 'attribute class="admonition md-search"'),
    (GOOD + "\n\n## __config", 'a heading whose id would be "__config"'),
    (GOOD + "\n\n__drawer\n---", 'a heading whose id would be "__drawer"'),
    (GOOD + "<script>alert(1)</script>", "<script> element is not allowed"),
    ("x" * (validate.MAX_ENTRY_CHARS + 1), "longer than 20,000 characters"),
]


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    source, translations = tmp_path / "src", tmp_path / "translations"
    shutil.copytree(FIXTURES / "src", source)
    extract_cmd.run(argparse.Namespace(prune=False, source_root=source, translations=translations))
    return source, translations


def set_entries(project: tuple[Path, Path], entries: dict[str, str]) -> Path:
    path = catalog_path("ja", "toy/gae.py", project[1])
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(entries)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def built(english: str, translation: str, plain: bool = False) -> tuple[str, list[str]]:
    """What page generation shows for `english` given this translation, and its warnings."""
    localizer = Localizer("ja", {english: Translation(translation, False)}, "translations/ja/toy/gae.py.json",
                          load_labels()["ja"])
    return (localizer.text(english) if plain else localizer.block(english)), localizer.warnings


def checked(project: tuple[Path, Path], path: Path) -> list[str]:
    return [str(problem) for problem in check.Checker(project[1], project[0]).check_file(path)]


@pytest.mark.parametrize(("translation", "reason"), HOSTILE)
def test_hostile_translations_are_refused_by_the_build_and_reported_by_check(project, translation: str,
                                                                              reason: str) -> None:
    found = validate.refusals(INTRO, translation)
    assert any(reason in refusal for refusal in found), found
    shown, warnings = built(INTRO, translation)
    assert "__config" not in shown and "evil.example" not in shown and "\u202e" not in shown
    assert INTRO in shown and 'class="ap-untranslated"' in shown
    assert warnings == [f"translations/ja/toy/gae.py.json: refused the translation of {INTRO[:57] + '...'!r}: "
                        f"{'; '.join(found)}; showing English"]
    problems = checked(project, set_entries(project, {INTRO: translation}))
    for refusal in found:
        assert any(problem.endswith(refusal) for problem in problems), (refusal, problems)


def test_the_english_attributes_and_images_may_stay_in_the_translation() -> None:
    english = 'See the table.\n{: #results .wide }\n\n![curve](https://example.org/curve.png)'
    assert validate.refusals(english, '表を見よ。\n{: #results .wide }\n\n![曲線](https://example.org/curve.png)') == []
    assert validate.refusals(english, '表を見よ。\n{: #results .wide #__config }') != []


def test_a_title_with_markup_is_refused_where_a_paragraph_may_keep_it(project) -> None:
    template = json.loads(catalog_path("en", "toy/gae.py", project[1]).read_text(encoding="utf-8"))
    title = next(key for key, location in template.items() if location.endswith(" · title"))
    assert validate.refusals(title, "<b>GAE</b>", plain=True) == ["markup (< or >) in a title or summary is not allowed"]
    assert built(title, "<b>GAE</b>", plain=True)[0] == title
    problems = checked(project, set_entries(project, {title: "<b>GAE</b>"}))
    assert any(problem.endswith("markup (< or >) in a title or summary is not allowed") for problem in problems)


def test_an_oversized_catalog_file_is_refused_unread(project) -> None:
    path = set_entries(project, {INTRO: "x" * validate.MAX_CATALOG_BYTES})
    assert checked(project, path) == [f"{path}: {path.stat().st_size:,} bytes, over the limit of 2,097,152 bytes per "
                                      "catalog file: refused unread"]


# --- the property: what check accepts, the build publishes whole ---------------------------------------------------

# English pieces, each with what a hostile or careless translator might make of it.
VARIANTS = {
    "$\\gamma$": ["$\\gamma$"],
    "`clip`": ["`clip`"],
    "[PPO](https://arxiv.org/abs/1707.06347)": [
        "[PPO](https://arxiv.org/abs/1707.06347){: .md-header }", "[PPO](https://arxiv.org/abs/1707.06347){ #__config }",
        "[PPO](https://arxiv.org/abs/1707.06347){: onclick=alert(1) }"],
    "![curve](curve.png)": ["![曲線](curve.png)", "![curve](curve.png){: #__config }",
                            '![curve](curve.png){: loading=lazy }'],
    "<b>bold</b>": ["<b>太字</b>", '<b style="color:red">太字</b>', '<b id="__config">太字</b>',
                    '<b class="md-search__input">太字</b>', '<b title="題">太字</b>', "<b>\u202e太字</b>",
                    "<b>&#x202e;太字</b>", "<b><!-- 隠す -->太字</b>", '<b data-md-component="search">太字</b>'],
    "<span>note</span>": ["<span>注</span>", '<span style="position:fixed">注</span>', '<span lang="en">注</span>',
                          '<span aria-label="注">注</span>', '<span role="button" tabindex="0">注</span>'],
}
EXTRAS = ["方策", "価値関数の推定。", "x < y", "a & b", "**強調**", "\n\n", "\n- 項目", "\u202e", "\u2066", "<!-- 注 -->",
          "![](https://evil.example/p.png)", "![](//evil.example/p.png)", "![](p.png)", "[x](javascript:alert(1))",
          "[x](data:text/html,x)", "\n!!! md-search\n    本文", "*[PPO]: 近接方策最適化", "\n{: #__config }",
          "&#x2066;"]


def _events(html: str) -> list[tuple]:
    """The HTML as start tags with their attributes, end tags and text (whitespace collapsed), nothing else."""
    from html.parser import HTMLParser

    events: list[tuple] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            events.append(("start", tag, tuple(sorted((name, value or "") for name, value in attrs))))

        handle_startendtag = handle_starttag

        def handle_endtag(self, tag):
            events.append(("end", tag))

        def handle_data(self, data):
            if data.strip():
                events.append(("text", " ".join(data.split())))

        def handle_comment(self, data):
            events.append(("comment", data))

    parser = Parser(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return events


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_what_check_accepts_the_build_publishes_unaltered(data) -> None:
    """Whatever hostile mix a translation is, if `check` finds nothing wrong with it, page generation uses it as it
    is and the page's last sanitising pass (tools/theme/hooks.py) changes nothing in it."""
    from tools.sanitize import render_markdown, sanitize_html

    english_pieces = data.draw(st.lists(st.sampled_from(sorted(VARIANTS)), min_size=1, max_size=4), "english")
    english = "Estimate " + " and ".join(english_pieces) + "."
    assert _events(sanitize_html(render_markdown(english))) == _events(render_markdown(english))
    pieces = [data.draw(st.sampled_from(VARIANTS[piece]), piece) for piece in english_pieces]
    pieces += data.draw(st.lists(st.sampled_from(EXTRAS), max_size=4), "extras")
    translation = "推定: " + " ".join(data.draw(st.permutations(pieces), "order"))
    if validate.translation_faults(english, translation):
        return  # check reports it: the build promises nothing
    shown, warnings = built(english, translation)
    assert (shown, warnings) == (translation, [])  # not dropped
    rendered = render_markdown(translation)
    assert _events(sanitize_html(rendered)) == _events(rendered)  # not altered


# --- the fast path: inert text is not rendered, and that changes no verdict ----------------------------------------

# Characters and pieces near every Markdown construct of the site, the inert ones (no `<`, `&`, `[`, `{`, `|`,
# backtick, `_`) most often, so that most generated texts are inert and many are one character away from not being.
INERT_CHARACTERS = "abcXYZ 019.,;:'\"-+=*#>$\\()!?~^%@/\n\t３٣方策\u00a0\u2028\u3000"
OTHER_CHARACTERS = "<&[]{}|`_\r\x02\x03\x0b\x7f\uff3f\ufe4d\u202e"
PIECES = ["# ", "## title", "\n---\n", "\n===", "- ", "* ", "+ ", "1. ", "3. ", "３. ", "2024.\tx", "3.x", "3)", "> ",
          "    code", "\n\n", "  \n", "!!! note", "!! !", "??? note", "???+ x", "? ?", "~~~", "~~ ~", "***", "**b**",
          "*e*", "$x$", "$$x$$", "\\(x\\)", "\\[x\\]", "\\begin", "x: y\n: z", "__", "__config", "＿＿config",
          "`c`", "```\nx\n```", "`#!py x`", "[a](b)", "![i](https://e.example/p.png)", "{: #__config }",
          "<b>", "<!-- c -->", "&#x202e;", "&amp;", "a | b\n--|--", "*[PPO]: p", "[^1]", "- [ ] t",
          "\x02!\x03", "!!\x02!", "$x_{1}$"]
INERT_PIECES = [piece for piece in PIECES if not set(piece) - set(INERT_CHARACTERS)]
texts = st.one_of(
    st.lists(st.one_of(st.text(INERT_CHARACTERS, max_size=6), st.text(OTHER_CHARACTERS, max_size=1),
                       st.sampled_from(PIECES)), max_size=8).map("".join),
    st.lists(st.one_of(st.text(INERT_CHARACTERS, max_size=6), st.sampled_from(INERT_PIECES)), max_size=8).map("".join))


@settings(max_examples=600, deadline=None)
@given(texts)
def test_inert_text_renders_to_nothing_the_rules_read(text: str) -> None:
    """The fast path's claim: whatever `_inert` lets through, the full rendering finds nothing in either."""
    event("inert" if validate._inert(text) else "not inert")
    assert validate._rendering(text) == validate._full_rendering(text)
    assert validate._unsafe_schemes(text) == (Counter() if validate._inert(text) else validate._unsafe_schemes(text))


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_the_fast_path_gives_the_verdicts_of_the_full_path(english: str, translation: str) -> None:
    fast = (validate.refusals(english, translation), validate.refusals(english, translation, plain=True),
            validate.translation_faults(english, translation))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validate, "_inert", lambda text: False)  # every text rendered and read in full
        full = (validate.refusals(english, translation), validate.refusals(english, translation, plain=True),
                validate.translation_faults(english, translation))
    assert fast == full


@pytest.mark.parametrize("text", [
    "Plain prose: a value (the return), 3 items, 2.5 s, $x$ and \\(y\\)! Why? ~10 s.", "# A heading\n\nText.",
    "Title\n=====", "- one\n- two\n\n> quoted", "    indented code", "方策の勾配、３つ。", "1.5 is not a list"])
def test_inert_texts(text: str) -> None:
    assert validate._inert(text)
    assert validate._full_rendering(text) == validate._Rendering()


@pytest.mark.parametrize(("text", "found"), [
    ("# __config", "reserved_ids"),
    ("＿＿config\n---", "reserved_ids"), ("!!! md-search\n    x", "attributes"), ("??? md-x\n    x", "attributes"),
    ("~~~\nx\n~~~", "attributes"), ("`#!py x`", "attributes"), ("a <!-- c -->", "comments"),
    ("x\n{: #__config }", "attributes"), ("![p](https://e.example/p.png)", "fetched"), ("<script>x</script>", "unsafe"),
    ("!!\x02! md-x\n    x", "attributes")])
def test_texts_that_are_not_inert(text: str, found: str) -> None:
    """The exclusions of `_inert` are needed: each of these texts gives a rule something to read. (One is only a
    guard: `3. item` would be `<ol start="3">` were the renderer made with `lazy_ol=False`.)"""
    assert not validate._inert(text)
    assert getattr(validate._full_rendering(text), found)
