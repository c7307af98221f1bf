"""Bad input to the catalog commands, as a user meets it: `python -m tools ...` says what and where in one line.

Each test breaks one file of a scratch copy of the repository (tools, site, mkdocs.yml, the fixture package and its
catalogs) and runs the real command in a subprocess: exit status 2, one line `error: FILE...: FAULT`, no traceback.
"""

from __future__ import annotations

import json

import pytest

from tools.cli import main


def test_invalid_json_in_a_catalog_names_file_line_and_column(scratch_repo) -> None:
    path = scratch_repo.translations / "ja" / "toy" / "gae.py.json"
    path.write_text('{\n  "a": \n}\n', encoding="utf-8")
    for command in (["status"], ["translate", "--lang", "ja", "--dry-run"], ["export-po", "--out", "po"]):
        assert scratch_repo.error(*command) == f"error: {path}:3:1: invalid JSON: Expecting value"


def test_a_value_that_is_not_a_string_names_its_entry(scratch_repo) -> None:
    path = scratch_repo.translations / "zh" / "toy" / "readme.md.json"
    path.write_text(json.dumps({"Toy package": ["玩具"]}), encoding="utf-8")
    assert scratch_repo.error("status") == (f"error: {path}: entry 'Toy package': value must be a string, "
                                            "found list")


def test_a_malformed_review_state_is_named(scratch_repo) -> None:
    path = scratch_repo.translations / "ja" / "toy" / "gae.py.state.json"
    path.write_text(json.dumps({"machine": ["x"]}), encoding="utf-8")
    assert scratch_repo.error("export-po", "--out", "po") == (
        f"error: {path}: 'machine' must map English strings to strings")


def test_a_missing_translations_folder_says_to_extract_and_check_lists_what_is_missing(scratch_repo) -> None:
    for child in sorted(scratch_repo.translations.rglob("*"), reverse=True):
        child.unlink() if child.is_file() else child.rmdir()
    scratch_repo.translations.rmdir()
    line = scratch_repo.error("status")
    assert line == f"error: {scratch_repo.translations / 'en'}: no English catalogs: run python -m tools extract"
    result = scratch_repo.run("check")  # not "nothing to check": every source file lacks its catalogs
    assert result.returncode == 1, result.stdout
    assert "missing: toy/gae.py has no ja catalog (run python -m tools extract)" in result.stdout


def test_extract_without_sources_deletes_nothing_even_with_prune(scratch_repo) -> None:
    for child in sorted((scratch_repo.root / "reference_impl").rglob("*"), reverse=True):
        child.unlink() if child.is_file() else child.rmdir()
    before = sorted(scratch_repo.translations.rglob("*.json"))
    assert scratch_repo.error("extract", "--prune") == (
        f"error: {scratch_repo.root / 'reference_impl'}: no .py or .md files to extract from")
    assert sorted(scratch_repo.translations.rglob("*.json")) == before


def test_an_output_folder_that_is_a_file_is_refused(scratch_repo) -> None:
    (scratch_repo.root / "po").write_text("not a folder", encoding="utf-8")
    assert scratch_repo.error("export-po", "--out", "po") == (
        f"error: {scratch_repo.root / 'po'}: --out must be a folder, and this is a file")


def test_a_file_that_cannot_be_written_is_named_without_a_traceback(scratch_repo) -> None:
    # export-po writes po/ja/toy/gae.py.po: a folder in its place cannot be replaced by a file.
    (scratch_repo.root / "po" / "ja" / "toy" / "gae.py.po").mkdir(parents=True)
    target = scratch_repo.root / "po" / "ja" / "toy" / "gae.py.po"
    assert scratch_repo.error("export-po", "--out", "po") == f"error: {target}: Is a directory"
    assert not list(target.parent.glob(".*.tmp"))  # the temporary file is gone


@pytest.mark.parametrize(("name", "content", "fault"), [
    ("folder", None, "a folder, not a catalog file"),
    ("latin1.json", b'{"caf\xe9": ""}', "not UTF-8 (invalid continuation byte at byte 5)"),
])
def test_check_reports_unreadable_files_as_problems(scratch_repo, name: str, content: bytes | None,
                                                    fault: str) -> None:
    path = scratch_repo.root / name
    path.mkdir() if content is None else path.write_bytes(content)
    result = scratch_repo.run("check", name)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{name}: {fault}" in result.stdout


