"""The generator as a maintainer installs it: a wheel of this project, built from a copy of the checkout, installed
into a fresh virtual environment, then `literate-docs` run in a copy of the labml-style fixture outside this
repository, with PYTHONPATH unset, so that nothing can come from the checkout. The theme (templates, hook,
assets, labels, defaults) and KaTeX must come from the wheel.

The fresh environment sees the dependencies through a .pth file naming the site-packages of the Python running
the tests: `venv --system-site-packages` would give the base interpreter's packages, not those of the venv the
tests run in. A .pth line adds that folder only, not the .pth files in it, so the editable install of this
checkout that the Makefile puts there is not active in the fresh environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tools.site_config import DEFAULTED, TOOL_DEFAULTS, TOOL_SITE

pytestmark = pytest.mark.xdist_group("wheel")  # one worker builds the wheel once for the module

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "labml_style"
KATEX = REPO / "node_modules" / "katex" / "dist"
# What a checkout holds besides its sources: never copied into the folder the package is built from.
NOT_SOURCES = {".git", ".venv", "node_modules", "build", "runs", "test-artifacts", ".pytest_cache", ".ruff_cache",
               ".hypothesis", "generated", "__pycache__"}


def _clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "LITERATE_CONFIG")}


def _run(argv: list[str | Path], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(arg) for arg in argv], cwd=cwd, env=_clean_env(), capture_output=True, text=True,
                          timeout=timeout)


def _source_copy(folder: Path, *, node_modules: bool = True) -> Path:
    """The checkout's sources in `folder` (building writes build/ and *.egg-info beside them), with this
    checkout's node_modules linked in where asked."""
    shutil.copytree(REPO, folder, symlinks=True, ignore=lambda _, names: [
        name for name in names if name in NOT_SOURCES or name.endswith(".egg-info")])
    if node_modules:
        (folder / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return folder


def _build_wheel(source: Path, dist: Path) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist,
                 "."], cwd=source)


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    site_packages: Path
    project: Path  # the fixture, extracted and built with the installed `literate-docs`
    output: str

    def html(self, lang: str, page: str) -> str:
        return (self.project / "out" / lang / page / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    assert REPO not in base.parents
    source = _source_copy(base / "source")
    built = _build_wheel(source, base / "dist")
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (base / "dist").glob("annotated_ppo-*.whl")

    venv = base / "venv"
    created = _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    site_packages = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              cwd=base).stdout.strip())
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (site_packages / "_test_dependencies.pth").write_text("".join(f"{path}\n" for path in ours), encoding="utf-8")
    pip = _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel], cwd=base)
    assert pip.returncode == 0, pip.stdout + pip.stderr

    project = base / "mylab-repo"
    shutil.copytree(FIXTURE, project)
    command = venv / "bin" / "literate-docs"
    extracted = _run([command, "extract"], cwd=project)
    assert extracted.returncode == 0, extracted.stdout + extracted.stderr
    result = _run([command, "build", "--out", "out"], cwd=project)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return Installed(wheel, venv, site_packages, project, output)


