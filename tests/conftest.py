"""Fixtures shared by several test modules."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from tools import extract_cmd

# A tiny literate package (a GAE module and a readme) that the catalog tests extract from
CATALOG_FIXTURE_SOURCE = Path(__file__).parent / "fixtures" / "catalogs" / "src"


@pytest.fixture
def translations(tmp_path: Path) -> Path:
    """Fresh catalogs (en, ja, zh) extracted from a copy of the fixture package; returns their root folder."""
    source, root = tmp_path / "src", tmp_path / "translations"
    shutil.copytree(CATALOG_FIXTURE_SOURCE, source)
    extract_cmd.run(argparse.Namespace(prune=False, source_root=source, translations=root))
    return root
