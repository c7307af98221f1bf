"""`check` catches each fault machine translation (or a careless edit) leaves in a catalog, and names it."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from tools import check, extract_cmd
from tools.catalog import catalog_path

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs"
LABML = FIXTURES / "labml" / "ppo-readme.zh.json"
INTRO = "This is a toy version of [GAE](https://arxiv.org/abs/1506.02438), with $\\gamma$ and $\\lambda$."


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    source, translations = tmp_path / "src", tmp_path / "translations"
    shutil.copytree(FIXTURES / "src", source)
    extract_cmd.run(argparse.Namespace(prune=False, source_root=source, translations=translations))
    return source, translations


def run_check(project: tuple[Path, Path], *files: Path) -> tuple[int, list[str]]:
    source, translations = project
    checker = check.Checker(translations, source)
    targets = list(files) or checker.repository_files()
    problems = [str(problem) for path in targets for problem in checker.check_file(path)]
    return (1 if problems else 0), problems


def set_entry(project: tuple[Path, Path], key: str, value: str, lang: str = "ja") -> Path:
    path = catalog_path(lang, "toy/gae.py", project[1])
    data = json.loads(path.read_text(encoding="utf-8"))
    data[key] = value
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def test_fresh_catalogs_and_a_good_translation_pass(project, capsys) -> None:
    set_entry(project, INTRO, "これは [GAE](https://arxiv.org/abs/1506.02438) の簡易版で、$\\gamma$ と $\\lambda$ を使う。")
    assert run_check(project) == (0, [])
    code = check.run(argparse.Namespace(files=[], translations=project[1], source_root=project[0]))
    assert code == 0
    assert "check: 6 file(s), 40 entries, 0 problem(s)" in capsys.readouterr().out


def test_labml_split_link_is_caught_in_the_published_catalog() -> None:
    problems = [str(p) for p in check.Checker().check_file(LABML)]
    assert len(problems) == 1
    assert problems[0].startswith(f'{LABML}: "<h1><a href=\\"https://nn.labml.ai/rl/ppo/index.html\\">')
    assert 'link text "yTorch" is a piece of "PyTorch": the link was split' in problems[0]


def test_cli_exits_non_zero_and_prints_file_key_fault(capsys) -> None:
    assert check.run(argparse.Namespace(files=[str(LABML)])) == 1
    out = capsys.readouterr().out
    assert "the link was split" in out and "1 problem(s)" in out


def test_invalid_json_reports_line_and_column(project) -> None:
    path = catalog_path("zh", "toy/gae.py", project[1])
    path.write_text('{\n  "Advantages table": "优势表",\n  "x": oops\n}\n', encoding="utf-8")
    assert run_check(project, path)[1] == [f"{path}:3:8: invalid JSON: Expecting value"]


def test_stale_key_is_reported_when_source_changes(project) -> None:
    path = set_entry(project, "Advantages table", "アドバンテージの表")
    module = project[0] / "toy" / "gae.py"
    module.write_text(module.read_text(encoding="utf-8").replace("# Advantages table", "# The advantages"),
                      encoding="utf-8")
    _, problems = run_check(project, path)
    assert f'{path}: "Advantages table": stale: not in the source (run python -m tools extract)' in problems
    assert any('"The advantages": 1 message(s) of the source are missing' in p for p in problems)


@pytest.mark.parametrize(("translation", "fault"), [
    ("これは [GAE](https://arxiv.org/abs/1506.02438) の簡易版で、$\\gamma$ と $\\Lambda$ を使う。",
     'maths not preserved: missing "$\\\\lambda$"; changed or added "$\\\\Lambda$"'),
    ("これは [GAE](https://arxiv.org/abs/1506.02438) の簡易版で、$\\gamma$ と λ を使う。",
     'maths not preserved: missing "$\\\\lambda$"'),
    ("これは [GAE](https://arxiv.org/abs/1506.0243) の簡易版で、$\\gamma$ と $\\lambda$ を使う。",
     'link URLs not preserved: missing "https://arxiv.org/abs/1506.02438"; changed or added'),
    ("これは [GAE [論文](https://arxiv.org/abs/1506.02438)](https://arxiv.org/abs/1506.02438) の簡易版、$\\gamma$, "
     "$\\lambda$", "link inside a link"),
    ("これは [GAE](javascript:alert(1)) の簡易版で、$\\gamma$ と $\\lambda$ を使う。", "href='javascript:alert(1)' URL on <a> is not allowed"),
    ("これは [GAE](https://arxiv.org/abs/1506.02438) <script>alert(1)</script> $\\gamma$ $\\lambda$",
     "<script> element is not allowed"),
    ('これは <img src="x.png" onerror="alert(1)"> [GAE](https://arxiv.org/abs/1506.02438) $\\gamma$ $\\lambda$',
     "onerror attribute on <img> is not allowed"),
    ("これは [GAE](https://arxiv.org/abs/1506.02438) <iframe></iframe> $\\gamma$ $\\lambda$",
     "<iframe> element is not allowed"),
    ("これは [GAE](https://arxiv.org/abs/1506.02438) <style>p{}</style> $\\gamma$ $\\lambda$",
     "<style> element is not allowed"),
    ("これは <b>[GAE](https://arxiv.org/abs/1506.02438)</b> $\\gamma$ $\\lambda$",
     'HTML tags not preserved: changed or added "b"'),
    ("これは [[0]]GAE[[1]] $\\gamma$ $\\lambda$", "machine-translation placeholders [[N]] left in the text"),
])
def test_each_translation_fault_is_named(project, translation: str, fault: str) -> None:
    path = set_entry(project, INTRO, translation)
    _, problems = run_check(project, path)
    assert any(problem.startswith(f'{path}: "This is a toy version') and fault in problem for problem in problems), \
        problems


@pytest.mark.parametrize(("english", "translation", "fault"), [
    ("Use `x[0]` here.", "ここで `x[1]` を使う。", 'code not preserved: missing "`x[0]`"'),
    ("## Advantage", "優位性", "heading level changed (## → none)"),
    ("<b>bold</b> text", "<b>太字 テキスト", "<b> is never closed"),
    ("<b>bold</b> text", "太字</b> テキスト", "</b> has no opening tag"),
    ("<b><i>bold</i></b>", "<b><i>太字</b></i>", "</b> closes <b> while <i> is still open (wrongly nested tags)"),
    ('<a href="u">a</a> and <a href="v">b</a>', '<a href="u">a <a href="v">b</a></a>', "link inside a link"),
    ('<span translate=no>_^_0_^_</span> text', "テキスト", 'placeholders not preserved: missing "_^_0_^_"'),
    ("[x](https://a.org)", '<a href="JaVa\tScRiPt:alert(1)">x</a>', "javascript URL is not allowed"),
])
def test_translation_faults_for_code_headings_tags_and_placeholders(english: str, translation: str,
                                                                    fault: str) -> None:
    assert any(fault in found for found in check.translation_faults(english, translation)), \
        check.translation_faults(english, translation)


def test_duplicate_keys_and_non_canonical_format_are_reported(project) -> None:
    path = catalog_path("ja", "toy/readme.md", project[1])
    path.write_text('{"Toy package": "", "Toy package": "トイ"}', encoding="utf-8")
    _, problems = run_check(project, path)
    assert f'{path}: "Toy package": duplicate key (only the last value would be kept)' in problems
    assert any("not in the canonical format" in problem for problem in problems)


def test_state_file_faults_are_reported(project) -> None:
    state = catalog_path("ja", "toy/gae.py", project[1]).with_name("gae.py.state.json")
    state.write_text(json.dumps({"machine": {"Not a key": "x"}, "fuzzy": {"Advantages table": {"previous": "a"}},
                                 "extra": {}}), encoding="utf-8")
    _, problems = run_check(project, state)
    assert any("unknown section(s) ['extra']" in p for p in problems)
    assert f'{state}: "Not a key": machine mark for a key that is not in the catalog' in problems
    assert f"{state}: \"Advantages table\": fuzzy entry needs string 'previous' and 'suggestion'" in problems


def test_catalog_without_source_is_reported(project) -> None:
    (project[0] / "toy" / "readme.md").unlink()
    _, problems = run_check(project)
    path = catalog_path("ja", "toy/readme.md", project[1])
    assert f"{path}: its source toy/readme.md does not exist in src/ (python -m tools extract --prune deletes it)" \
        in problems


def test_repository_glossary_is_valid_and_flags_renderings_to_avoid() -> None:
    terms, problems = check.load_glossary(Path(__file__).parent.parent / "translations" / "glossary.json")
    assert problems == [] and len(terms) >= 20
    assert set(check.glossary_faults(terms, "ja", "The policy gradient", "ポリシーグラデーション")) == {
        "glossary: 'policy' is 方策 in ja, not ポリシー",
        "glossary: 'policy gradient' is 方策勾配 in ja, not ポリシーグラデーション",
        "glossary: 'policy gradient' is 方策勾配 in ja, not グラデーション",
        "glossary: 'gradient' is 勾配 in ja, not グラデーション"}
    assert check.glossary_faults(terms, "ja", "Policies", "方策") == []


def test_glossary_terms_are_checked_in_our_catalogs(project, capsys) -> None:
    glossary = project[1] / "glossary.json"
    glossary.write_text(json.dumps({"terms": {"table": {"ja": "表", "zh": "表", "note": "",
                                                        "avoid": {"ja": ["テーブル"]}}}}), encoding="utf-8")
    path = set_entry(project, "Advantages table", "アドバンテージのテーブル")
    assert f'{path}: "Advantages table": glossary: \'table\' is 表 in ja, not テーブル' in run_check(project)[1]
    glossary.write_text(json.dumps({"terms": {"table": {"ja": "表"}}}), encoding="utf-8")
    assert check.run(argparse.Namespace(files=[], translations=project[1], source_root=project[0])) == 1
    assert f'{glossary}: "table": a term needs a non-empty rendering for each of ja, zh' in capsys.readouterr().out


def test_a_source_file_without_catalogs_is_reported(project, capsys) -> None:
    (project[0] / "toy" / "new.py").write_text('"""A new module."""\n', encoding="utf-8")
    assert check.run(argparse.Namespace(files=[], translations=project[1], source_root=project[0])) == 1
    out = capsys.readouterr().out
    for lang in ("en", "ja", "zh"):
        assert f"new.py.json: missing: toy/new.py has no {lang} catalog (run python -m tools extract)" in out
