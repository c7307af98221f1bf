"""`status` counts reviewed / machine / fuzzy / missing per language and file and gates CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import status
from tools.catalog import Catalog
from tools.cli import build_parser
from tools.errors import UserError


def run_status(translations: Path, *argv: str) -> int:
    args = build_parser().parse_args(["status", *argv])
    args.translations = translations
    return status.run(args)


def fill(translations: Path, lang: str, source: str, machine: set[str] = frozenset(), fuzzy: set[str] = frozenset(),
         leave: int = 0) -> None:
    catalog = Catalog.load(lang, source, translations)
    keys = list(catalog.entries)
    for key in keys[leave:]:
        if key in fuzzy:
            catalog.fuzzy[key] = {"previous": key + " (old)", "suggestion": "旧訳"}
            continue
        catalog.entries[key] = f"訳:{key}"
        if key in machine:
            catalog.machine[key] = f"訳:{key}"
    catalog.save()


def test_table_counts_each_state_per_file_and_language(translations: Path, capsys) -> None:
    fill(translations, "ja", "toy/readme.md", machine={"## Training"}, fuzzy={"Toy package"})
    fill(translations, "ja", "toy/gae.py", leave=5)
    assert run_status(translations) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["lang", "file", "reviewed", "machine", "fuzzy", "missing", "total", "translated",
                                "reviewed", "%"]
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in lines[1:]}
    assert rows[("ja", "toy/readme.md")] == ["3", "1", "1", "0", "5", "80.0%", "60.0%"]
    assert rows[("ja", "toy/gae.py")] == ["10", "0", "0", "5", "15", "66.7%", "66.7%"]
    assert rows[("ja", "TOTAL")] == ["13", "1", "1", "5", "20", "70.0%", "65.0%"]
    assert rows[("zh", "TOTAL")] == ["0", "0", "0", "20", "20", "0.0%", "0.0%"]


def test_fail_under_counts_machine_as_translated_unless_reviewed_is_asked(translations: Path, capsys) -> None:
    for source in ("toy/readme.md", "toy/gae.py"):
        fill(translations, "ja", source, machine={"Toy package"})
    assert run_status(translations, "--lang", "ja", "--fail-under", "100") == 0
    assert run_status(translations, "--lang", "ja", "--fail-under", "100", "--reviewed") == 1
    assert "status: ja is 95.0% reviewed, below --fail-under 100% (0 missing, 0 fuzzy, 1 machine)" in \
        capsys.readouterr().out
    assert run_status(translations, "--fail-under", "50") == 1  # zh is empty


def test_status_without_catalogs_says_to_extract(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no English catalogs: run python -m tools extract"):
        run_status(tmp_path)
