"""`python -m tools add-language CODE` and `remove-language CODE`: a language in one command, and out in one.

Adding a language:

1. checks the code with Babel (and that the site does not have it yet);
2. creates its empty catalogs, one per source file (`tools.catalog.update_all`, as `extract` does);
3. writes its labels into the project's labels file: the words Material already translates (the language switch,
   "view code") from Material's own translations, the rest in English, each marked `# untranslated` for a
   translator to find. Where Material has no translation of the language at all, its own words (search box, table
   of contents, ...) are shown in English, marked `lang="en"` (`tools.chrome`), until the labels give them as
   `theme.<key>` (the keys of Material's `partials/languages/en.html`): the command says so, and so does a comment
   in the labels;
4. writes its home page introduction (the English one, marked as untranslated English);
5. adds it to `extra.literate.languages` in `mkdocs.yml`, last in the switcher.

`mkdocs.yml` and the labels file are edited line by line, so that their comments and layout stay as they are; the
result is read back and must name exactly the languages intended, or nothing is written. Removing a language undoes
each step (its catalogs, labels, home page and entry).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tools.errors import UserError
from tools.files import write_atomic
from tools.site_config import (
    BLOCK,
    THEME_LABEL,
    TOOL_ROOT,
    TOOL_SITE,
    UNTRANSLATED_COMMENT,
    key_line,
    language_handlers,
    languages_of,
    project,
    use_config,
)

# Our labels that mean what one of Material's own words means: taken from its translation of the language.
MATERIAL_LABELS = {"language_switch": "select.language", "view_code": "action.view"}
UNTRANSLATED = "  " + UNTRANSLATED_COMMENT
# Where Material has no translation of a language: what its labels say about Material's words.
NO_THEME_TRANSLATION = ("  # Material for MkDocs has no translation of this language: its own words are shown in English "
                        "(marked so)\n  # unless given here as theme.<key>: text, the keys of its "
                        "partials/languages/en.html (theme.toc, ...)")


@dataclass
class LanguageChange:
    """What adding or removing a language did, file by file."""

    code: str
    name: str
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


# --- mkdocs.yml -----------------------------------------------------------------------------------------------


def _languages_lines(lines: list[str], origin: Path) -> tuple[int, int, int]:
    """Where `extra.literate.languages` is: (index of its key line, end of its entries, their indentation)."""
    found = key_line(lines, f"{BLOCK}.languages")
    if found is None:
        raise UserError(f"{origin}: no {BLOCK}.languages mapping to edit: add one (see the README) and run again")
    index, indent = found
    end, child = index + 1, None
    while end < len(lines):
        text = lines[end]
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            depth = len(text) - len(text.lstrip(" "))
            if depth <= indent:
                break
            child = child or depth
        end += 1
    # Blank lines and comments at the key's depth or less belong to what follows.
    while end > index + 1 and (not lines[end - 1].strip() or (lines[end - 1].lstrip().startswith("#")
                               and len(lines[end - 1]) - len(lines[end - 1].lstrip(" ")) <= indent)):
        end -= 1
    return index, end, child or indent + 2


def _edit_config(path: Path, edit) -> None:
    """Apply `edit` to the lines of `path`; written only if the result still parses and `edit` says it is right."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    new = edit(lines, _languages_lines(lines, path))
    write_atomic(path, "\n".join(new).encode())


def _scalar(text: str) -> str:
    """`text` as a YAML scalar: plain where YAML reads it back as the same string, else quoted."""
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text}:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def _check_languages(path: Path, expected: list[str]) -> None:
    from tools.site_config import _read_yaml, block_of

    found = list(languages_of(block_of(_read_yaml(path), path), path))
    if found != expected:
        raise UserError(f"{path}: the edit of {BLOCK}.languages gave {found}, not {expected}; edit it by hand")


# --- labels and home page -------------------------------------------------------------------------------------


