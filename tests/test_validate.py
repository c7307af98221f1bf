"""The one policy for contributed text (`tools.validate`): `check` reports exactly what the build refuses."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from tools import check, extract_cmd, validate
from tools.catalog import catalog_path

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


def checked(project: tuple[Path, Path], path: Path) -> list[str]:
    return [str(problem) for problem in check.Checker(project[1], project[0]).check_file(path)]


@pytest.mark.parametrize(("translation", "reason"), HOSTILE)
def test_hostile_translations_are_refused_and_check_reports_the_same_reason(project, translation: str,
                                                                             reason: str) -> None:
    found = validate.refusals(INTRO, translation)
    assert any(reason in refusal for refusal in found), found
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
    problems = checked(project, set_entries(project, {title: "<b>GAE</b>"}))
    assert any(problem.endswith("markup (< or >) in a title or summary is not allowed") for problem in problems)


def test_an_oversized_catalog_file_is_refused_unread(project) -> None:
    path = set_entries(project, {INTRO: "x" * validate.MAX_CATALOG_BYTES})
    assert checked(project, path) == [f"{path}: {path.stat().st_size:,} bytes, over the limit of 2,097,152 bytes per "
                                      "catalog file: refused unread"]
