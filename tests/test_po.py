"""PO export and import: translators use their usual tools and come back to JSON without losing anything."""

from __future__ import annotations

import argparse
import datetime
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from tools import extract_cmd, po
from tools.catalog import Catalog
from tools.errors import UserError

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs" / "src"
INTRO = "This is a toy version of [GAE](https://arxiv.org/abs/1506.02438), with $\\gamma$ and $\\lambda$."


@pytest.fixture
def translations(tmp_path: Path) -> Path:
    source, root = tmp_path / "src", tmp_path / "translations"
    shutil.copytree(FIXTURES, source)
    extract_cmd.run(argparse.Namespace(prune=False, source_root=source, translations=root))
    catalog = Catalog.load("ja", "toy/gae.py", root)
    catalog.entries["Advantages table"] = "アドバンテージの表"  # reviewed
    catalog.entries["Walk backwards:"] = "後ろ向きに進む:"  # machine, unreviewed
    catalog.machine["Walk backwards:"] = "後ろ向きに進む:"
    catalog.fuzzy[INTRO] = {"previous": INTRO.replace("toy", "tiny"), "suggestion": "[GAE](https://arxiv.org/abs/"
                            "1506.02438) の小さな版で、$\\gamma$ と $\\lambda$ を使う。"}
    catalog.obsolete["An old comment"] = "古いコメント"
    catalog.save()
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def export(translations: Path, out: Path) -> None:
    po.run_export(argparse.Namespace(lang=None, out=str(out), translations=translations))


def import_files(translations: Path, *files: Path) -> None:
    po.run_import(argparse.Namespace(files=[str(f) for f in files], translations=translations))


def test_json_to_po_to_json_is_lossless(translations: Path, tmp_path: Path) -> None:
    before = snapshot(translations)
    export(translations, tmp_path / "po")
    files = sorted((tmp_path / "po").rglob("*.po"))
    assert [f.relative_to(tmp_path / "po").as_posix() for f in files] == [
        "ja/toy/gae.py.po", "ja/toy/readme.md.po", "zh/toy/gae.py.po", "zh/toy/readme.md.po"]
    import_files(translations, *files)
    assert snapshot(translations) == before


def test_po_files_alone_rebuild_the_catalogs(translations: Path, tmp_path: Path) -> None:
    """Lossless for real: imported into emptied catalogs, the PO files give back every translation and state."""
    before = snapshot(translations)
    export(translations, tmp_path / "po")
    for lang in ("ja", "zh"):
        for source in ("toy/gae.py", "toy/readme.md"):
            emptied = Catalog.load(lang, source, translations)
            emptied.entries = dict.fromkeys(emptied.entries, "")
            emptied.fuzzy, emptied.machine, emptied.obsolete = {}, {}, {}
            emptied.save()
    assert snapshot(translations) != before
    import_files(translations, *sorted((tmp_path / "po").rglob("*.po")))
    assert snapshot(translations) == before


