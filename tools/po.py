"""`export-po` / `import-po`: the catalogs as gettext PO files, for Weblate, Crowdin or Poedit users.

`export-po` writes `<out>/<lang>/<source path>.po` (e.g. `build/po/ja/ppo/gae.py.po`), one entry per English
message in page order:

- `msgctxt` is the location without line numbers, `"ppo/gae.py · GAE.__call__ docstring"`: it names the file the
  entry belongs to (so entries find their catalog again even in a merged PO file) and stays stable when lines move,
  so translation tools do not see a new string every time code shifts. The exact lines are in the `#.` comment
  (`ppo/gae.py:12-30`) and the `#:` reference.
- The header is the same on every export of the same catalogs (no export date, no year): `POT-Creation-Date` is
  `SOURCE_DATE_EPOCH` (the reproducible-builds convention, as for the site), 1970-01-01 unless it is set.
- A fuzzy suggestion is exported with the `fuzzy` flag, the suggestion as `msgstr` and the English it translated as
  the previous msgid (`#| msgid`); machine output is exported as `fuzzy` too (with a `#.` note), so editors show
  both as "needs review". Obsolete translations are written as `#~` entries.

`import-po` reads them back. Per entry: a non-fuzzy translation is reviewed (it replaces the catalog value and
clears machine/fuzzy state: clearing the fuzzy flag is how a reviewer approves); a fuzzy one stays "needs review"
(machine state for machine output and for a published entry, else a fuzzy suggestion); an empty `msgstr` never deletes
anything; an entry whose English is no longer in the catalog is kept as obsolete (`extract` then offers it as a
fuzzy suggestion). A PO file is untrusted: an entry's msgctxt must name a source file with an English template,
and its catalog is always `translations/<the PO file's language>/<that file>.json` (`../en/...` or an absolute path is
an error); an entry without msgid or a broken quote, which Babel reads leniently, is an error with its line; and
nothing is written until every file given has been read. JSON → PO → JSON is lossless: unchanged files give back
byte-identical JSON, into the catalogs they came from or into empty ones.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.catalog import Message
from babel.messages.pofile import PoFileError, denormalize, normalize, read_po, write_po

from tools import catalog as catalogs
from tools.errors import UserError
from tools.files import output_folder, write_atomic
from tools.paths import ROOT, SOURCE_ROOT, TRANSLATIONS

SEPARATOR = " · "
MACHINE_NOTE = "machine translation: needs review"
# Names Babel gives too briefly ("Chinese"); any other language is named by Babel.
LANGUAGE_NAMES = {"zh": "Chinese (Simplified)"}


def export_date() -> datetime.datetime:
    """The `POT-Creation-Date` of every export: `SOURCE_DATE_EPOCH`, else 0, so that exports are reproducible."""
    value = os.environ.get("SOURCE_DATE_EPOCH") or "0"
    try:
        return datetime.datetime.fromtimestamp(int(value), tz=datetime.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise UserError(f"SOURCE_DATE_EPOCH={value!r}: expected seconds since 1970 (an integer)") from None


def _english_name(lang: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang.replace("-", "_")).english_name or lang
    except (UnknownLocaleError, ValueError):
        return lang


def header_comment(lang: str, source: PurePosixPath) -> str:
    """The comment above a PO file's header: what it is and how to bring it back, no date (Babel's has a year)."""
    name = LANGUAGE_NAMES.get(lang) or _english_name(lang)
    return (f"# {name} translations of {source.as_posix()} (annotated-ppo).\n"
            f"# Written by `python -m tools export-po` from translations/{lang}/{source.as_posix()}.json;\n"
            "# bring your edits back with `python -m tools import-po FILE`.")


def _location_parts(location: str) -> tuple[str, str, int]:
    """`"ppo/gae.py:12-30 · ctx"` → (`"ppo/gae.py · ctx"`, `"ppo/gae.py:12-30"`, 12)."""
    where, _, context = location.partition(SEPARATOR)
    path, _, lines = where.rpartition(":")
    if not path:
        path, lines = where, ""
    first = int(lines.split("-")[0]) if lines.split("-")[0].isdigit() else 0
    return (f"{path}{SEPARATOR}{context}" if context else path), where, first


def page_order(source: PurePosixPath, template: dict[str, str], source_root: Path = SOURCE_ROOT) -> list[str]:
    """The template's keys in the order a reader meets them (by location when the source is not at hand)."""
    path = Path(source_root) / source
    if path.is_file():
        from tools.extract import extract_document

        order = {text: index for index, (text, _) in enumerate(
            catalogs.document_messages(extract_document(path, source_root)))}
        if set(template) <= set(order):
            return sorted(template, key=order.__getitem__)
    rank = {"title": 0, "summary": 1}
    return sorted(template, key=lambda key: (_location_parts(template[key])[2],
                                             rank.get(template[key].rpartition(SEPARATOR)[2], 2), template[key], key))


