"""Fixtures shared by several test modules."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tools import extract_cmd

REPO = Path(__file__).resolve().parent.parent
# A tiny literate package (a GAE module and a readme) that the catalog tests extract from
CATALOG_FIXTURE_SOURCE = Path(__file__).parent / "fixtures" / "catalogs" / "src"


@pytest.fixture
def translations(tmp_path: Path) -> Path:
    """Fresh catalogs (en, ja, zh) extracted from a copy of the fixture package; returns their root folder."""
    source, root = tmp_path / "src", tmp_path / "translations"
    shutil.copytree(CATALOG_FIXTURE_SOURCE, source)
    extract_cmd.run(argparse.Namespace(prune=False, source_root=source, translations=root))
    return root


@dataclass(frozen=True)
class ScratchRepo:
    """A copy of the tools, the site sources and mkdocs.yml around the fixture package, for running the commands
    as a user does (`python -m tools ...` in a subprocess) on inputs a test may break."""

    root: Path

    @property
    def translations(self) -> Path:
        return self.root / "translations"

    def run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        return subprocess.run([sys.executable, "-m", "tools", *argv], cwd=self.root, env=env, capture_output=True,
                              text=True, timeout=timeout)

    def error(self, *argv: str) -> str:
        """Run a command that must fail with exit status 2 and one line `error: ...` (no traceback); that line."""
        result = self.run(*argv)
        output = result.stdout + result.stderr
        assert "Traceback" not in output, output
        assert result.returncode == 2, output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), output
        return lines[0]


@pytest.fixture
def scratch_repo(tmp_path: Path) -> ScratchRepo:
    """`python -m tools` imports the copy of `tools/` (the working folder comes first on sys.path), so the
    commands read this folder's mkdocs.yml, site/, reference_impl/ (the fixture package) and translations/."""
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "generated")
    shutil.copytree(REPO / "tools", root / "tools", ignore=ignore)
    shutil.copytree(REPO / "site", root / "site", ignore=ignore)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(CATALOG_FIXTURE_SOURCE, root / "reference_impl")
    extract_cmd.run(argparse.Namespace(prune=False, source_root=root / "reference_impl",
                                       translations=root / "translations"))
    return ScratchRepo(root)

