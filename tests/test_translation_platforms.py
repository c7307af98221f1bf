"""Translation platforms read and write our catalogs with their own libraries, and nothing is lost.

- Weblate's "JSON file" format is translate-toolkit's `JsonFile`: our ja/zh catalogs, `{English: translation}`,
  are flat bilingual JSON files to it (see translations/README.md for the component settings).
- For review states (Crowdin, Poedit, Weblate's gettext components) PO stays the route: `export-po` and
  `import-po`, here with the PO files edited by polib, a PO library other than the Babel our tools use.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import polib
import pytest
from translate.storage.jsonl10n import JsonFile

from tools import catalog as catalogs
from tools import extract_cmd, po
from tools.check import Checker
from tools.paths import TRANSLATIONS

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs" / "src"
REPOSITORY_CATALOGS = sorted(path for lang in catalogs.TARGET_LANGUAGES for path in catalogs.language_files(lang)
                             if not catalogs.is_state_file(path))  # the sidecars are ours, not a platform's


def english(unit) -> str:
    """The English of a unit: the key of the flat JSON object (translate-toolkit's id is `.` + key)."""
    ((kind, key),) = unit.get_unitid().parts
    assert kind == "key"
    return key


def canonical_store(data: bytes) -> JsonFile:
    """translate-toolkit's store of a catalog, writing as Weblate does with our component's file format params
    (indent 2, sorted keys)."""
    store = JsonFile()
    store.parse(data)
    store.dump_args.update(indent=2, sort_keys=True)
    return store


@pytest.mark.parametrize("path", REPOSITORY_CATALOGS, ids=lambda p: p.relative_to(TRANSLATIONS).as_posix())
def test_translate_toolkit_reads_and_writes_every_catalog_without_loss(path: Path) -> None:
    raw = path.read_bytes()
    store = canonical_store(raw)
    assert {english(unit): unit.target for unit in store.units} == json.loads(raw)
    assert bytes(store) == raw


def test_a_translation_written_through_translate_toolkit_is_a_reviewed_entry_that_passes_check(
        tmp_path: Path) -> None:
    source, root = tmp_path / "src", tmp_path / "translations"
    shutil.copytree(FIXTURES, source)
    extract_cmd.run(argparse.Namespace(prune=False, source_root=source, translations=root))
    path = catalogs.catalog_path("zh", "toy/gae.py", root)
    before = json.loads(path.read_bytes())
    store = canonical_store(path.read_bytes())
    unit = next(unit for unit in store.units if english(unit) == "Advantages table")
    assert unit.target == ""  # untranslated entries are units with an empty translation, not missing units
    unit.target = "优势表"
    path.write_bytes(bytes(store))

    after = json.loads(path.read_bytes())
    assert after == {**before, "Advantages table": "优势表"}
    assert catalogs.Catalog.load("zh", "toy/gae.py", root).state("Advantages table") == "translated"
    assert Checker(root, source).check_file(path) == []


def test_polib_edits_come_back_through_import_po_and_nothing_else_changes(tmp_path: Path) -> None:
    source, root = tmp_path / "src", tmp_path / "translations"
    shutil.copytree(FIXTURES, source)
    extract_cmd.run(argparse.Namespace(prune=False, source_root=source, translations=root))
    catalog = catalogs.Catalog.load("ja", "toy/gae.py", root)
    keys = list(catalog.entries)
    reviewed, machine = "Advantages table", "Walk backwards:"
    plain = [key for key in keys if key not in (reviewed, machine) and key[0].isalpha()
             and not any(mark in key for mark in ("$", "`", "](", "<"))]  # prose with nothing to keep
    fuzzy, missing = plain[0], plain[1]
    catalog.entries[reviewed] = "アドバンテージの表"
    catalog.entries[machine] = "後ろ向きに進む:"
    catalog.machine[machine] = "後ろ向きに進む:"
    catalog.fuzzy[fuzzy] = {"previous": fuzzy + " (before)", "suggestion": "以前の訳"}
    catalog.obsolete["An old comment"] = "古いコメント"
    catalog.save()
    before = {p.name: p.read_bytes() for p in (root / "ja" / "toy").iterdir()}

    po.run_export(argparse.Namespace(lang=["ja"], out=str(tmp_path / "po"), translations=root))
    po_path = tmp_path / "po" / "ja" / "toy" / "gae.py.po"
    edited = polib.pofile(str(po_path))
    entries = {entry.msgid: entry for entry in edited}
    assert "fuzzy" in entries[machine].flags and "fuzzy" in entries[fuzzy].flags
    assert entries[fuzzy].previous_msgid == fuzzy + " (before)"
    entries[machine].msgstr = "逆向きにたどる:"  # a reviewer corrects the machine output and approves it
    entries[machine].flags.remove("fuzzy")
    entries[missing].msgstr = "新しい訳"  # a translator fills a missing entry
    edited.save(str(po_path))

    po.run_import(argparse.Namespace(files=[str(po_path)], translations=root))
    after = catalogs.Catalog.load("ja", "toy/gae.py", root)
    assert after.entries == {**catalog.entries, machine: "逆向きにたどる:", missing: "新しい訳"}
    assert after.state(machine) == "translated" and after.machine == {}
    assert after.state(missing) == "translated" and after.state(reviewed) == "translated"
    assert after.fuzzy == catalog.fuzzy and after.obsolete == catalog.obsolete  # review states survive the trip
    assert Checker(root, source).check_file(after.path) == []
    # An untouched catalog comes back byte for byte
    po.run_import(argparse.Namespace(files=[str(tmp_path / "po" / "ja" / "toy" / "readme.md.po")], translations=root))
    assert (root / "ja" / "toy" / "readme.md.json").read_bytes() == before["readme.md.json"]
