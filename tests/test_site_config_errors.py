"""A broken `mkdocs.yml` or `site/labels.yml`, or a bad option, as a user meets it: one line naming the file.

Each test breaks one input of a scratch copy of the repository and runs `python -m tools build` (or `serve`) in a
subprocess: exit status 2, one line `error: FILE: FAULT`, no traceback, and no MkDocs run was needed to find out.
"""

from __future__ import annotations

import re
import socket

import pytest

from tools.paths import ROOT


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "fault"), [
    ("site_name: Annotated PPO", "site_name: [Annotated PPO", ": invalid YAML: expected ',' or ']'"),
    ("    languages:\n", "    languages: English\n    unused:\n",
     ": extra.literate.languages must map language codes to names (en: English, ja: 日本語, ...), found str"),
    ("      zh: 简体中文\n", "      xx-nowhere: Nowhere\n", ": extra.literate.languages: 'xx-nowhere' is not a language code "
                                                      "Babel knows"),
    ("    reading_order:\n", "    reading_order: 3\n    unused:\n",
     ": extra.literate.reading_order must be a list, found int 3"),
    ("    branch: main", "    branch: [main]", ': extra.literate.branch must be a string, found list ["main"]'),
    ("    links: strict", "    links: loose", ": extra.literate.links must be one of strict, warn, found 'loose'"),
    ("plugins:\n", "plugins: search\nunused:\n", ": plugins must be a list, found str"),
    ("theme:\n", "theme: 5\nunused:\n", ": theme must be a mapping, found int"),
    ("      handlers:\n", "      handlers: python\n      unused:\n",
     ": plugins: mkdocstrings: handlers.python.options.extensions must be a list"),
    ("    site_url: https://annotated-ppo.github.io/annotated-ppo/", "    site_url: ''",
     ": extra.literate.site_url is required"),
])
def test_a_broken_mkdocs_yml_is_named_with_the_setting(scratch_repo, old: str, new: str, fault: str) -> None:
    config = scratch_repo.root / "mkdocs.yml"
    edit(config, old, new)
    line = scratch_repo.error("build", "--lang", "en", "--out", "out")
    assert line.startswith(f"error: {config}") and fault in line, line
    if "invalid YAML" in fault:  # where: line and column
        assert re.match(rf"error: {re.escape(str(config))}:\d+:\d+: ", line), line
    assert not (scratch_repo.root / "out" / "en").exists()


def test_a_missing_mkdocs_yml_is_named(scratch_repo) -> None:
    (scratch_repo.root / "mkdocs.yml").unlink()
    assert scratch_repo.error("build") == f"error: {scratch_repo.root / 'mkdocs.yml'}: cannot read: No such file or " \
                                          "directory"


@pytest.mark.parametrize(("old", "new", "fault"), [
    # An unknown language: labels for a language the site does not have (a typo of a code, say).
    ("zh:\n", "fr:\n", "labels for fr, which mkdocs.yml's extra.literate.languages does not list (en, ja, zh)"),
    ("ja:\n", "ja: Japanese\nunused:\n", "ja: expected a mapping of label → text, found str"),
    ("  home: ホーム", "  home: [ホーム]", "ja.home must be a string, found list"),
    ('  view_code_title: "GitHub で {path}', '  view_code_title: "GitHub で {file}',
     "ja.view_code_title has the placeholders ['end', 'file', 'start'], English has ['end', 'path', 'start']"),
    ("  paper: 論文\n", "", "language 'ja' lacks labels: paper"),
    ("home: Home\n", "home: [Home\n", ": invalid YAML: expected ',' or ']'"),
])
def test_broken_labels_are_named_with_the_language_and_key(scratch_repo, old: str, new: str, fault: str) -> None:
    labels = scratch_repo.root / "tools" / "theme" / "labels.yml"
    edit(labels, old, new)
    line = scratch_repo.error("build", "--lang", "en", "--out", "out")
    assert line.startswith(f"error: {labels}") and fault in line, line


def test_an_output_folder_that_is_a_file_is_refused(scratch_repo) -> None:
    (scratch_repo.root / "out").write_text("a file", encoding="utf-8")
    assert scratch_repo.error("build", "--out", "out") == (
        f"error: {scratch_repo.root / 'out'}: --out must be a folder, and this is a file")


def test_serve_on_a_busy_port_says_so_before_building(scratch_repo) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert scratch_repo.error("serve", "--port", str(port)) == (
            f"error: 127.0.0.1:{port}: cannot listen: Address already in use (choose another --port)")


def test_serve_whose_first_build_cannot_start_stops_with_the_reason(scratch_repo) -> None:
    edit(scratch_repo.root / "mkdocs.yml", "    languages:\n", "    languages: English\n    unused:\n")
    line = scratch_repo.error("serve", "--port", "0")
    assert line.endswith("mkdocs.yml: extra.literate.languages must map language codes to names (en: English, "
                         "ja: 日本語, ...), found str \"English\"")


def test_the_repository_config_and_labels_pass_these_checks() -> None:
    from tools.site_config import load_site

    _, settings, labels = load_site(ROOT / "mkdocs.yml", ROOT / "tools" / "theme" / "labels.yml")
    assert list(settings.languages) == list(labels) == ["en", "ja", "zh"]