def test_a_glossary_that_is_not_utf8_is_a_problem_not_a_crash(scratch_repo) -> None:
    (scratch_repo.translations / "glossary.json").write_bytes(b'{"terms": {"caf\xe9": {}}}')
    result = scratch_repo.run("check")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "glossary.json: not UTF-8" in result.stdout


def test_labml_catalog_with_a_value_that_is_not_a_string(scratch_repo) -> None:
    folder = scratch_repo.root / "labml"
    folder.mkdir()
    (folder / "readme.zh.json").write_text(json.dumps({"<p>Toy package</p>": 1}), encoding="utf-8")
    assert scratch_repo.error("import-labml", "labml") == (
        "error: labml/readme.zh.json: entry '<p>Toy package</p>': value must be a string, found int")


def test_po_file_for_an_unknown_language_says_which(scratch_repo) -> None:
    (scratch_repo.root / "x.po").write_text('msgid ""\nmsgstr "Language: xx\\n"\n\nmsgctxt "toy/gae.py"\n'
                                            'msgid "a"\nmsgstr "b"\n', encoding="utf-8")
    assert scratch_repo.error("import-po", "x.po") == (
        "error: x.po: the Language header must be one of ja, zh, found xx")


@pytest.mark.parametrize(("argv", "message"), [
    (["serve", "--port", "99999"], "argument --port: 99999 is out of range: must be at least 0 and at most 65535"),
    (["build", "--jobs", "-3"], "argument --jobs: -3 is out of range: must be at least 0"),
    (["translate", "--lang", "ja", "--retries", "-1"], "argument --retries: -1 is out of range: must be at least 0"),
    (["translate", "--lang", "ja", "--timeout", "0"], "argument --timeout: 0 is out of range: must be above 0"),
    (["status", "--fail-under", "abc"], "argument --fail-under: 'abc' is not a number"),
])
def test_out_of_range_options_are_refused_before_any_work(argv: list[str], message: str, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith(f"error: {message}")


def test_a_duplicate_key_is_the_same_one_line_error_for_every_command(scratch_repo) -> None:
    assert scratch_repo.run("export-po", "--out", "po").returncode == 0
    path = scratch_repo.translations / "ja" / "toy" / "gae.py.json"
    text = path.read_text(encoding="utf-8")
    key = next(iter(json.loads(text)))
    path.write_text("{\n  " + json.dumps(key, ensure_ascii=False) + ': "一つ目",' + text[1:], encoding="utf-8")
    expected = f"error: {path}: duplicate key {json.dumps(key, ensure_ascii=False)}: a catalog holds each English " \
               "message once"
    po_file = scratch_repo.root / "po" / "ja" / "toy" / "gae.py.po"
    for command in (["status"], ["translate", "--lang", "ja", "--dry-run"], ["export-po", "--out", "po2"],
                    ["import-po", str(po_file)]):
        assert scratch_repo.error(*command) == expected, command
    assert path.read_text(encoding="utf-8").count(json.dumps(key, ensure_ascii=False)) == 2  # import wrote nothing


def test_export_po_writes_nothing_when_a_later_catalog_is_malformed(scratch_repo) -> None:
    path = scratch_repo.translations / "zh" / "toy" / "readme.md.json"
    path.write_text('{\n  "a": \n}\n', encoding="utf-8")
    assert scratch_repo.error("export-po", "--out", "po") == f"error: {path}:3:1: invalid JSON: Expecting value"
    assert not [p for p in (scratch_repo.root / "po").rglob("*") if p.is_file()]


def test_a_catalog_over_the_size_limit_is_refused_unread_by_every_command(scratch_repo) -> None:
    path = scratch_repo.translations / "ja" / "toy" / "gae.py.json"
    path.write_text(json.dumps({"x": "あ" * 700_000}, ensure_ascii=False), encoding="utf-8")  # 2.1 MB
    expected = f"error: {path}: {path.stat().st_size:,} bytes, over the limit of 2,097,152 bytes per catalog file"
    for command in (["status"], ["export-po", "--out", "po"]):
        assert scratch_repo.error(*command) == expected, command
    result = scratch_repo.run("check", str(path))
    assert result.returncode == 1 and "over the limit of 2,097,152 bytes per catalog file: refused unread" in \
        result.stdout
