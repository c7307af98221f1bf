"""The pre-commit hooks (`.pre-commit-config.yaml`): ruff and the catalog check, local, nothing fetched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def pre_commit(root: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit run --all-files` in `root`, with this environment's tools first on PATH (as an activated .venv)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", PRE_COMMIT_HOME=str(home),
               SKIP="")
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=300)


def git(root: Path, *argv: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *argv], cwd=root, check=True,
                   capture_output=True)


def hook_results(output: str) -> dict[str, str]:
    """Hook name → Passed / Failed / Skipped, from pre-commit's report."""
    results = {}
    for line in output.splitlines():
        for verdict in ("Passed", "Failed", "Skipped"):
            if line.endswith(verdict) and "." in line:
                results[line.split(".")[0].strip()] = verdict
    return results


def test_hooks_pass_on_a_clean_tree_and_fail_on_lint_or_a_broken_catalog(scratch_repo, tmp_path: Path) -> None:
    root = scratch_repo.root
    shutil.copy(REPO / ".pre-commit-config.yaml", root)
    shutil.copy(REPO / "pyproject.toml", root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    home = tmp_path / "pre-commit-home"

    clean = pre_commit(root, home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert hook_results(clean.stdout) == {"ruff": "Passed", "catalogs (python -m tools check)": "Passed"}

    (root / "tools" / "unused.py").write_text('"""A module with an unused import."""\n\nimport os\n')
    catalog = root / "translations" / "ja" / "toy" / "gae.py.json"
    data = json.loads(catalog.read_text(encoding="utf-8"))
    english = next(key for key in data if "$" in key)
    data[english] = "数式を落とした訳。"  # the maths of the English is gone
    catalog.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    git(root, "add", "-A")
    broken = pre_commit(root, home)
    assert broken.returncode == 1
    assert hook_results(broken.stdout) == {"ruff": "Failed", "catalogs (python -m tools check)": "Failed"}
    assert "F401" in broken.stdout and "unused.py" in broken.stdout
    assert "toy/gae.py.json" in broken.stdout and "math" in broken.stdout.lower()
