"""A language Material has no translation of: the handlers the build picks for it, the settings it derives, and the
marking of the theme's English words on its pages (`tools.chrome`), on HTML shaped like Material's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.build import language_overrides
from tools.chrome import MARK, mark_fallback
from tools.languages import label_lines
from tools.site_config import language_handlers, load_labels, load_settings, untranslated_labels

REPO = Path(__file__).resolve().parent.parent


def marked(word: str) -> str:
    return f"{MARK[0]}{word}{MARK[1]}"


@pytest.mark.parametrize(("lang", "theme", "search", "translated", "segmenter"), [
    ("en", "en", "en", True, None),
    ("ja", "ja", "ja", True, "tinysegmenter"),
    ("ja-JP", "ja", "ja", True, "tinysegmenter"),  # the base language's segmenter, as its theme and search
    ("pt-BR", "pt-BR", "pt", True, None),
    ("sw", "en", "en", False, None),  # Babel knows Kiswahili; Material and lunr do not
])
def test_each_language_gets_the_nearest_theme_and_search_language(lang, theme, search, translated, segmenter) -> None:
    handlers = language_handlers(lang)
    assert (handlers.theme, handlers.search, handlers.theme_translated, handlers.segmenter) == (
        theme, search, translated, segmenter)
    assert handlers.marks_fallback is (lang != "en")


def _overrides(lang: str, config: dict | None = None) -> dict:
    config = config or {"theme": {"name": "material"}, "plugins": ["search"], "extra": {}}
    settings = load_settings()
    settings = type(settings)(**{**settings.__dict__, "languages": {**settings.languages, lang: lang}})
    return language_overrides(config, settings, lang, docs_dir=Path("docs"), site_dir=Path("site"), nav=[],
                              labels={})


def test_a_language_material_lacks_is_the_page_language_with_the_theme_in_english_marked() -> None:
    overrides = _overrides("sw")
    assert overrides["theme"]["language"] == "en" and overrides["theme"]["direction"] == "ltr"
    assert overrides["extra"]["lang"] == "sw"
    assert overrides["extra"]["theme_fallback"] == {"lang": "en", "mark": list(MARK)}
    assert overrides["hooks"][-1].endswith("tools/chrome.py") and overrides["hooks"][0].endswith("theme/hooks.py")
    # lunr has no Kiswahili: its English tokenizer, with Material's English pipeline (no stemming); no warning
    assert overrides["plugins"] == [{"search": {"lang": ["en"]}}]
    # A right-to-left language Material lacks (Pashto) is written right to left all the same
    assert _overrides("ps")["theme"]["direction"] == "rtl"


def test_english_pages_and_a_projects_own_hooks_and_direction_are_left_as_they_are() -> None:
    english = _overrides("en")
    assert "theme_fallback" not in english["extra"] and english["extra"]["lang"] == "en"
    assert english["hooks"] == [str(REPO / "tools" / "theme" / "hooks.py")]
    own = _overrides("sw", {"theme": {"name": "material", "direction": "ltr"}, "hooks": ["mine.py"], "extra": {}})
    assert own["hooks"][0] == "mine.py" and own["hooks"][-1].endswith("tools/chrome.py")
    assert own["theme"]["direction"] == "ltr"


def test_a_word_that_is_all_of_an_elements_text_or_attribute_makes_that_element_english() -> None:
    page = (f'<html lang="sw"><body><div data-md-component="skip"><a class="md-skip">\n  {marked("Skip to content")}'
            f'\n</a></div><button class="md-top">\n<svg><path d="M0"/></svg> {marked("Back to top")}</button>'
            f'<input placeholder="{marked("Search")}" aria-label="{marked("Search")}"></body></html>')
    assert mark_fallback(page, "sw") == (
        '<html lang="sw"><body><div data-md-component="skip"><a class="md-skip" lang="en">\n  Skip to content\n</a>'
        '</div><button class="md-top" lang="en">\n<svg><path d="M0"/></svg> Back to top</button>'
        '<input placeholder="Search" aria-label="Search" lang="en"></body></html>')


def test_a_container_labelled_in_english_gives_its_contents_the_page_language_back() -> None:
    page = (f'<nav class="md-nav" aria-label="{marked("Table of contents")}">'
            f'<label class="md-nav__title"><span class="md-nav__icon"></span>{marked("Table of contents")}</label>'
            '<ul class="md-nav__list"><li><a href="#a">Ukadiriaji</a></li></ul>'
            '<div class="md-search"><div class="meta">' + marked("Initializing search") + '</div><ol></ol></div>'
            '<div class="icon"><svg></svg></div></nav>')
    assert mark_fallback(page, "sw") == (
        '<nav class="md-nav" aria-label="Table of contents" lang="en">'
        '<label class="md-nav__title"><span class="md-nav__icon"></span>Table of contents</label>'
        '<ul class="md-nav__list" lang="sw"><li><a href="#a">Ukadiriaji</a></li></ul>'
        # a box the script fills with the reader's results is the page's, its English message is English
        '<div class="md-search" lang="sw"><div class="meta" lang="en">Initializing search</div><ol></ol></div>'
        '<div class="icon"><svg></svg></div></nav>')


def test_a_word_among_other_text_is_wrapped_and_scripts_and_own_languages_are_respected() -> None:
    page = (f'<p>Ukurasa {marked("Next")}: Ukadiriaji</p><script>var c = {{"t": "{marked("Copy")}"}}</script>'
            f'<span lang="sw">{marked("Search")}</span><div lang="en"><b>{marked("Search")}</b></div>'
            f'<a title="{marked("Previous")}: Ukadiriaji" href="#">x</a>')
    assert mark_fallback(page, "sw") == (
        '<p>Ukurasa <span lang="en">Next</span>: Ukadiriaji</p><script>var c = {"t": "Copy"}</script>'
        '<span lang="sw"><span lang="en">Search</span></span><div lang="en"><b>Search</b></div>'
        # an attribute half English, half the page's: no lang can say both; it stays the page's
        '<a title="Previous: Ukadiriaji" href="#">x</a>')


def test_marks_written_as_json_in_a_script_alone_are_removed_too() -> None:
    # Material's configuration for its script, through `tojson`: the marks as \\ufdd0 ... \\ufdd1
    page = '<script id="__config">{"clipboard.copy": "\\ufdd0Copy to clipboard\\ufdd1"}</script><p>Nakili</p>'
    assert mark_fallback(page, "sw") == '<script id="__config">{"clipboard.copy": "Copy to clipboard"}</script><p>Nakili</p>'


def test_a_page_without_marks_is_returned_as_it_is() -> None:
    page = '<html lang="ja"><body><p>検索</p></body></html>'
    assert mark_fallback(page, "ja") is page


def test_labels_add_language_wrote_in_english_are_known_by_their_comment(tmp_path: Path) -> None:
    labels = tmp_path / "labels.yml"
    labels.write_text('sw:\n  # a comment\n  home: "Home"  # untranslated\n  paper: Karatasi\n'
                      '  source: Source  #  untranslated\n  theme.toc: Yaliyomo\n', encoding="utf-8")
    assert untranslated_labels(labels, "sw") == ["home", "source"]
    assert untranslated_labels(labels, "ja") == [] and untranslated_labels(tmp_path / "none.yml", "sw") == []


def test_a_projects_labels_may_hold_only_the_language_it_added_with_its_own_words_for_materials(tmp_path) -> None:
    english = load_labels(REPO / "tools" / "theme" / "labels.yml")["en"]
    labels = tmp_path / "labels.yml"
    labels.write_text("\n".join([*label_lines("sw", english), "  theme.toc: Yaliyomo", ""]), encoding="utf-8")
    loaded = load_labels(labels)  # over the generator's labels (en, ja, zh): English comes from there
    assert loaded["en"] == english and loaded["sw"]["theme.toc"] == "Yaliyomo" and "theme.toc" not in loaded["en"]
    assert untranslated_labels(labels, "sw") == list(english)
    assert label_lines("sw", english)[1].startswith("  # Material for MkDocs has no translation of this language")
    assert not label_lines("ko", english)[1].startswith("  #")
