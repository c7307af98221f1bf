"""The GitHub Actions workflows: actionlint finds no fault in them, and they run what the README promises."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"


def actionlint(root: Path) -> subprocess.CompletedProcess[str]:
    """actionlint (the binary the test dependencies ship) on every workflow under `root/.github/workflows`, named
    one by one, so that `root` need not be a git repository.

    ShellCheck and pyflakes are left out so that the verdict does not depend on what else the machine has."""
    beside = Path(sys.executable).with_name("actionlint")
    binary = str(beside) if beside.is_file() else shutil.which("actionlint")
    assert binary, "actionlint is not installed (pip install -e '.[test]')"
    files = sorted(path.relative_to(root).as_posix() for path in (root / ".github" / "workflows").glob("*.y*ml"))
    return subprocess.run([binary, "-no-color", "-shellcheck=", "-pyflakes=", *files], cwd=root,
                          capture_output=True, text=True, timeout=120)


def copy_github_folder(tmp_path: Path) -> Path:
    shutil.copytree(REPO / ".github", tmp_path / ".github")
    return tmp_path


def test_workflows_lint_clean() -> None:
    assert sorted(WORKFLOWS.glob("*.yml")), "no workflow"
    result = actionlint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("old", "new", "fault"), [
    # a job output that the job does not define
    ("needs.scope.outputs.translations_only != 'true'", "needs.scope.outputs.translation_only != 'true'",
     'property "translation_only" is not defined'),
    # a runner that does not exist
    ("runs-on: ubuntu-latest\n    outputs:", "runs-on: ubuntu-latst\n    outputs:", 'label "ubuntu-latst" is unknown'),
    # a broken expression
    ("${{ github.event_name == 'pull_request' }}", "${{ github.event_name == }}", "unexpected end of input"),
])
def test_a_broken_workflow_fails_the_lint_naming_file_and_line(tmp_path: Path, old: str, new: str,
                                                               fault: str) -> None:
    root = copy_github_folder(tmp_path)
    workflow = root / ".github" / "workflows" / "ci.yml"
    text = workflow.read_text(encoding="utf-8")
    assert old in text
    workflow.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    result = actionlint(root)
    assert result.returncode == 1
    assert f".github/workflows/ci.yml:{line}:" in result.stdout and fault in result.stdout, result.stdout


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(job) if "uses" in step]


def test_ci_runs_the_readmes_commands_then_builds_checks_links_and_deploys_from_main() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "ci.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    # .ci/run is the README's test command, and the test job runs .ci/run
    ci_run = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci_run[-1] == "make test"
    assert "bash .ci/run" in runs(jobs["test"])
    assert "tools check" in runs(jobs["test"]) and "status --fail-under 100 --reviewed" in runs(jobs["test"])
    # every configured language, strictly, then the link check of the built folder, then the artifact
    assert "make site" in runs(jobs["site"]) and "tools linkcheck build/site" in runs(jobs["site"])
    upload = next(step for step in steps(jobs["site"]) if step.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "build/site"
    deploy = jobs["deploy"]
    assert set(deploy["needs"]) == {"test", "site"} and uses(deploy)[-1] == "actions/deploy-pages"
    assert "refs/heads/main" in deploy["if"] and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    # translations only: no test suite, but the check, the touched languages, the summary and the gate
    assert jobs["test"]["if"] == jobs["site"]["if"] == "needs.scope.outputs.translations_only != 'true'"
    fast = runs(jobs["translations"])
    for command in ("tools check", "tools build", "tools coverage-summary", "GITHUB_STEP_SUMMARY",
                    "status --fail-under 100 --reviewed"):
        assert command in fast
    assert "python -m tools changes" in runs(jobs["scope"])


def test_the_setup_caches_pip_npm_and_apt() -> None:
    action = yaml.safe_load((REPO / ".github" / "actions" / "debian-setup" / "action.yml").read_text())
    cached = [step["with"]["path"] for step in action["runs"]["steps"] if step.get("uses", "").startswith("actions/cache")]
    assert cached == ["/var/cache/apt/archives/*.deb", "~/.cache/pip", "~/.npm"]
    assert "make .venv/.stamp node_modules/.stamp" in "\n".join(step.get("run", "") for step in action["runs"]["steps"])
