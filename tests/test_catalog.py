"""Catalogs follow the code without losing a translator's work."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from tools import extract_cmd
from tools.catalog import Catalog, Translation, catalog_path, load_translations, read_string_map
from tools.errors import UserError
from tools.files import write_atomic

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs" / "src"
GAE = PurePosixPath("toy/gae.py")
INTRO = "This is a toy version of [GAE](https://arxiv.org/abs/1506.02438), with $\\gamma$ and $\\lambda$."


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "src"
    shutil.copytree(FIXTURES, source)
    return source, tmp_path / "translations"


def extract(project: tuple[Path, Path], prune: bool = False) -> None:
    source, translations = project
    extract_cmd.run(argparse.Namespace(prune=prune, source_root=source, translations=translations))


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_catalog_files_are_sorted_readable_json_and_extraction_is_byte_stable(project, capsys) -> None:
    extract(project)
    translations = project[1]
    english = catalog_path("en", GAE, translations).read_text(encoding="utf-8")
    japanese = catalog_path("ja", GAE, translations).read_text(encoding="utf-8")
    data = json.loads(english)
    assert list(data) == sorted(data)
    assert data[INTRO] == "toy/gae.py:1-16 · module docstring"
    assert english.endswith("}\n") and '\n  "' in english and "\\u" not in english
    assert json.loads(japanese) == dict.fromkeys(data, "")
    assert sorted(snapshot(translations)) == [f"{lang}/toy/{name}.json" for lang in ("en", "ja", "zh")
                                              for name in ("gae.py", "readme.md")]
    assert "toy/gae.py: 15 added" in capsys.readouterr().out
    before = snapshot(translations)
    extract(project)
    assert snapshot(translations) == before
    assert "0 added, 0 changed (fuzzy), 0 obsolete" in capsys.readouterr().out


def test_extract_edit_extract_keeps_the_translation(project) -> None:
    extract(project)
    path = catalog_path("ja", GAE, project[1])
    edit_json(path, lambda data: data.update({"Advantages table": "アドバンテージの表"}))
    extract(project)
    assert read_string_map(path)["Advantages table"] == "アドバンテージの表"
    assert load_translations("ja", GAE, project[1]) == {"Advantages table": Translation("アドバンテージの表", False)}


def test_changed_source_keeps_obsolete_translation_and_offers_it_as_fuzzy_suggestion(project, capsys) -> None:
    extract(project)
    path = catalog_path("ja", GAE, project[1])
    edit_json(path, lambda data: data.update({INTRO: "GAE の簡易版です。"}))
    module = project[0] / "toy" / "gae.py"
    original = module.read_text(encoding="utf-8")
    module.write_text(original.replace("This is a toy version", "This is a small toy version"), encoding="utf-8")
    capsys.readouterr()
    extract(project)
    output = capsys.readouterr().out
    assert "toy/gae.py: 1 added, 1 removed; changed (fuzzy): ja 1; obsolete: ja 1\n" in output
    new = INTRO.replace("This is a toy version", "This is a small toy version")
    catalog = Catalog.load("ja", GAE, project[1])
    assert catalog.entries[new] == "" and INTRO not in catalog.entries
    assert catalog.obsolete == {INTRO: "GAE の簡易版です。"}
    assert catalog.fuzzy == {new: {"previous": INTRO, "suggestion": "GAE の簡易版です。"}}
    assert catalog.state(new) == "fuzzy"
    assert new not in load_translations("ja", GAE, project[1])  # a suggestion is not published
    # Accepting the suggestion (writing it as the value) clears the fuzzy state on the next extraction.
    edit_json(path, lambda data: data.update({new: "GAE の小さな簡易版です。"}))
    extract(project)
    catalog = Catalog.load("ja", GAE, project[1])
    assert catalog.state(new) == "translated" and not catalog.fuzzy
    assert catalog.obsolete == {INTRO: "GAE の簡易版です。"}  # kept until --prune
    # Reverting the code brings the old translation back.
    module.write_text(original, encoding="utf-8")
    extract(project)
    catalog = Catalog.load("ja", GAE, project[1])
    assert catalog.entries[INTRO] == "GAE の簡易版です。"
    assert catalog.obsolete == {new: "GAE の小さな簡易版です。"}
    extract(project, prune=True)
    assert not Catalog.load("ja", GAE, project[1]).obsolete
    assert not catalog.state_path.exists()


def test_machine_state_is_derived_from_the_machine_text(project) -> None:
    extract(project)
    catalog = Catalog.load("zh", GAE, project[1])
    catalog.entries["Advantages table"] = "优势表"
    catalog.machine["Advantages table"] = "优势表"
    catalog.save()
    assert json.loads(catalog.state_path.read_text(encoding="utf-8")) == {"machine": {"Advantages table": "优势表"}}
    assert load_translations("zh", GAE, project[1])["Advantages table"] == Translation("优势表", True)
    assert Catalog.load("zh", GAE, project[1]).state("Advantages table") == "machine"
    edit_json(catalog.path, lambda data: data.update({"Advantages table": "优势值表"}))
    assert Catalog.load("zh", GAE, project[1]).state("Advantages table") == "translated"
    extract(project)
    assert not catalog.state_path.exists()  # the stale machine mark is dropped


def test_same_english_in_another_file_reuses_a_reviewed_translation(project) -> None:
    extract(project)
    (project[0] / "toy" / "other.py").write_text("# Advantages table\nx = 1\n", encoding="utf-8")
    edit_json(catalog_path("ja", GAE, project[1]), lambda data: data.update({"Advantages table": "アドバンテージ表"}))
    extract(project)
    assert read_string_map(catalog_path("ja", "toy/other.py", project[1]))["Advantages table"] == "アドバンテージ表"


def test_catalogs_of_a_removed_source_are_kept_until_prune(project, capsys) -> None:
    extract(project)
    (project[0] / "toy" / "readme.md").unlink()
    capsys.readouterr()
    extract(project)
    assert "ja/toy/readme.md.json: kept" in capsys.readouterr().out
    assert catalog_path("ja", "toy/readme.md", project[1]).exists()
    extract(project, prune=True)
    assert not catalog_path("ja", "toy/readme.md", project[1]).exists()
    assert not catalog_path("en", "toy/readme.md", project[1]).exists()


def test_missing_catalog_loads_empty_and_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    assert load_translations("ja", "nothing.py", tmp_path) == {}
    path = catalog_path("ja", "bad.py", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{\n  "a": "b",\n  "c" "d"\n}\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"bad\.py\.json:3:7: invalid JSON"):
        load_translations("ja", "bad.py", tmp_path)
    path.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(UserError, match="entry 'a': value must be a string"):
        load_translations("ja", "bad.py", tmp_path)


def test_written_catalogs_are_ordinary_files_not_private_temporaries(project) -> None:
    extract(project)
    mode = catalog_path("ja", GAE, project[1]).stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
    assert not list(project[1].rglob("*.tmp"))


def test_atomic_write_replaces_the_file_whole_and_leaves_an_unchanged_one_alone(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "file.json"
    assert write_atomic(path, "{}\n") is True
    inode = path.stat().st_ino
    assert write_atomic(path, b"{}\n") is False  # same bytes: not rewritten, so watchers see no change
    assert path.stat().st_ino == inode
    assert write_atomic(path, '{"方策": "x"}\n') is True
    assert path.stat().st_ino != inode  # a new file renamed over the old one, never the old one truncated
    assert path.read_bytes() == '{"方策": "x"}\n'.encode()
    assert [p.name for p in path.parent.iterdir()] == ["file.json"]


@pytest.mark.parametrize(("state", "fault"), [
    ([1], "the state file must be a JSON object, found list"),
    ({"fuzzy": {"Advantages table": "x"}}, "entry 'Advantages table': fuzzy entry needs string 'previous' and "
                                           "'suggestion'"),
    ({"machine": {"Advantages table": 1}}, "'machine' must map English strings to strings"),
    ({"reviewed": {}}, "unknown section(s) ['reviewed']: expected fuzzy, machine, obsolete"),
])
def test_a_malformed_state_file_is_refused_naming_file_and_fault(project, state, fault: str) -> None:
    extract(project)
    catalog = Catalog.load("ja", GAE, project[1])
    catalog.state_path.write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(UserError) as raised:
        Catalog.load("ja", GAE, project[1])
    assert str(raised.value) == f"{catalog.state_path}: {fault}"


def translations_on_disk(folder: Path) -> set[tuple[str, str, str]]:
    """(catalog, English, translation) of every translation kept in a catalog or its sidecar's obsolete section."""
    found = set()
    for path in folder.rglob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        name = path.relative_to(folder).as_posix().removesuffix(".state.json").removesuffix(".json")
        if path.name.endswith(".state.json"):
            found |= {(name, key, value) for key, value in data.get("obsolete", {}).items()}
        elif not name.startswith("en/"):
            found |= {(name, key, value) for key, value in data.items() if value}
    return found


