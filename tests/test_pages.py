"""Page generation from small documents and catalogs: layout, translation with fallback, links, refusals."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path, PurePosixPath

import pytest

from tools.catalog import Translation
from tools.document import Document, Section
from tools.errors import UserError
from tools.links import api_page_path, module_name, page_path, rewrite_links
from tools.localize import Localizer
from tools.pages import asset_files, generate_language, paper_url, render_annotated
from tools.site_config import SiteSettings, load_labels

SETTINGS = SiteSettings(
    site_name="Annotated PPO", site_url="https://example.org/site/", repo_url="https://github.com/o/r",
    branch="main", paper="https://arxiv.org/abs/1707.06347", notebook="reference_impl/ppo/experiment.ipynb",
    languages={"en": "English", "ja": "日本語", "zh": "简体中文"})
LABELS = load_labels()

INTRO = ("# Generalized Advantage Estimation\n\n"
         "An estimator from [the paper](https://arxiv.org/abs/1506.02438). [PPO](__init__.py) uses it.\n\n"
         "The advantage is $A_t = Q - V$.")
DOC = Document(
    PurePosixPath("ppo/gae.py"), "Generalized Advantage Estimation", "GAE for PPO.",
    [
        Section(INTRO, "import torch", 1, 12),
        Section("## The recursion\n\nComputed backwards:\n\n$$\\hat{A}_t = \\delta_t + \\gamma\\lambda\\hat{A}_{t+1}$$\n\n"
                "See the [losses](losses.py#clipping).", "def gae(x):\n    return x", 14, 30),
        Section("Untouched by the translators.", "    y = 1", 31, 31),
    ])
KNOWN = [PurePosixPath("ppo/gae.py"), PurePosixPath("ppo/__init__.py"), PurePosixPath("ppo/losses.py")]


def localizer(lang: str, table: dict[str, str], machine: frozenset[str] = frozenset()) -> Localizer:
    return Localizer(lang, {k: Translation(v, k in machine) for k, v in table.items()},
                      f"translations/{lang}/ppo/gae.py.json", LABELS[lang])


def test_each_source_file_has_its_annotated_and_api_pages() -> None:
    assert page_path(PurePosixPath("ppo/gae.py")) == PurePosixPath("ppo/gae.md")
    assert page_path(PurePosixPath("ppo/__init__.py")) == PurePosixPath("ppo/index.md")
    assert page_path(PurePosixPath("__init__.py")) == PurePosixPath("reference_impl.md")
    assert page_path(PurePosixPath("ppo/readme.md")) == PurePosixPath("ppo/readme.md")
    assert api_page_path(PurePosixPath("ppo/gae.py")) == PurePosixPath("api/ppo/gae.md")
    assert module_name(PurePosixPath("ppo/gae.py")) == "reference_impl.ppo.gae"
    assert module_name(PurePosixPath("ppo/__init__.py")) == "reference_impl.ppo"


def test_sections_become_linkable_rows_of_note_and_highlighted_code() -> None:
    page = render_annotated(DOC, "en", localizer("en", {}), SETTINGS, KNOWN)
    assert page.startswith('---\ntitle: "Generalized Advantage Estimation"\ndescription: "GAE for PPO."\n---\n')
    assert "\n# Generalized Advantage Estimation\n" in page  # the note's H1 is the page's title, once
    assert page.count("# Generalized Advantage Estimation") == 1
    for number in (1, 2, 3):
        assert f'<div class="ap-section" id="section-{number}" markdown>' in page
        assert f'href="#section-{number}"' in page
    assert page.count('<div class="ap-code" data-search-exclude markdown>') == 3
    assert "```python\ndef gae(x):\n    return x\n```" in page
    assert "```python\n    y = 1\n```" in page  # indentation of the source kept
    assert "https://github.com/o/r/blob/main/reference_impl/ppo/gae.py#L14-L30" in page
    assert "https://github.com/o/r/blob/main/reference_impl/ppo/gae.py#L31\"" in page
    assert 'ap-paper" href="https://arxiv.org/abs/1506.02438"' in page
    assert ("https://colab.research.google.com/github/o/r/blob/main/reference_impl/ppo/experiment.ipynb"
            in page)
    assert 'src="../../assets/colab-badge.svg"' in page  # relative to the page's URL ppo/gae/


def test_code_with_backtick_fences_gets_a_longer_fence() -> None:
    doc = Document(PurePosixPath("x.py"), "X", "", [Section("Note", 'doc = """\n```\nx\n```\n"""', 1, 5)])
    assert "````python\n" in render_annotated(doc, "en", localizer("en", {}), SETTINGS, [doc.path])


def test_translated_blocks_replace_english_and_missing_ones_fall_back_marked() -> None:
    table = {
        "Generalized Advantage Estimation": "一般化アドバンテージ推定",
        "# Generalized Advantage Estimation": "# 一般化アドバンテージ推定",
        "The advantage is $A_t = Q - V$.": "アドバンテージは $A_t = Q - V$ です。",
        "Computed backwards:": "後ろから計算します：",
    }
    t = localizer("ja", table, machine=frozenset({"Computed backwards:"}))
    page = render_annotated(DOC, "ja", t, SETTINGS, KNOWN)
    assert 'title: "一般化アドバンテージ推定"' in page
    assert 'description: "GAE for PPO."' in page  # untranslated summary: English
    assert "\n# 一般化アドバンテージ推定\n" in page
    assert "アドバンテージは $A_t = Q - V$ です。" in page
    untranslated = '<div class="ap-untranslated" lang="en" data-label="英語（未翻訳）" markdown>'
    # The English intro paragraph, its link rewritten to the PPO page, marked and tagged lang="en".
    assert f"{untranslated}\n\nAn estimator from [the paper](https://arxiv.org/abs/1506.02438). [PPO](index.md) uses it." in page
    assert '<div class="ap-machine" data-label="機械翻訳（未レビュー）" markdown>\n\n後ろから計算します：' in page
    # "## The recursion" is missing too. The display maths sits between a machine block and an English one: it
    # joins neither wrapper (between two English blocks it would join theirs, see the test above).
    assert f"{untranslated}\n\n## The recursion" in page
    assert f"</div>\n\n$$\\hat{{A}}_t = \\delta_t + \\gamma\\lambda\\hat{{A}}_{{t+1}}$$\n\n{untranslated}\n\nSee the" in page
    assert t.missing == 5  # summary, intro paragraph, heading, "See the losses", last note
    assert t.warnings == []


def test_consecutive_fallback_blocks_share_one_wrapper_with_their_maths() -> None:
    t = localizer("zh", {})
    note = t.note("First.\n\n$$x$$\n\nSecond.\n\n    indented continuation")
    assert note.count("ap-untranslated") == 1
    assert note.startswith('<div class="ap-untranslated" lang="en"')
    assert "First.\n\n$$x$$\n\nSecond.\n\n    indented continuation\n\n</div>" in note


def test_english_pages_have_no_fallback_markers() -> None:
    page = render_annotated(DOC, "en", localizer("en", {}), SETTINGS, KNOWN)
    assert "ap-untranslated" not in page and "ap-machine" not in page


@pytest.mark.parametrize("attack", [
    "<script>alert('x')</script>後ろから計算します",
    '<img src="x" onerror="alert(1)">後ろから',
    "[後ろから](javascript:alert(1))",
    '後ろから\n{: onclick="alert(1)" }',
    '<iframe src="https://example.org"></iframe>',
    '<span style="display:none">隠す</span>',
])
def test_a_malicious_translation_is_refused_and_the_english_shown(attack: str) -> None:
    t = localizer("ja", {"Computed backwards:": attack})
    page = render_annotated(DOC, "ja", t, SETTINGS, KNOWN)
    assert attack not in page
    for needle in ("<script", "onerror", "javascript:", "onclick", "<iframe", "style="):
        assert needle not in page
    assert "Computed backwards:" in page
    assert len(t.warnings) == 1
    assert t.warnings[0].startswith("translations/ja/ppo/gae.py.json: refused the translation of 'Computed backwards:'")


def test_markup_in_a_translated_title_is_refused() -> None:
    t = localizer("ja", {"Generalized Advantage Estimation": "<b>GAE</b>"})
    assert t.text("Generalized Advantage Estimation") == "Generalized Advantage Estimation"
    assert "markup (< or >) in a title or summary is not allowed" in t.warnings[0]


def test_links_to_sibling_sources_point_at_their_pages() -> None:
    here = PurePosixPath("ppo/gae.py")
    text = "[PPO](__init__.py), [loss](losses.py#clip), [x](missing.py), [paper](https://arxiv.org/abs/1), [a](#s)"
    on_page = rewrite_links(text, here, page_path(here), KNOWN, SETTINGS)
    assert on_page == ("[PPO](index.md), [loss](losses.md#clip), "
                       "[x](https://github.com/o/r/blob/main/reference_impl/ppo/missing.py), "
                       "[paper](https://arxiv.org/abs/1), [a](#s)")
    badge = ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
             "(https://colab.research.google.com/github/o/r/blob/main/n.ipynb)")
    assert rewrite_links(badge, PurePosixPath("ppo/readme.md"), PurePosixPath("ppo/readme.md"), KNOWN, SETTINGS) == (
        "[![Open In Colab](../assets/colab-badge.svg)](https://colab.research.google.com/github/o/r/blob/main/n.ipynb)")
    on_api = rewrite_links("[GAE](gae.py) and [PPO](__init__.py)", here, api_page_path(here), KNOWN, SETTINGS)
    assert on_api == "[GAE](../../ppo/gae.md) and [PPO](../../ppo/index.md)"


def test_the_paper_is_the_first_arxiv_link_of_the_page_else_the_project_paper() -> None:
    assert paper_url(DOC, SETTINGS) == "https://arxiv.org/abs/1506.02438"
    plain = Document(PurePosixPath("ppo/model.py"), "Model", "", [Section("No paper here.", "x = 1", 1, 1)])
    assert paper_url(plain, SETTINGS) == "https://arxiv.org/abs/1707.06347"


def _catalogs(root: Path, lang: str, source: str, table: dict[str, str]) -> None:
    path = root / lang / f"{source}.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(table, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def test_generating_a_language_writes_pages_nav_and_assets_and_only_what_changed(tmp_path: Path) -> None:
    translations = tmp_path / "translations"
    _catalogs(translations, "ja", "ppo/gae.py", {"Computed backwards:": "後ろから計算します：",
                                                 "Untouched by the translators.": "<script>x</script>"})
    docs = tmp_path / "docs"
    (docs / "stale").mkdir(parents=True)
    (docs / "stale" / "old.md").write_text("gone soon")
    assets = {"assets/annotated.css": b"/* css */"}
    result = generate_language("ja", [DOC], docs, SETTINGS, LABELS, translations, assets=assets)
    assert sorted(result.files) == ["api/ppo/gae.md", "assets/annotated.css", "index.md", "ppo/gae.md"]
    assert not (docs / "stale").exists() and result.removed == 1
    assert "後ろから計算します：" in (docs / "ppo" / "gae.md").read_text(encoding="utf-8")
    assert "::: reference_impl.ppo.gae" in (docs / "api" / "ppo" / "gae.md").read_text(encoding="utf-8")
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert home.startswith('---\ntitle: "Annotated PPO"\n---\n\n# 注釈付き PPO\n')
    assert "- [Generalized Advantage Estimation](ppo/gae.md): GAE for PPO." in home
    assert result.nav == [{"ホーム": "index.md"}, "ppo/gae.md",
                          {"API リファレンス": [{"Generalized Advantage Estimation": "api/ppo/gae.md"}]}]
    assert len(result.warnings) == 1 and "<script> element" in result.warnings[0]
    assert result.written == 4

    again = generate_language("ja", [DOC], docs, SETTINGS, LABELS, translations, assets=assets)
    assert again.written == 0 and again.digest() == result.digest()


def test_two_sources_claiming_one_page_is_an_error(tmp_path: Path) -> None:
    clash = Document(PurePosixPath("__init__.py"), "Top", "", [])
    other = Document(PurePosixPath("reference_impl.md"), "Top page", "", [])
    with pytest.raises(UserError, match=r"reference_impl\.md"):
        generate_language("en", [clash, other], tmp_path, SETTINGS, LABELS, tmp_path, assets={})


def test_missing_katex_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="KaTeX is missing; run `npm ci`"):
        asset_files(katex_dist=tmp_path / "node_modules" / "katex" / "dist")


def test_navigation_follows_the_configured_reading_order_then_the_package_order(tmp_path: Path) -> None:
    def doc(path: str) -> Document:
        return Document(PurePosixPath(path), path, "", [Section("A note.", "x = 1", 1, 1)])

    documents = [doc("ppo/cli.py"), doc("ppo/gae.py"), doc("ppo/__init__.py"), doc("ppo/readme.md"),
                 doc("ppo/losses.py")]
    settings = dataclasses.replace(SETTINGS, reading_order=("ppo/__init__.py", "ppo/losses.py", "ppo/gae.py"))
    result = generate_language("en", documents, tmp_path, settings, LABELS, tmp_path, assets={})
    pages = [entry for entry in result.nav if isinstance(entry, str)]
    # The listed pages in the listed order, then the others: the readme before the plain modules
    assert pages == ["ppo/index.md", "ppo/losses.md", "ppo/gae.md", "ppo/readme.md", "ppo/cli.md"]


def test_link_mappers_read_labml_built_page_links_and_report_what_no_page_is() -> None:
    from tools.links import LinkOrigin

    known = [PurePosixPath(p) for p in ("rl/__init__.py", "rl/gae.py", "helpers/readme.md", "helpers/device.py",
                                         "rl/plot.png")]
    here = PurePosixPath("rl/gae.py")
    text = ("[a](index.html) [b](../helpers/device.html#pick) [c](../helpers/) [d](../helpers/index.html) "
            "![e](plot.png) [f](nowhere.html) ![g](gone.svg) [h](../../outside.md)")
    lines = ("", "", "", "see [f](nowhere.html)", "![g](gone.svg)")
    broken: list[str] = []
    out = rewrite_links(text, here, page_path(here, "pkg"), known, SETTINGS, broken,
                        LinkOrigin("pkg/rl/gae.py", 2, lines))
    assert out == ("[a](index.md) [b](../helpers/device.md#pick) [c](../helpers/readme.md) "
                   "[d](../helpers/readme.md) ![e](plot.png) [f](nowhere.html) ![g](gone.svg) [h](../../outside.md)")
    assert broken == ["pkg/rl/gae.py:4: a link to a page the site does not have: 'nowhere.html'",
                      "pkg/rl/gae.py:5: no such file beside the sources: 'gone.svg'"]
    # From the API page the image and the pages are one folder further away.
    api = rewrite_links("![e](plot.png) [a](index.html)", here, api_page_path(here, "pkg"), known, SETTINGS)
    assert api == "![e](../../rl/plot.png) [a](../../rl/index.md)"
