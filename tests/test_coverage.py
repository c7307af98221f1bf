"""Coverage in Markdown: the site's status page, a pull request's coverage change, and which languages it touches."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath

import pytest

from tools import coverage
from tools.catalog import Catalog
from tools.site_config import load_labels
from tools.status import collect

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = {"en": "English", "ja": "日本語", "zh": "简体中文"}
PAGES = [coverage.PageRow(PurePosixPath("toy/gae.py"), PurePosixPath("toy/gae.md"), "玩具の GAE"),
         coverage.PageRow(PurePosixPath("toy/readme.md"), PurePosixPath("toy/readme.md"), "玩具パッケージ")]


def fill(translations: Path, lang: str, source: str, machine: set[str] = frozenset(), fuzzy: set[str] = frozenset(),
         leave: int = 0) -> None:
    """Translate a catalog but for its first `leave` entries; `machine` entries as machine output, `fuzzy` ones
    left empty with a suggestion."""
    catalog = Catalog.load(lang, source, translations)
    for key in list(catalog.entries)[leave:]:
        if key in fuzzy:
            catalog.fuzzy[key] = {"previous": key + " (old)", "suggestion": "旧訳"}
            continue
        catalog.entries[key] = f"訳:{key}"
        if key in machine:
            catalog.machine[key] = f"訳:{key}"
    catalog.save()


def table_rows(markdown: str, heading: str) -> dict[str, list[str]]:
    """The rows of the first table after `heading` (or of the first table at all), by their first cell."""
    lines = markdown.splitlines()
    start = lines.index(heading) if heading else 0
    rows: dict[str, list[str]] = {}
    for line in lines[start:]:
        if line.startswith("|") and not line.startswith("| ---"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            rows[cells[0]] = cells[1:]
        elif rows and not line.startswith("|"):
            break
    return rows


def test_status_page_counts_each_state_per_language_and_page_in_the_pages_language(translations: Path) -> None:
    fill(translations, "ja", "toy/readme.md", machine={"## Training"}, fuzzy={"Toy package"})
    fill(translations, "ja", "toy/gae.py", leave=5)
    labels = load_labels()["ja"]
    page = coverage.status_page(labels, LANGUAGES, PAGES, collect(["ja", "zh"], translations))

    assert page.startswith(f"# {labels['status_title']}\n\n{labels['status_intro']}\n")
    languages = table_rows(page, "")
    assert languages[labels["status_language"]][1:6] == [labels["status_reviewed"], labels["status_machine"],
                                                         labels["status_fuzzy"], labels["status_missing"],
                                                         labels["status_total"]]
    # reviewed, machine, fuzzy, missing, total, shown translated, reviewed share
    assert languages["日本語"] == ["![日本語](assets/badges/ja.svg)", "13", "1", "1", "5", "20", "70%", "65%"]
    assert languages["简体中文"][1:] == ["0", "0", "0", "20", "20", "0%", "0%"]
    ja = table_rows(page, "## 日本語")
    assert ja["[玩具パッケージ](toy/readme.md)"] == ["3", "1", "1", "0", "5", "80%", "60%"]
    assert ja["[玩具の GAE](toy/gae.md)"] == ["10", "0", "0", "5", "15", "66.7%", "66.7%"]


def test_badges_show_the_reviewed_share_and_never_round_up_to_complete(translations: Path) -> None:
    fill(translations, "ja", "toy/readme.md")
    fill(translations, "ja", "toy/gae.py")
    results = collect(["ja", "zh"], translations)
    files = coverage.badges(LANGUAGES, results)
    assert sorted(files) == ["assets/badges/ja.svg", "assets/badges/zh.svg"]
    texts = lambda name: [t.text for t in ET.fromstring(files[name]).iter("{http://www.w3.org/2000/svg}text")]  # noqa: E731
    assert texts("assets/badges/ja.svg") == ["日本語", "100%"]
    assert texts("assets/badges/zh.svg") == ["简体中文", "0%"]
    assert coverage._percent(99.96) == "99.9%" and coverage._percent(100.0) == "100%"


def test_summary_shows_what_a_pull_request_changes_per_language_and_file(translations: Path, tmp_path: Path) -> None:
    base = tmp_path / "base"
    shutil.copytree(translations, base)
    fill(translations, "zh", "toy/readme.md", machine={"## Training"})
    text = coverage.summary(collect(["ja", "zh"], base), collect(["ja", "zh"], translations))
    languages = table_rows(text, "")
    assert languages["`ja`"] == ["0", "0", "0", "20", "0%"]
    assert languages["`zh`"] == ["0 → 4 (+4)", "0 → 1 (+1)", "0", "20 → 15 (−5)", "0% → 20% (+20.0 pt)"]
    files = table_rows(text, "Files whose counts changed:")
    assert list(files) == ["Language", "`zh`"]
    assert files["`zh`"] == ["`toy/readme.md`", "0 → 4 (+4)", "0 → 1 (+1)", "0", "5 → 0 (−5)"]
    assert "No file's counts changed." in coverage.summary(collect(["ja"], base), collect(["ja"], base))


@pytest.mark.parametrize(("paths", "only", "languages"), [
    (["translations/ja/ppo/gae.py.json"], True, ["ja"]),
    (["translations/ja/ppo/gae.py.state.json", "translations/zh/ppo/gae.py.json"], True, ["ja", "zh"]),
    (["translations/README.md"], True, []),
    (["translations/glossary.json"], True, ["ja", "zh"]),  # the glossary's check concerns every language
    (["translations/en/ppo/gae.py.json"], True, ["ja", "zh"]),
    (["translations/ja/ppo/gae.py.json", "reference_impl/ppo/gae.py"], False, ["ja", "zh"]),
    ([".github/workflows/ci.yml"], False, ["ja", "zh"]),
    ([], False, []),
])
def test_changes_tell_a_translations_only_pull_request_and_its_languages(paths: list[str], only: bool,
                                                                         languages: list[str]) -> None:
    assert coverage.classify(paths, ["ja", "zh"]) == coverage.Changes(only, languages)


def test_changes_and_summary_commands_print_what_ci_reads(tmp_path: Path) -> None:
    run = lambda *argv, stdin="": subprocess.run([sys.executable, "-m", "tools", *argv], cwd=REPO, input=stdin,  # noqa: E731
                                                 capture_output=True, text=True, timeout=60)
    changes = run("changes", stdin="translations/zh/ppo/gae.py.json\ntranslations/README.md\n")
    assert changes.returncode == 0 and changes.stdout == "translations_only=true\nlanguages=zh\n"
    summary = run("coverage-summary", "--base", str(REPO / "translations"))
    assert summary.returncode == 0 and "No file's counts changed." in summary.stdout
    not_a_folder = run("coverage-summary", "--base", str(tmp_path))
    assert not_a_folder.returncode == 2
    assert not_a_folder.stderr == f"error: {tmp_path}: not a translations folder (no en/ inside)\n"
