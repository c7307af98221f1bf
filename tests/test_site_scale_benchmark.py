"""The site-scale benchmark runs end to end on a tiny package (its figures are not checked: timings belong to it)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site-scale")]

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "site_scale.py"


def _benchmark():
    spec = importlib.util.spec_from_file_location("site_scale", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["site_scale"] = module
    spec.loader.exec_module(module)
    return module


def messages(folder: Path) -> int:
    return sum(len(json.loads(path.read_text(encoding="utf-8")))
               for path in (folder / "n2" / "translations" / "en").rglob("*.json"))


def test_benchmark_builds_every_phase_and_prints_the_ratios(tmp_path: Path, capsys) -> None:
    bench = _benchmark()
    assert bench.main(["--modules", "2", "--keep", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-4].split()[:2] == ["modules", "messages"] and out[-3].split()[:2] == ["2", str(messages(tmp_path))]
    assert out[-2].startswith("goals (wall): full <= 1.5x plain:") and out[-1].startswith("goals (CPU):")
    folder = tmp_path / "n2"
    # Two modules, a readme and the package: 30-odd messages a module, every one translated.
    template = json.loads((folder / "translations" / "en" / "module_000.py.json").read_text(encoding="utf-8"))
    assert 25 <= len(template) <= 40
    for lang in ("en", "ja", "zh"):
        page = (folder / "site-out" / lang / "module_001" / "index.html").read_text(encoding="utf-8")
        assert "module_000" in page and "katex" in page
        assert (folder / "site-out" / lang / "api" / "module_001" / "index.html").is_file()
    # The one-string change reached the Chinese page; the plain build has the English pages.
    assert "(changed)" in (folder / "site-out" / "zh" / "module_000" / "index.html").read_text(encoding="utf-8")
    assert (folder / "plain-site" / "module_000" / "index.html").is_file()