@pytest.mark.slow
def test_the_wheel_carries_the_theme_and_katex_but_no_tests(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    theme = {f"tools/theme/{path.relative_to(TOOL_SITE).as_posix()}" for path in TOOL_SITE.rglob("*")
             if path.is_file() and "__pycache__" not in path.parts and "katex" not in path.parts}
    assert theme <= names, sorted(theme - names)
    assert {"tools/theme/overrides/partials/alternate.html", "tools/theme/hooks.py", "tools/theme/labels.yml",
            "tools/theme/defaults.yml", "tools/theme/katex/LICENSE"} <= names
    wheel = zipfile.ZipFile(installed.wheel)
    assert wheel.read("tools/theme/katex/katex.min.js") == (KATEX / "katex.min.js").read_bytes()
    fonts = {name for name in names if name.startswith("tools/theme/katex/fonts/")}
    assert "tools/theme/katex/fonts/KaTeX_Main-Regular.woff2" in fonts and len(fonts) == len(
        [font for font in (KATEX / "fonts").iterdir() if font.suffix in (".woff2", ".woff", ".ttf")])
    assert "MIT" in wheel.read("tools/theme/katex/LICENSE").decode()
    assert not [name for name in names if name.startswith("tests/") or "__pycache__" in name or name.endswith(".pyc")]


@pytest.mark.slow
def test_the_installed_generator_is_imported_from_the_install_not_the_checkout(installed: Installed) -> None:
    code = "import tools, tools.site_config as c; print(tools.__file__); print(c.TOOL_SITE); print(c.katex_dist())"
    result = _run([installed.venv / "bin" / "python", "-c", code], cwd=installed.project)
    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        assert Path(line).is_relative_to(installed.site_packages), line
        assert not Path(line).is_relative_to(REPO), line


@pytest.mark.slow
def test_literate_docs_from_the_wheel_builds_a_site_with_its_theme_and_katex(installed: Installed) -> None:
    assert "FAILED" not in installed.output and "ERROR" not in installed.output, installed.output
    out = installed.project / "out"
    for lang in ("en", "ja", "zh"):
        katex = out / lang / "assets" / "katex"
        assert (katex / "katex.min.js").read_bytes() == (KATEX / "katex.min.js").read_bytes()
        assert (katex / "katex.min.css").is_file() and (katex / "fonts" / "KaTeX_Main-Regular.woff2").is_file()
        assert (out / lang / "assets" / "annotated.css").is_file()
        page = installed.html(lang, "rl/gae")
        assert 'src="../../assets/katex/katex.min.js"' in page
        # The overrides: our language switcher (partials/alternate.html) and the page data of main.html
        assert "ap-lang" in page and 'id="ap-page"' in page
        assert all(f'hreflang="{code}"' in page for code in ("en", "ja", "zh"))
    assert (out / "index.html").is_file()
    for path in out.rglob("*.html"):
        assert str(REPO) not in path.read_text(encoding="utf-8"), path


@pytest.mark.slow
def test_add_language_with_the_installed_generator_writes_the_project_s_labels_not_the_package_s(
        installed: Installed, tmp_path: Path) -> None:
    project = tmp_path / "mylab-repo"
    shutil.copytree(FIXTURE, project)
    shipped = installed.site_packages / "tools" / "theme" / "labels.yml"
    before = shipped.read_bytes()
    command = installed.venv / "bin" / "literate-docs"
    for argv in (["add-language", "ko"], ["build", "--lang", "ko", "--out", "out"]):
        result = _run([command, *argv], cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr
    assert shipped.read_bytes() == before
    labels = yaml.safe_load((project / "site" / "labels.yml").read_text(encoding="utf-8"))
    assert list(labels) == ["ko"]  # the rest comes from the generator's, for the API pages too
    assert 'lang="ko"' in (project / "out" / "ko" / "api" / "rl" / "gae" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_wheel_built_without_katex_is_refused_in_one_line(tmp_path: Path) -> None:
    source = _source_copy(tmp_path / "source", node_modules=False)
    result = _build_wheel(source, tmp_path / "dist")
    assert result.returncode != 0
    assert "node_modules/katex/dist: KaTeX is missing; run `npm ci` before building the package" in (
        result.stdout + result.stderr)
    assert not list((tmp_path / "dist").glob("*.whl"))


@pytest.mark.slow
def test_an_sdist_carries_katex_so_its_wheel_needs_no_npm(tmp_path: Path) -> None:
    source = _source_copy(tmp_path / "source")
    made = _run([sys.executable, "-c", "import sys; from setuptools import build_meta; "
                 "print(build_meta.build_sdist(sys.argv[1]))", tmp_path / "sdist"], cwd=source)
    assert made.returncode == 0, made.stdout + made.stderr
    with tarfile.open(tmp_path / "sdist" / made.stdout.strip().splitlines()[-1]) as sdist:
        sdist.extractall(tmp_path / "unpacked", filter="data")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    assert not (unpacked / "node_modules").exists()
    result = _build_wheel(unpacked, tmp_path / "dist")
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "tools/theme/katex/katex.min.js" in names and "tools/theme/katex/fonts/KaTeX_Main-Regular.woff2" in names


class _Tagged(yaml.SafeLoader):
    """mkdocs.yml with its Python tags kept as (tag, value), to compare two files' settings."""


_Tagged.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: (
    suffix, loader.construct_mapping(node, deep=True) if isinstance(node, yaml.MappingNode) else node.value))


def test_the_generator_defaults_are_this_repository_s_settings() -> None:
    """tools/theme/defaults.yml is what a project's mkdocs.yml may leave out: this site's own sections. Neither
    names the templates or the hook, which the build adds (so that the file works from any folder)."""
    own = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Tagged)
    defaults = yaml.load(TOOL_DEFAULTS.read_text(encoding="utf-8"), Loader=_Tagged)
    assert set(defaults) == set(DEFAULTED)
    assert {key: own[key] for key in DEFAULTED} == defaults
    assert "custom_dir" not in own["theme"] and "hooks" not in own