def build_po(lang: str, source: PurePosixPath, root: Path = TRANSLATIONS, source_root: Path = SOURCE_ROOT,
             template: dict[str, str] | None = None) -> PoCatalog:
    """The PO catalog of one language for one source file (`template`: its English catalog, read if not given)."""
    if template is None:
        template = catalogs.read_string_map(catalogs.catalog_path(catalogs.SOURCE_LANGUAGE, source, root))
    catalog = catalogs.Catalog.load(lang, source, root)
    po = PoCatalog(locale=lang, project="annotated-ppo", fuzzy=False, header_comment=header_comment(lang, source),
                   creation_date=export_date())
    ordered = [(key, template[key]) for key in page_order(source, template, source_root)]
    for key, location in ordered:
        context, where, line = _location_parts(location)
        state = catalog.state(key)
        flags: list[str] = []
        comments = [where]
        previous: list[str] = []
        string = catalog.entries.get(key, "")
        if state == "machine":
            flags.append("fuzzy")
            comments.append(MACHINE_NOTE)
        elif state == "fuzzy":
            flags.append("fuzzy")
            string = catalog.fuzzy[key]["suggestion"]
            previous = [catalog.fuzzy[key]["previous"]]
        message = po.add(key, string, locations=[(source.as_posix(), line)], flags=flags,
                         auto_comments=comments, previous_id=previous, context=context)
        # Babel guesses Python format flags from `{` and `%`; our strings are Markdown, and editors would
        # check them as Python format strings.
        message.flags -= {"python-format", "python-brace-format"}
    for key, value in sorted(catalog.obsolete.items()):
        context = f"{source.as_posix()}{SEPARATOR}obsolete"
        po.obsolete[(key, context)] = Message(key, value, context=context)
    return po


def po_text(po: PoCatalog) -> bytes:
    """The PO file, with `#| msgid` lines that keep the previous English exact.

    Babel wraps the previous msgid like a comment (its continuation lines lose their quotes), so those lines are
    written here instead, in the quoted form gettext uses.
    """
    buffer = io.BytesIO()
    write_po(buffer, po, width=0, include_previous=False, sort_output=False)
    blocks = buffer.getvalue().decode("utf-8").split("\n\n")
    messages = [message for message in po if message.id]
    for index, message in enumerate(messages, start=1):  # block 0 is the header
        if not message.previous_id:
            continue
        lines = blocks[index].split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith(("msgctxt ", "msgid ")))
        previous = normalize(message.previous_id[0], prefix="#| ", width=0).split("\n")
        previous[0] = "#| msgid " + previous[0]  # babel prefixes only the continuation lines
        blocks[index] = "\n".join([*lines[:at], *previous, *lines[at:]])
    return "\n\n".join(blocks).encode("utf-8")


def run_export(args: argparse.Namespace) -> int:
    """Write one PO file per language and source file."""
    root = Path(getattr(args, "translations", None) or TRANSLATIONS)
    source_root = Path(getattr(args, "source_root", None) or SOURCE_ROOT)
    out = Path(args.out)
    if not out.is_absolute():
        out = Path(getattr(args, "base", None) or ROOT) / out
    languages = args.lang or list(catalogs.TARGET_LANGUAGES)
    templates = catalogs.english_templates(root)
    output_folder(out)
    # Every catalog is read (and so validated) before the first file is written: a bad one leaves no partial export.
    files = {out / lang / f"{source.as_posix()}.po": po_text(build_po(lang, source, root, source_root, template))
             for lang in languages for source, template in templates}
    for path, text in files.items():
        write_atomic(path, text)
    print(f"export-po: {len(files)} file(s) in {out}")
    return 0


