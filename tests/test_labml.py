"""labml's published translate_cache catalogs seed ours as fuzzy suggestions."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from tools import extract_cmd, labml
from tools.catalog import Catalog
from tools.errors import UserError

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs"
README = "ppo/readme.md"


@pytest.fixture
def translations(tmp_path: Path) -> Path:
    source, root = tmp_path / "src", tmp_path / "translations"
    shutil.copytree(FIXTURES / "labml_src", source)
    extract_cmd.run(argparse.Namespace(prune=False, source_root=source, translations=root))
    return root


def test_html_keys_become_markdown_blocks_with_placeholders_kept() -> None:
    blocks = labml.html_to_markdown('<h2><a href="x.html">Title &amp; more</a></h2>\n<p>Use <code>ppo</code> '
                                    'with <span translate=no>_^_0_^_</span> and <a href="u">a <strong>link</strong>'
                                    '</a>.</p>\n')
    assert blocks == ["## Title & more", "Use `ppo` with _^_0_^_ and [a **link**](u)."]
    assert labml.normalise("Use `x` with $y$ and [it](u).") == labml.normalise("use _^_0_^_ with  `z` and [it](v).")


def test_labml_catalog_fills_missing_entries_as_fuzzy_suggestions(translations: Path, capsys) -> None:
    labml.run(argparse.Namespace(directory=str(FIXTURES / "labml"), lang=None, translations=translations))
    out = capsys.readouterr().out
    assert ("import-labml zh: 1 file(s); 4 exact and 1 close matches offered as fuzzy suggestions; 0 already "
            "translated or suggested; 1 rejected (maths/links/tags would not survive); 0 unmatched") in out
    catalog = Catalog.load("zh", README, translations)
    assert all(value == "" for value in catalog.entries.values())  # suggestions only: a person decides
    assert catalog.fuzzy["Proximal Policy Optimization - PPO"]["suggestion"] == "近端策略优化-PPO"
    # Our link targets replace labml's; the text is theirs.
    experiment = "You can find an experiment that uses it [here](trainer.py). The experiment uses " \
                 "[Generalized Advantage Estimation](gae.py)."
    assert catalog.fuzzy[experiment] == {
        "previous": "You can find an experiment that uses it [here](https://nn.labml.ai/rl/ppo/experiment.html). "
                    "The experiment uses [Generalized Advantage Estimation](https://nn.labml.ai/rl/ppo/gae.html).",
        "suggestion": "你可以[在这里](trainer.py)找到一个使用它的实验。该实验使用[广义优势估计](gae.py)。"}
    # labml's placeholder for the Colab badge becomes our image.
    badge = next(key for key in catalog.entries if key.startswith("[![Open In Colab]"))
    assert catalog.fuzzy[badge]["suggestion"] == badge
    # The close match: labml's English had typos ("singe sample") that ours fixed.
    policy = next(key for key in catalog.entries if key.startswith("PPO is a policy gradient"))
    assert "singe sample" in catalog.fuzzy[policy]["previous"]
    # The split "P <a>yTorch</a>" link is not offered.
    assert not any(key.startswith("This is a [PyTorch]") for key in catalog.fuzzy)


def test_translations_and_suggestions_are_never_overwritten(translations: Path) -> None:
    catalog = Catalog.load("zh", README, translations)
    catalog.entries["Proximal Policy Optimization - PPO"] = "近端策略优化（PPO）"
    catalog.save()
    reports = labml.import_directory(FIXTURES / "labml", None, translations).reports
    assert reports["zh"].skipped == 1
    again = labml.import_directory(FIXTURES / "labml", None, translations).reports
    assert again["zh"].skipped == 5 and again["zh"].exact == again["zh"].close == 0
    catalog = Catalog.load("zh", README, translations)
    assert catalog.entries["Proximal Policy Optimization - PPO"] == "近端策略优化（PPO）"


def test_language_must_be_known(translations: Path, tmp_path: Path) -> None:
    folder = tmp_path / "labml"
    folder.mkdir()
    shutil.copy(FIXTURES / "labml" / "ppo-readme.zh.json", folder / "readme.json")
    with pytest.raises(UserError, match="cannot tell its language"):
        labml.import_directory(folder, None, translations)
    assert labml.import_directory(folder, "ja", translations).reports["ja"].exact == 4


def test_languages_that_are_not_configured_are_skipped_with_one_line_each(translations: Path, tmp_path: Path,
                                                                          capsys) -> None:
    # labml's translate_cache: the same page in Chinese and Sinhala (which we do not build), and a stray file.
    folder = tmp_path / "translate_cache" / "rl" / "ppo"
    folder.mkdir(parents=True)
    for name in ("readme.zh.json", "readme.si.json", "gae.si.json"):
        shutil.copy(FIXTURES / "labml" / "ppo-readme.zh.json", folder / name)
    shutil.copy(FIXTURES / "labml" / "ppo-readme.zh.json", folder / "notes.json")
    labml.run(argparse.Namespace(directory=str(tmp_path / "translate_cache"), lang=None, translations=translations))
    lines = capsys.readouterr().out.splitlines()
    assert "import-labml si: 2 file(s) skipped: not a configured language" in lines
    assert any(line.startswith("import-labml: 1 file(s) skipped: the name does not tell the language") and
               "notes.json" in line for line in lines)
    assert any(line.startswith("import-labml zh: 1 file(s); 4 exact and 1 close") for line in lines)
    assert len(lines) == 3
    assert not (translations / "si").exists()


def test_exact_matches_can_be_taken_as_machine_translations_shown_as_not_reviewed(translations: Path) -> None:
    from tools.localize import Localizer
    from tools.site_config import load_labels

    title = "Proximal Policy Optimization - PPO"
    labml.import_directory(FIXTURES / "labml", None, translations)  # suggestions first, as a maintainer might
    outcome = labml.import_directory(FIXTURES / "labml", None, translations, exact_as_machine=True)
    report = outcome.reports["zh"]
    # The 4 exact matches (waiting as this very suggestion) are taken; the close match stays a suggestion.
    assert (report.machine, report.exact, report.close, report.skipped) == (4, 0, 0, 1)
    catalog = Catalog.load("zh", README, translations)
    assert catalog.entries[title] == "近端策略优化-PPO" and catalog.state(title) == "machine"
    policy = next(key for key in catalog.entries if key.startswith("PPO is a policy gradient"))
    assert catalog.state(policy) == "fuzzy" and catalog.entries[policy] == ""
    labels = load_labels()["zh"]
    machine, untranslated = labels["machine"], labels["untranslated"]
    page = Localizer("zh", catalog.usable(), "zh catalog", labels).note(f"# {title}\n\n{policy}")
    assert page.startswith(f'<div class="ap-machine" data-label="{machine}" markdown>\n\n# 近端策略优化-PPO')
    assert f'<div class="ap-untranslated" lang="en" data-label="{untranslated}" markdown>\n\n{policy}' in page


def test_exact_match_never_replaces_another_waiting_suggestion(translations: Path) -> None:
    title = "Proximal Policy Optimization - PPO"
    catalog = Catalog.load("zh", README, translations)
    catalog.fuzzy[title] = {"previous": "Proximal Policy Optimisation", "suggestion": "近端策略优化"}
    catalog.save()
    report = labml.import_directory(FIXTURES / "labml", None, translations, exact_as_machine=True).reports["zh"]
    assert report.machine == 3 and report.skipped == 1
    catalog = Catalog.load("zh", README, translations)
    assert catalog.entries[title] == "" and catalog.fuzzy[title]["suggestion"] == "近端策略优化"


def test_catalogs_are_saved_together_and_a_failed_save_is_raised_after_the_others(translations: Path,
                                                                                 tmp_path: Path) -> None:
    # The same page in Japanese and Chinese; our Japanese catalog's folder cannot be made (a file is in the way).
    folder = tmp_path / "translate_cache"
    folder.mkdir()
    for name in ("readme.ja.json", "readme.zh.json"):
        shutil.copy(FIXTURES / "labml" / "ppo-readme.zh.json", folder / name)
    shutil.rmtree(translations / "ja" / "ppo")
    (translations / "ja" / "ppo").write_text("not a folder\n", encoding="utf-8")
    with pytest.raises(OSError) as raised:
        labml.import_directory(folder, None, translations, languages=("ja", "zh"))
    assert str(translations / "ja" / "ppo") in str(raised.value)
    assert Catalog.load("zh", README, translations).fuzzy["Proximal Policy Optimization - PPO"]["suggestion"] == \
        "近端策略优化-PPO"


def test_the_import_benchmark_runs_at_a_small_size() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, str(root / "benchmarks" / "labml_import.py"), "--messages", "300",
                             "--catalogs", "10", "--entries", "100"], capture_output=True, text=True, check=True,
                            cwd=root, timeout=300)
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[1].startswith("import-labml --exact-as-machine 10 catalogs, 100 entries")
    assert "s CPU)" in lines[0] and "not configured: {'si': 1}" in lines[0]