def material_words(code: str) -> dict[str, str]:
    """Material's own translation of its interface into `code` (key → text), {} if it has none."""
    import importlib.util

    spec = importlib.util.find_spec("material")
    if spec is None or spec.origin is None:
        return {}
    folder = Path(spec.origin).parent / "templates" / "partials" / "languages"
    for name in (code, code.split("-")[0]):
        file = folder / f"{name}.html"
        if file.is_file():
            # The file is a Jinja macro around a JSON-like mapping of "key": "text" lines.
            return dict(re.findall(r'^\s*"([\w.]+)":\s*"((?:[^"\\]|\\.)*)",?\s*$', file.read_text("utf-8"), re.M))
    return {}


def label_lines(code: str, english: dict[str, str]) -> list[str]:
    """The labels of a new language as YAML lines: Material's words where it has them, else marked English."""
    words = material_words(code)
    lines = [f"{code}:"]
    if not language_handlers(code).theme_translated:
        lines += NO_THEME_TRANSLATION.split("\n")
    for key, text in english.items():
        if key.startswith(THEME_LABEL):  # the project's own words for Material's in English: not this language's
            continue
        translated = words.get(MATERIAL_LABELS.get(key, ""), "").strip()
        value = json.dumps(translated or text, ensure_ascii=False)
        lines.append(f"  {key}: {value}" + ("" if translated else UNTRANSLATED))
    return lines


def _labels_target() -> Path:
    """The project's labels file (created when the project uses the generator's)."""
    where = project()
    if where.labels_file == TOOL_SITE / "labels.yml" and where.root != TOOL_ROOT:
        return where.root / "site" / "labels.yml"
    return where.labels_file


def _remove_top_level(text: str, key: str) -> str:
    """`text` without the top-level YAML mapping `key:` and its indented lines."""
    out: list[str] = []
    skipping = False
    for line in text.split("\n"):
        if re.match(rf"^{re.escape(key)}:\s*(#.*)?$", line):
            skipping = True
            continue
        if skipping and (not line.strip() or line.startswith((" ", "\t"))):
            continue
        skipping = False
        out.append(line)
    result = "\n".join(out).rstrip("\n")
    return result + "\n" if text.endswith("\n") else result


def home_page(english_intro: str, label: str, source: str) -> str:
    """A new language's home introduction: the English one, its heading kept, the rest marked as English."""
    heading, _, rest = english_intro.strip().partition("\n")
    if not heading.startswith("# "):
        heading, rest = "", english_intro.strip()
    body = (f'<div class="ap-untranslated" lang="{source}" data-label="{label}" markdown>\n\n{rest.strip()}\n\n</div>\n'
            if rest.strip() else "")
    return (heading + "\n\n" if heading else "") + body


# --- the commands ---------------------------------------------------------------------------------------------


def add_language(code: str, name: str | None = None) -> LanguageChange:
    """Add `code` to the project of the current configuration; see the module docstring."""
    from tools import catalog
    from tools.pages import load_documents
    from tools.site_config import load_labels, load_site

    where = project()
    _, settings, labels = load_site()
    if code in settings.languages:
        raise UserError(f"{where.config_file}: {BLOCK}.languages already has {code!r}")
    name = name or languages_of({"languages": [code]}, where.config_file)[code]  # checks the code with Babel
    change = LanguageChange(code, name)

    # mkdocs.yml: the entry goes last, at the indentation of the others.
    def add(lines: list[str], at: tuple[int, int, int]) -> list[str]:
        key, end, indent = at
        flow = re.match(r"^(\s*languages:\s*)\[(.*)\](.*)$", lines[key])
        if flow:  # languages: [en, ja]
            items = [item.strip() for item in flow.group(2).split(",") if item.strip()]
            return [*lines[:key], f"{flow.group(1)}[{', '.join([*items, code])}]{flow.group(3)}", *lines[key + 1:]]
        return [*lines[:end], f"{' ' * indent}{code}: {_scalar(name)}", *lines[end:]]

    _edit_config_checked(where.config_file, add, [*settings.languages, code])
    change.written.append(where.config_file)
    use_config(where.config_file)  # read again: the language now exists

    # Labels: appended, so that the file's comments stay.
    labels_file = _labels_target()
    source = where.source_language
    english = load_labels(TOOL_SITE / "labels.yml")[source] | labels.get(source, {})
    block = "\n".join(label_lines(code, english)) + "\n"
    existing = labels_file.read_text(encoding="utf-8") if labels_file.exists() else ""
    write_atomic(labels_file, (existing.rstrip("\n") + "\n" if existing else "") + block)
    change.written.append(labels_file)

    # Home page: only where the project writes its own.
    english_home = where.home_dir / f"{source}.md"
    if english_home.is_file():
        home = where.home_dir / f"{code}.md"
        write_atomic(home, home_page(english_home.read_text(encoding="utf-8"), english["untranslated"], source))
        change.written.append(home)

    # Catalogs: one per source file, every entry empty.
    documents = load_documents(where.source_root)
    catalog.update_all(documents, [code], root=where.translations)
    change.written.append(where.translations / code)
    return change