# --- import --------------------------------------------------------------------------------------------------


def previous_ids(text: str) -> dict[tuple[str | None, str], str]:
    """`#| msgid` comments by (msgctxt, msgid): Babel writes them but does not read them back."""
    found: dict[tuple[str | None, str], str] = {}
    fields: dict[str, list[str]] = {}
    current: str | None = None

    def finish() -> None:
        if "previous" in fields and "msgid" in fields:
            context = denormalize("\n".join(fields["msgctxt"])) if "msgctxt" in fields else None
            found[(context, denormalize("\n".join(fields["msgid"])))] = denormalize("\n".join(fields["previous"]))
        fields.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            current = None
        elif line.startswith("#| msgid "):
            current = "previous"
            fields[current] = [line[len("#| msgid ") :]]
        elif line.startswith('#| "') and current == "previous":
            fields[current].append(line[3:])
        elif line.startswith(("msgctxt ", "msgid ")):
            current, _, value = line.partition(" ")
            fields[current] = [value]
        elif line.startswith("msgstr"):
            current = None
        elif line.startswith('"') and current in ("msgctxt", "msgid"):
            fields[current].append(line)
    finish()
    return found


_PO_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_PO_KEYWORD = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(.*)")


def syntax_faults(text: str) -> list[tuple[int, str]]:
    """(line, fault) for what Babel reads leniently: a string with a broken quote (Babel cuts it), an entry
    without a msgid (Babel gives its msgstr to the next entry), a msgid without a msgstr. Empty when well-formed."""
    faults: list[tuple[int, str]] = []
    state: dict[str, set[str]] = {"": set(), "#~": set()}  # keywords seen in the current entry, live and obsolete

    def finish(stream: str, line: int) -> None:
        seen = state[stream]
        if seen and "msgid" not in seen:
            faults.append((line, "an entry without a msgid"))
        elif "msgid" in seen and "msgstr" not in seen:
            faults.append((line, "a msgid without a msgstr"))
        seen.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        stream = "#~" if line.startswith("#~") else ""
        if stream:
            line = line[2:].strip()
        elif line.startswith("#"):
            continue
        if not line:
            if not stream:
                finish("", number)
                finish("#~", number)
            continue
        keyword = _PO_KEYWORD.fullmatch(line)
        quoted = keyword.group(2) if keyword else line
        if not _PO_STRING.fullmatch(quoted):
            faults.append((number, f"not a quoted string (a quote missing or unescaped): {line[:60]}"))
            continue
        if not keyword:
            continue  # a continuation line
        name = "msgstr" if keyword.group(1).startswith("msgstr") else keyword.group(1)
        seen = state[stream]
        if name in ("msgctxt", "msgid") and "msgstr" in seen:
            finish(stream, number)  # the next entry begins without a blank line
        if name == "msgstr" and "msgid" not in seen:
            faults.append((number, "a msgstr without a msgid"))
        elif name in ("msgctxt", "msgid") and name in seen:
            faults.append((number, f"a second {name} in one entry"))
        seen.add(name)
    finish("", len(text.splitlines()) + 1)
    finish("#~", len(text.splitlines()) + 1)
    return faults


@dataclass
class ImportReport:
    reviewed: int = 0
    needs_review: int = 0
    unknown: int = 0
    unchanged: int = 0


