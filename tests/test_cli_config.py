"""The command line takes its languages and its project from the configuration it finds, like `mkdocs`."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _run(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LITERATE_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "tools", *argv], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def french_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text('"""\n# Package\n\nA note."""\n', encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: P\nextra:\n  literate:\n    site_url: https://example.org/p/\n"
                                     "    sources: [pkg]\n    languages: [en, fr]\n", encoding="utf-8")
    return root


def test_language_choices_are_the_configured_languages(french_project: Path) -> None:
    assert _run(french_project, "extract").returncode == 0
    assert (french_project / "translations" / "fr" / "__init__.py.json").is_file()
    assert not (french_project / "translations" / "ja").exists()
    assert _run(french_project, "status", "--lang", "fr").returncode == 0
    refused = _run(french_project, "status", "--lang", "ja")
    assert refused.returncode == 2 and "invalid choice: 'ja' (choose from 'fr')" in refused.stderr


def test_f_names_the_project_from_any_folder(french_project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert _run(elsewhere, "-f", str(french_project / "mkdocs.yml"), "extract").returncode == 0
    assert (french_project / "translations" / "en" / "__init__.py.json").is_file()
    missing = _run(elsewhere, "extract")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"error: {elsewhere.resolve() / 'mkdocs.yml'}: cannot read: No such file or directory"


def test_the_console_script_runs_the_command_line() -> None:
    declared = re.search(r'^literate-docs = "([\w.]+):(\w+)"$', (REPO / "pyproject.toml").read_text("utf-8"), re.M)
    assert declared, "pyproject.toml declares no literate-docs console script"
    module, function = declared.groups()
    main = getattr(importlib.import_module(module), function)
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
