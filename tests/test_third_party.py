"""The generator on someone else's package: a fixture in labml's conventions (front matter, `# ` comment notes,
`.html` links, TeX in non-raw docstrings, nested folders with readme.md and __init__.py, an image and a notebook
beside the modules), copied to a temporary folder outside this repository and built from there, strictly, in every
language its mkdocs.yml names. The generator runs as a maintainer runs it: `python -m tools` in that folder (or
with `-f`), this repository only on PYTHONPATH."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("third-party")]

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "labml_style"
JA_TITLE = "一般化アドバンテージ推定（GAE）"


def tools(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LITERATE_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "tools", *argv], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The fixture copied outside the repository, extracted, one title translated, built; (folder, output)."""
    root = tmp_path_factory.mktemp("third-party") / "mylab-repo"
    shutil.copytree(FIXTURE, root)
    assert REPO not in root.parents
    extracted = tools(root, "extract")
    assert extracted.returncode == 0, extracted.stderr
    catalog = root / "translations" / "ja" / "rl" / "gae.py.json"
    entries = json.loads(catalog.read_text(encoding="utf-8"))
    entries["Generalized Advantage Estimation (GAE)"] = JA_TITLE
    catalog.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    built = tools(root, "build", "--out", "out")
    assert built.returncode == 0, built.stdout + built.stderr
    return root, built.stdout + built.stderr


def html(root: Path, lang: str, page: str) -> str:
    return (root / "out" / lang / page / "index.html").read_text(encoding="utf-8")


def test_every_configured_language_is_built_strictly_with_the_pages_of_every_folder(project) -> None:
    root, output = project
    assert "FAILED" not in output and "ERROR" not in output, output
    for lang in ("en", "ja", "zh"):
        for page in ("", "mylab", "readme", "rl", "rl/readme", "rl/gae", "helpers", "helpers/device",
                     "api/rl/gae", "api/helpers/device"):
            assert (root / "out" / lang / page / "index.html").is_file(), (lang, page)
    assert JA_TITLE in html(root, "ja", "rl/gae")
    # The switcher of the third party's site lists its languages, in its order.
    assert re.findall(r'hreflang="(\w+)" lang="\w+" target="_self"', html(root, "en", "rl/gae")) == ["en", "ja", "zh"]


def test_labml_html_links_point_at_the_generated_pages(project) -> None:
    root, _ = project
    gae = html(root, "en", "rl/gae")
    assert 'href="../../helpers/device/"' in gae  # ../helpers/device.html
    assert 'href="../"' in gae  # index.html: the folder's __init__.py page
    assert 'href="../../rl/gae/"' in html(root, "en", "helpers/device")  # ../rl/gae.html
    home = html(root, "en", "mylab")
    assert 'href="../rl/gae/"' in home and 'href="../helpers/device/"' in home and 'href="../rl/"' in home
    assert 'href="../../api/helpers/device/"' in html(root, "en", "api/rl/gae") or \
        'href="../../../helpers/device/"' in html(root, "en", "api/rl/gae")


def test_tex_in_non_raw_docstrings_reads_as_written_with_one_warning_per_docstring(project) -> None:
    root, output = project
    for page in ("rl/gae", "api/rl/gae"):
        text = html(root, "en", page)
        assert "\\begin{align}" in text and "\\frac{1}{1 - \\lambda}" in text, page
        assert "\x08" not in text and "\x0c" not in text
    assert "\\text{time} \\times \\text{devices}" in html(root, "en", "helpers/device")
    warnings = [line for line in output.splitlines() if "non-raw docstring" in line]
    assert warnings == [
        f"warning: {root / 'mylab' / 'helpers' / 'device.py'}:14: a non-raw docstring whose escapes Python reads "
        'differently (\\b, \\f, \\t, ...): read as written; make it r""" to say so',
        f"warning: {root / 'mylab' / 'rl' / 'gae.py'}:27: a non-raw docstring whose escapes Python reads "
        'differently (\\b, \\f, \\t, ...): read as written; make it r""" to say so']