def _edit_config_checked(path: Path, edit, expected: list[str]) -> None:
    original = path.read_bytes()
    _edit_config(path, edit)
    try:
        _check_languages(path, expected)
    except UserError:
        write_atomic(path, original)
        raise


def remove_language(code: str) -> LanguageChange:
    """Remove `code` (not the sources' language) from the project: catalogs, labels, home page, mkdocs.yml."""
    where = project()
    if code not in where.languages:
        raise UserError(f"{where.config_file}: {BLOCK}.languages has no {code!r}")
    if code == where.source_language:
        raise UserError(f"{where.config_file}: {code!r} is the language of the sources; it cannot be removed")
    from tools.site_config import load_settings

    change = LanguageChange(code, load_settings().languages[code])
    remaining = [lang for lang in where.languages if lang != code]

    def remove(lines: list[str], at: tuple[int, int, int]) -> list[str]:
        key, end, _ = at
        flow = re.match(r"^(\s*languages:\s*)\[(.*)\](.*)$", lines[key])
        if flow:
            items = [item.strip() for item in flow.group(2).split(",") if item.strip() and item.strip() != code]
            return [*lines[:key], f"{flow.group(1)}[{', '.join(items)}]{flow.group(3)}", *lines[key + 1:]]
        entry = re.compile(rf"^\s+{re.escape(code)}\s*:")
        return [*lines[:key + 1], *(line for line in lines[key + 1:end] if not entry.match(line)), *lines[end:]]

    _edit_config_checked(where.config_file, remove, remaining)
    change.written.append(where.config_file)

    labels_file = _labels_target()
    if labels_file.is_file():
        text = labels_file.read_text(encoding="utf-8")
        stripped = _remove_top_level(text, code)
        if stripped != text:
            yaml.safe_load(stripped)  # still YAML
            write_atomic(labels_file, stripped)
            change.written.append(labels_file)
    for path in (where.home_dir / f"{code}.md", where.translations / code):
        if path.is_dir():
            shutil.rmtree(path)
            change.removed.append(path)
        elif path.is_file():
            path.unlink()
            change.removed.append(path)
    use_config(where.config_file)
    return change


def _describe(verb: str, change: LanguageChange) -> str:
    files = ", ".join(str(path) for path in change.written + change.removed)
    return f"{verb} {change.code} ({change.name}): {files}"


def run_add(args: argparse.Namespace) -> int:
    """The `add-language` command."""
    change = add_language(args.code, args.name)
    print(_describe("added", change))
    if not language_handlers(change.code).theme_translated:
        print(theme_note(change))
    print(f"next: translate translations/{change.code}/ (python -m tools status --lang {change.code}), the labels "
          f"marked '# untranslated' and the glossary's terms (check asks each for '{change.code}'); "
          "python -m tools build")
    return 0


def theme_note(change: LanguageChange) -> str:
    """The line that says a language's chrome is Material's English, and where to translate it."""
    labels = _labels_target()
    try:
        shown = labels.relative_to(project().root).as_posix()
    except ValueError:
        shown = str(labels)
    return (f"note: Material for MkDocs has no translation into {change.name} ({change.code}): its words (search "
            f'box, table of contents, ...) are shown in English, marked lang="en"; translate them in {shown} as '
            f"{change.code}: theme.<key>: text, with the keys of Material's partials/languages/en.html "
            "(theme.search.placeholder, theme.toc, ...)")


def run_remove(args: argparse.Namespace) -> int:
    """The `remove-language` command."""
    print(_describe("removed", remove_language(args.code)))
    return 0