def import_po(path: Path, root: Path = TRANSLATIONS,
              loaded: dict[tuple[str, PurePosixPath], catalogs.Catalog] | None = None) -> tuple[str, ImportReport]:
    """Merge one PO file into the JSON catalogs it came from; returns its language and what happened.

    Every entry must belong to a source file that has an English template, and its catalog must lie inside
    `translations/<the PO file's language>/`: a msgctxt such as `../en/ppo/gae.py · t` or an absolute path is a
    `UserError`, raised before anything is written. With `loaded` (catalogs by language and source, shared by
    several PO files) nothing is saved: the caller saves once every file has been read.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error}") from None
    faults = syntax_faults(raw.decode("utf-8", errors="replace"))
    if faults:
        line, fault = faults[0]
        raise UserError(f"{path}:{line}: not a valid PO file: {fault}")
    try:
        po = read_po(io.BytesIO(raw), abort_invalid=True)
    except (PoFileError, UnknownLocaleError, ValueError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: not a valid PO file: {error}") from None
    if po.locale is None or po.locale.language not in catalogs.TARGET_LANGUAGES:
        found = po.locale_identifier or "none"
        raise UserError(f"{path}: the Language header must be one of {', '.join(catalogs.TARGET_LANGUAGES)}, "
                        f"found {found}")
    lang = po.locale.language
    previous = previous_ids(raw.decode(po.charset or "utf-8", errors="replace"))
    report = ImportReport()
    save = loaded is None
    loaded = {} if loaded is None else loaded
    known = {source for source, _ in catalogs.english_templates(root)}
    folder = (Path(root) / lang).resolve()

    def catalog_for(context: str | None, line: int) -> catalogs.Catalog:
        where = f"{path}:{line}" if line else str(path)
        if not context:
            raise UserError(f"{where}: an entry has no msgctxt: cannot tell which file it belongs to")
        name = context.partition(SEPARATOR)[0]
        source = PurePosixPath(name)
        target = catalogs.catalog_path(lang, source, root)
        if source not in known or not target.resolve().is_relative_to(folder):
            raise UserError(f"{where}: msgctxt names {name!r}, which is not a source file with a catalog in "
                            f"{Path(root) / lang}: nothing imported")
        if (lang, source) not in loaded:
            loaded[(lang, source)] = catalogs.Catalog.load(lang, source, root)
        return loaded[(lang, source)]

    for message in po:
        if not message.id or not isinstance(message.id, str):
            continue  # the header; plural forms are not used by our catalogs
        catalog = catalog_for(message.context, message.lineno)
        key, string = message.id, message.string if isinstance(message.string, str) else ""
        before = (catalog.entries.get(key), catalog.machine.get(key), catalog.fuzzy.get(key))
        if key not in catalog.entries:
            if string and not message.fuzzy:
                catalog.obsolete.setdefault(key, string)
                report.unknown += 1
            continue
        if not string:
            report.unchanged += 1
            continue
        if not message.fuzzy:
            catalog.entries[key] = string
            catalog.machine.pop(key, None)
            catalog.fuzzy.pop(key, None)
        elif catalog.entries[key] or MACHINE_NOTE in message.auto_comments:
            catalog.entries[key] = string
            catalog.machine[key] = string
        else:
            old = previous.get((message.context, key), key)
            catalog.fuzzy[key] = {"previous": old, "suggestion": string}
        if before == (catalog.entries.get(key), catalog.machine.get(key), catalog.fuzzy.get(key)):
            report.unchanged += 1
        elif message.fuzzy:
            report.needs_review += 1
        else:
            report.reviewed += 1
    for (key, context), message in po.obsolete.items():
        if isinstance(message.string, str) and message.string:
            catalog = catalog_for(context, message.lineno)
            if key not in catalog.entries:
                catalog.obsolete.setdefault(key, message.string)
    if save:
        for catalog in loaded.values():
            catalog.save()
    return lang, report


def run_import(args: argparse.Namespace) -> int:
    """Import edited PO files into the JSON catalogs: every file is read and checked before any catalog is written."""
    root = Path(getattr(args, "translations", None) or TRANSLATIONS)
    loaded: dict[tuple[str, PurePosixPath], catalogs.Catalog] = {}
    reports = [(name, *import_po(Path(name), root, loaded)) for name in args.files]
    for catalog in loaded.values():
        catalog.save()
    for name, lang, report in reports:
        print(f"{name}: {lang}: {report.reviewed} reviewed, {report.needs_review} need review (fuzzy), "
              f"{report.unchanged} unchanged, {report.unknown} not in the catalog (kept as obsolete)")
    return 0