def test_export_is_byte_identical_for_the_same_catalogs(translations: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    export(translations, tmp_path / "first")
    export(translations, tmp_path / "second")
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "second")
    text = (tmp_path / "first" / "ja" / "toy" / "gae.py.po").read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0]
    # No export time and no year: the same catalogs give the same file on any day, in any time zone.
    assert '"POT-Creation-Date: 1970-01-01 00:00+0000\\n"' in header
    assert str(datetime.date.today().year) not in header
    assert header.startswith("# Japanese translations of toy/gae.py (annotated-ppo).\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the reproducible-builds convention is honoured
    export(translations, tmp_path / "dated")
    assert '"POT-Creation-Date: 2023-11-14 22:13+0000\\n"' in (tmp_path / "dated" / "ja" / "toy" / "gae.py.po").read_text(
        encoding="utf-8")


def test_po_entries_carry_location_context_fuzzy_flags_and_previous_english(translations: Path,
                                                                            tmp_path: Path) -> None:
    export(translations, tmp_path / "po")
    text = (tmp_path / "po" / "ja" / "toy" / "gae.py.po").read_text(encoding="utf-8")
    assert "Language: ja\\n" in text
    assert ('#. toy/gae.py:38-40\n#: toy/gae.py:38\nmsgctxt "toy/gae.py · comment in GAE.__call__"\n'
            'msgid "Advantages table"\nmsgstr "アドバンテージの表"') in text
    assert (f'#, fuzzy\n#| msgid "{INTRO.replace("toy", "tiny")}"\n'.replace("\\", "\\\\")) in text
    assert '#. machine translation: needs review\n#: toy/gae.py:44\n#, fuzzy\n' in text
    assert '#~ msgid "An old comment"\n#~ msgstr "古いコメント"' in text
    catalog = read_po(io.StringIO(text))
    messages = {m.id: m for m in catalog if m.id}
    assert messages[INTRO].fuzzy and messages[INTRO].string.startswith("[GAE]")
    assert messages["Walk backwards:"].fuzzy
    assert not messages["Advantages table"].fuzzy
    assert messages["Return `x` unchanged."].string == "" and not messages["Return `x` unchanged."].fuzzy
    assert "python-format" not in text and "python-brace-format" not in text  # Markdown, not format strings
    # Page order: the title first, then the sections from the top of the file.
    assert next(iter(messages)) == "Generalized Advantage Estimation (GAE)"


def edit_po(path: Path, change) -> None:
    catalog = read_po(path.open("rb"))
    change({m.id: m for m in catalog if m.id})
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0)
    path.write_bytes(buffer.getvalue())


def test_imported_edits_follow_the_review_rules(translations: Path, tmp_path: Path, capsys) -> None:
    export(translations, tmp_path / "po")
    path = tmp_path / "po" / "ja" / "toy" / "gae.py.po"

    def change(messages) -> None:
        messages["Walk backwards:"].flags.discard("fuzzy")  # a reviewer approves the machine output
        messages["Return `x` unchanged."].string = "`x` をそのまま返す。"  # a new translation
        messages[INTRO].string = "これは [GAE](https://arxiv.org/abs/1506.02438) の版。$\\gamma$, $\\lambda$"
        messages[INTRO].flags.discard("fuzzy")  # the suggestion, edited and approved
        messages["Advantages table"].string = ""  # clearing never deletes
        messages["Advantages table"].flags.discard("fuzzy")
        messages["Discount factor $\\gamma$"].string = "割引率 $\\gamma$"
        messages["Discount factor $\\gamma$"].flags.add("fuzzy")  # unsure: stays a suggestion

    edit_po(path, change)
    text = path.read_text(encoding="utf-8")
    text += '\nmsgctxt "toy/gae.py · comment"\nmsgid "An English that left"\nmsgstr "去った英語"\n'
    path.write_text(text, encoding="utf-8")
    import_files(translations, path)
    assert "3 reviewed, 1 need review (fuzzy), 11 unchanged, 1 not in the catalog" in capsys.readouterr().out
    catalog = Catalog.load("ja", "toy/gae.py", translations)
    assert catalog.state("Walk backwards:") == "translated"
    assert catalog.entries["Return `x` unchanged."] == "`x` をそのまま返す。"
    assert catalog.state(INTRO) == "translated" and INTRO not in catalog.fuzzy
    assert catalog.entries["Advantages table"] == "アドバンテージの表"
    assert catalog.state("Discount factor $\\gamma$") == "fuzzy"
    assert catalog.fuzzy["Discount factor $\\gamma$"] == {"previous": "Discount factor $\\gamma$",
                                                          "suggestion": "割引率 $\\gamma$"}
    assert catalog.obsolete["An English that left"] == "去った英語"