# Runs `extract` (sources argv[2], catalogs argv[3]) and kills itself with SIGKILL just before its file
# operation number argv[1] (renames of atomic writes, deletions), seen through Python's audit hooks: a real
# kill -9 at a write boundary, no hook in the code.
KILLED_EXTRACT = """
import os, signal, sys
limit, count = int(sys.argv[1]), [0]
def hook(event, args):
    if event in ("os.rename", "os.remove"):
        count[0] += 1
        if count[0] > limit:
            os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(hook)
import argparse
from tools import extract_cmd
sys.exit(extract_cmd.run(argparse.Namespace(prune=False, source_root=sys.argv[2], translations=sys.argv[3])))
"""


def test_kill_9_at_every_write_of_extract_loses_no_translation(project) -> None:
    """`extract` is killed after each of its writes in turn; whatever it left, every translation is still on disk,
    and the next `extract` gives what the uninterrupted run gives."""
    source, translations = project
    module = source / "toy" / "gae.py"
    original = module.read_text(encoding="utf-8")
    extract(project)
    for lang in ("ja", "zh"):  # every entry translated
        edit_json(catalog_path(lang, GAE, translations),
                  lambda data, lang=lang: data.update({key: f"{lang} {n}" for n, key in enumerate(data)}))
    module.write_text(original.replace("This is a toy version", "This is a small toy version"), encoding="utf-8")
    extract(project)  # INTRO's translation is now obsolete; its successor gets one of its own
    new = INTRO.replace("This is a toy version", "This is a small toy version")
    for lang in ("ja", "zh"):
        edit_json(catalog_path(lang, GAE, translations), lambda data: data.update({new: "新しい訳"}))
    module.write_text(original, encoding="utf-8")  # the next extract restores INTRO's and retires the new one
    before = snapshot(translations)
    kept_before = translations_on_disk(translations)
    extract(project)
    finished = snapshot(translations)
    assert finished != before

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(root))
    for done in range(100):
        shutil.rmtree(translations)
        for name, data in before.items():
            (translations / name).parent.mkdir(parents=True, exist_ok=True)
            (translations / name).write_bytes(data)
        child = subprocess.run([sys.executable, "-c", KILLED_EXTRACT, str(done), str(source), str(translations)],
                               env=env, capture_output=True, text=True)
        lost = kept_before - translations_on_disk(translations)
        assert not lost, (done, lost)
        extract(project)
        catalogs = {name: data for name, data in snapshot(translations).items() if name.endswith(".json")}
        assert catalogs == finished, done  # (a kill can leave a temporary file beside them: never read)
        if child.returncode != -signal.SIGKILL:
            break
    assert child.returncode == 0, child.stderr
    assert done >= 5  # English template, then two files per language, and more: each boundary was tried
