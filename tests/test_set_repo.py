"""Where the project lives is written once, in mkdocs.yml's block; the notebooks' Colab badge and install cell, and
the readme's badge on the site, follow it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

from tools.links import rewrite_links
from tools.notebooks import stale_notebooks
from tools.site_config import load_settings, project

REPO = Path(__file__).resolve().parent.parent


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "reference_impl" / "ppo").mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(REPO / "reference_impl" / "ppo" / "experiment.ipynb", root / "reference_impl" / "ppo")
    return root


def test_the_repository_notebooks_agree_with_its_configuration() -> None:
    assert stale_notebooks(load_settings(), project().source_root) == []


def test_set_repo_changes_the_block_and_every_notebook_and_nothing_else(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LITERATE_CONFIG", None)
    result = subprocess.run([sys.executable, "-m", "tools", "set-repo", "https://github.com/someone/ppo", "--branch",
                             "dev", "--site-url", "https://someone.github.io/ppo/"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    after = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [("    site_url: https://annotated-ppo.github.io/annotated-ppo/",
                        "    site_url: https://someone.github.io/ppo/"),
                       ("    repo_url: https://github.com/annotated-ppo/annotated-ppo",
                        "    repo_url: https://github.com/someone/ppo"),
                       ("    branch: main", "    branch: dev")]
    cells = json.loads((root / "reference_impl" / "ppo" / "experiment.ipynb").read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(cell["source"]) for cell in cells)
    assert "https://colab.research.google.com/github/someone/ppo/blob/dev/reference_impl/ppo/experiment.ipynb" in text
    assert "git+https://github.com/someone/ppo.git" in text and "annotated-ppo/annotated-ppo" not in text
    # The placeholder note of the build is gone, and the notebook agrees with the new configuration.
    settings = load_settings(origin=root / "mkdocs.yml")
    assert not settings.placeholder
    assert stale_notebooks(settings, root / "reference_impl") == []


def test_set_repo_points_the_readmes_coverage_badges_at_the_new_site(tmp_path: Path) -> None:
    root = _project(tmp_path)
    shutil.copy(REPO / "README.md", root / "README.md")
    before = (root / "README.md").read_text(encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LITERATE_CONFIG", None)
    result = subprocess.run([sys.executable, "-m", "tools", "set-repo", "https://github.com/someone/ppo",
                             "--site-url", "https://someone.github.io/ppo/"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    after = (root / "README.md").read_text(encoding="utf-8")
    changed = [(old, new) for old, new in zip(before.splitlines(), after.splitlines(), strict=True) if old != new]
    assert changed and all("/assets/badges/" in old for old, _ in changed)
    assert all(new == old.replace("https://annotated-ppo.github.io/annotated-ppo/", "https://someone.github.io/ppo/")
               for old, new in changed)
    assert "https://annotated-ppo.github.io/annotated-ppo/" not in after


def test_a_configuration_edited_by_hand_names_the_notebooks_that_disagree(tmp_path: Path) -> None:
    root = _project(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "repo_url: https://github.com/annotated-ppo/annotated-ppo", "repo_url: https://github.com/someone/ppo"),
        encoding="utf-8")
    notebook = root / "reference_impl" / "ppo" / "experiment.ipynb"
    assert stale_notebooks(load_settings(origin=config), root / "reference_impl") == [
        f"{notebook}: its Colab badge or install cell does not name https://github.com/someone/ppo "
        "(extra.literate.repo_url); run python -m tools set-repo to update it"]


def test_a_notebook_link_in_the_notes_opens_in_colab_from_the_configured_repository() -> None:
    settings = load_settings()
    badge = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](experiment.ipynb)"
    page = rewrite_links(badge, PurePosixPath("ppo/readme.md"), PurePosixPath("ppo/readme.md"), [], settings)
    assert page == ("[![Open In Colab](../assets/colab-badge.svg)](https://colab.research.google.com/github/"
                    "annotated-ppo/annotated-ppo/blob/main/reference_impl/ppo/experiment.ipynb)")