def test_bad_po_files_are_reported_with_their_name(translations: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "a"\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"broken\.po:2: not a valid PO file: a msgid without a msgstr"):
        import_files(translations, broken)
    english = tmp_path / "en.po"
    english.write_text('msgid ""\nmsgstr "Language: de\\n"\n\nmsgctxt "toy/gae.py"\nmsgid "a"\nmsgstr "b"\n',
                       encoding="utf-8")
    with pytest.raises(UserError, match=r"en\.po: the Language header must be one of ja, zh, found de"):
        import_files(translations, english)


def hostile_po(path: Path, context: str, lang: str = "ja") -> Path:
    """A PO file with one honest entry, then one whose msgctxt points somewhere else."""
    path.write_text(f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    'msgctxt "toy/gae.py · comment"\nmsgid "Advantages table"\nmsgstr "表"\n\n'
                    f'msgctxt "{context}"\nmsgid "Advantages table"\nmsgstr "書き換え"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("target", ["english", "other language", "absolute", "climbing"])
def test_a_msgctxt_outside_the_language_folder_is_refused_and_nothing_is_written(translations: Path, tmp_path: Path,
                                                                                target: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.json").write_text('{\n  "Advantages table": ""\n}\n', encoding="utf-8")
    context = {"english": "../en/toy/gae.py", "other language": "../zh/toy/gae.py",
               "absolute": str(outside / "evil"),
               "climbing": os.path.relpath(outside / "evil", translations / "ja")}[target] + " · comment"
    before, outside_before = snapshot(translations), snapshot(outside)
    with pytest.raises(UserError, match=r"hostile\.po:\d+: msgctxt names '.*', which is not a source file with a "
                                        r"catalog in .*ja: nothing imported"):
        import_files(translations, hostile_po(tmp_path / "hostile.po", context))
    assert snapshot(translations) == before
    assert snapshot(outside) == outside_before


def test_several_po_files_are_all_checked_before_any_catalog_is_written(translations: Path, tmp_path: Path) -> None:
    export(translations, tmp_path / "po")
    good = tmp_path / "po" / "ja" / "toy" / "gae.py.po"
    good.write_text(good.read_text(encoding="utf-8").replace('msgstr "アドバンテージの表"', 'msgstr "表"'),
                    encoding="utf-8")
    before = snapshot(translations)
    with pytest.raises(UserError, match="msgctxt names"):
        import_files(translations, good, hostile_po(tmp_path / "hostile.po", "../en/toy/gae.py · comment"))
    assert snapshot(translations) == before


HEADER = 'msgid ""\nmsgstr ""\n"Language: ja\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


@pytest.mark.parametrize(("body", "fault"), [
    # Babel gave this msgstr to the next entry: "表" would have become the translation of "Advantages table".
    ('msgctxt "toy/gae.py · a"\nmsgstr "表"\n\nmsgctxt "toy/gae.py · b"\nmsgid "Advantages table"\nmsgstr ""\n',
     "7: not a valid PO file: a msgstr without a msgid"),
    # Babel cut the string at the stray quote's line: a msgid one letter short, imported as obsolete.
    ('msgctxt "toy/gae.py · a"\nmsgid "Advantages table\nmsgstr "表"\n',
     '7: not a valid PO file: not a quoted string (a quote missing or unescaped): msgid "Advantages table'),
    ('msgctxt "toy/gae.py · a"\nmsgid "Advantages table"\nmsgstr "表\n',
     "8: not a valid PO file: not a quoted string"),
])
def test_a_po_entry_without_msgid_or_with_a_broken_quote_is_refused(translations: Path, tmp_path: Path, body: str,
                                                                    fault: str) -> None:
    path = tmp_path / "bad.po"
    path.write_text(HEADER + body, encoding="utf-8")
    before = snapshot(translations)
    with pytest.raises(UserError, match=re.escape(f"bad.po:{fault}")):
        import_files(translations, path)
    assert snapshot(translations) == before
