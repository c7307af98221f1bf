"""Files and folders are replaced whole: a kill -9 at any step leaves the old version or the new one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tools.files import recover_folder

ROOT = Path(__file__).resolve().parents[1]
# Swaps argv[2] into argv[3] as the build does, killing itself with SIGKILL just before its file operation
# number argv[1] (swap, renames, deletions; seen through audit hooks). argv[4] == "aside": as on a system
# without renameat2.
KILLED_SWAP = """
import os, signal, sys
from tools import files
limit, count = int(sys.argv[1]), [0]
def hook(event, args):
    if event in ("tools.files.exchange", "os.rename", "os.remove", "os.rmdir"):
        count[0] += 1
        if count[0] > limit:
            os.kill(os.getpid(), signal.SIGKILL)
if sys.argv[4] == "aside":
    files._exchange = lambda first, second: False
sys.addaudithook(hook)
files.replace_folder(sys.argv[2], sys.argv[3])
"""


def make_build(folder: Path, version: str, pages: int) -> dict[str, str]:
    for number in range(pages):
        page = folder / f"page-{number}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"{version} {number}", encoding="utf-8")
    (folder / "index.html").write_text(version, encoding="utf-8")
    return tree(folder)


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("strategy", ["exchange", "aside"])
def test_a_kill_9_at_any_step_of_the_swap_leaves_a_whole_build(tmp_path: Path, strategy: str) -> None:
    target, staging = tmp_path / "out" / "ja", tmp_path / "out" / ".ja.building"
    for done in range(100):
        for folder in tmp_path.iterdir():
            subprocess.run(["rm", "-rf", str(folder)], check=True)
        old, new = make_build(target, "old", 4), make_build(staging, "new", 5)
        child = subprocess.run([sys.executable, "-c", KILLED_SWAP, str(done), str(staging), str(target), strategy],
                               env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True)
        if strategy == "exchange":  # never a moment without a whole build in place
            assert tree(target) in (old, new), done
        recover_folder(target)  # what the next build does first
        assert tree(target) in (old, new), done
        if child.returncode != -signal.SIGKILL:
            break
    assert child.returncode == 0, child.stderr
    assert tree(target) == new and sorted(p.name for p in target.parent.iterdir()) == ["ja"]
    assert done > 8  # each deletion of the old build was a kill point