def test_images_beside_the_sources_are_published_and_shown_on_the_page_and_in_the_api(project) -> None:
    root, _ = project
    for lang in ("en", "zh"):
        assert (root / "out" / lang / "rl" / "gae.svg").read_bytes() == (root / "mylab" / "rl" / "gae.svg").read_bytes()
    assert 'src="../gae.svg"' in html(root, "en", "rl/gae")
    assert 'src="../../../rl/gae.svg"' in html(root, "en", "api/rl/gae")
    # Raw HTML too, relative to the page's URL (MkDocs does not rewrite it).
    readme = html(root, "en", "rl/readme")
    assert '<img alt="the diagram" src="../gae.svg" width="120">' in readme
    assert '<a href="../gae/#section-2">its code</a>' in readme


def test_colab_opens_the_notebook_of_the_modules_folder_else_the_configured_one(project) -> None:
    root, _ = project
    colab = "https://colab.research.google.com/github/example/mylab/blob/master/"
    assert f'href="{colab}mylab/rl/experiment.ipynb"' in html(root, "en", "rl/gae")
    assert f'href="{colab}mylab/experiment.ipynb"' in html(root, "en", "helpers/device")


def test_a_broken_link_is_listed_with_file_and_line_and_fails_or_builds_as_the_maintainer_chose(project,
                                                                                               tmp_path) -> None:
    root, _ = project
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("out", "generated"))
    device = copy / "mylab" / "helpers" / "device.py"
    device.write_text(device.read_text(encoding="utf-8").replace(
        "see the [helpers](index.html).", "see the [helpers](index.html) and [the sampler](sampler.html)."),
        encoding="utf-8")
    expected = "warning: mylab/helpers/device.py:9: a link to a page the site does not have: 'sampler.html'"
    strict = tools(tmp_path, "-f", str(copy / "mkdocs.yml"), "build", "--lang", "en", "--out", str(copy / "out"))
    assert strict.returncode == 2, strict.stdout + strict.stderr
    assert expected in strict.stdout.splitlines()
    assert strict.stderr.strip().startswith("error: 1 broken link(s) in the sources")
    config = copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("links: strict", "links: warn"), encoding="utf-8")
    warned = tools(copy, "build", "--lang", "en", "--out", "out")
    assert warned.returncode == 0, warned.stdout + warned.stderr
    assert expected in warned.stdout.splitlines()
    assert (copy / "out" / "en" / "helpers" / "device" / "index.html").is_file()


def test_several_source_packages_are_documented_side_by_side(tmp_path) -> None:
    root = tmp_path / "two-packages"
    shutil.copytree(FIXTURE, root)
    (root / "otherlab").mkdir()
    (root / "otherlab" / "__init__.py").write_text('"""\n# Other lab\n\nBuilt on [GAE](../mylab/rl/gae.html)."""\n',
                                                   encoding="utf-8")
    (root / "otherlab" / "sampler.py").write_text(
        '"""\n# Sampler\n\nSee the [package](index.html)."""\n\n\ndef sample() -> int:\n    """One sample."""\n'
        "    return 4\n", encoding="utf-8")
    (root / "scripts").mkdir()  # beside the packages, not one of them: no page
    (root / "scripts" / "release.py").write_text('"""Release the lab."""\n', encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("sources: [mylab]", "sources: [mylab, otherlab]"),
                      encoding="utf-8")
    built = tools(root, "build", "--lang", "en", "--out", "out")
    assert built.returncode == 0, built.stdout + built.stderr
    for page in ("mylab", "mylab/rl/gae", "otherlab", "otherlab/sampler", "api/otherlab/sampler"):
        assert (root / "out" / "en" / page / "index.html").is_file(), page
    assert not (root / "out" / "en" / "scripts").exists()
    assert 'href="../mylab/rl/gae/"' in html(root, "en", "otherlab")
    api = html(root, "en", "api/otherlab/sampler")
    assert "otherlab.sampler" in api and "One sample." in api
    assert "https://github.com/example/mylab/blob/master/otherlab/sampler.py" in html(root, "en", "otherlab/sampler")
