"""`add-language` and `remove-language` as a maintainer runs them: one command each, and back to where it was."""

from __future__ import annotations

import json

import yaml


def _snapshot(root) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file() and "tools" not in path.relative_to(root).parts
            and "__pycache__" not in path.parts}


def test_add_language_writes_catalogs_labels_home_and_config_keeping_comments(scratch_repo) -> None:
    config = scratch_repo.root / "mkdocs.yml"
    before = config.read_text(encoding="utf-8")
    result = scratch_repo.run("add-language", "ko")
    assert result.returncode == 0, result.stdout + result.stderr
    after = config.read_text(encoding="utf-8")
    # One line more, every comment kept, the language last in the switcher with its own name from Babel.
    assert after.splitlines() == [*before.splitlines()[:before.splitlines().index("      zh: 简体中文") + 1],
                                  "      ko: 한국어",
                                  *before.splitlines()[before.splitlines().index("      zh: 简体中文") + 1:]]
    assert list(yaml.safe_load(after.replace("!!python", "#"))["extra"]["literate"]["languages"]) == [
        "en", "ja", "zh", "ko"]
    labels = yaml.safe_load((scratch_repo.root / "tools" / "theme" / "labels.yml").read_text(encoding="utf-8"))
    assert labels["ko"]["language_switch"] == "언어설정"  # Material's own Korean
    assert labels["ko"]["home"] == "Home"  # ours: English, marked for a translator
    assert '  home: "Home"  # untranslated' in (scratch_repo.root / "tools" / "theme" / "labels.yml").read_text("utf-8")
    home = (scratch_repo.root / "site" / "home" / "ko.md").read_text(encoding="utf-8")
    assert '<div class="ap-untranslated" lang="en"' in home
    english = json.loads((scratch_repo.translations / "en" / "toy" / "gae.py.json").read_text(encoding="utf-8"))
    korean = json.loads((scratch_repo.translations / "ko" / "toy" / "gae.py.json").read_text(encoding="utf-8"))
    assert list(korean) == list(english) and set(korean.values()) == {""}
    # The command line now offers it.
    assert scratch_repo.run("status", "--lang", "ko").returncode == 0


def test_remove_language_leaves_the_project_as_it_was_before_adding_it(scratch_repo) -> None:
    before = _snapshot(scratch_repo.root)
    assert scratch_repo.run("add-language", "ko", "--name", "한국어 (Korean)").returncode == 0
    assert _snapshot(scratch_repo.root) != before
    result = scratch_repo.run("remove-language", "ko")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _snapshot(scratch_repo.root) == before


def test_a_code_babel_does_not_know_or_a_language_the_site_has_is_refused(scratch_repo) -> None:
    config = scratch_repo.root / "mkdocs.yml"
    assert scratch_repo.error("add-language", "xx-nowhere") == (
        f"error: {config}: extra.literate.languages: 'xx-nowhere' is not a language code Babel knows "
        "(ISO 639: en, ja, zh, ko, pt-BR, ...)")
    assert scratch_repo.error("add-language", "ja") == f"error: {config}: extra.literate.languages already has 'ja'"
    assert not (scratch_repo.translations / "xx-nowhere").exists()


def test_a_language_material_has_no_translation_of_is_added_with_one_line_saying_so(scratch_repo) -> None:
    before = _snapshot(scratch_repo.root)
    result = scratch_repo.run("add-language", "sw")
    assert result.returncode == 0, result.stdout + result.stderr
    notes = [line for line in result.stdout.splitlines() if "Material for MkDocs" in line]
    assert notes == [
        "note: Material for MkDocs has no translation into Kiswahili (sw): its words (search box, table of contents, "
        '...) are shown in English, marked lang="en"; translate them in tools/theme/labels.yml as sw: theme.<key>: text, '
        "with the keys of Material's partials/languages/en.html (theme.search.placeholder, theme.toc, ...)"]
    text = (scratch_repo.root / "tools" / "theme" / "labels.yml").read_text(encoding="utf-8")
    block = text[text.index("\nsw:\n") + 1:].splitlines()
    assert block[1].startswith("  # Material for MkDocs has no translation of this language")
    assert '  language_switch: "Language"  # untranslated' in block  # Material has no word of it either
    assert "      sw: Kiswahili" in (scratch_repo.root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    # Korean, which Material translates, gets no such line; and removing Kiswahili leaves nothing behind.
    assert "Material for MkDocs has no" not in scratch_repo.run("add-language", "ko").stdout
    for code in ("ko", "sw"):
        assert scratch_repo.run("remove-language", code).returncode == 0
    assert _snapshot(scratch_repo.root) == before
