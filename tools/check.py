"""`python -m tools check [FILE ...]`: validate catalogs, ours or labml's, and name every fault.

Each problem is one line, `FILE: "KEY": FAULT` (or `FILE:LINE:COLUMN: ...` for JSON syntax), and any problem makes
the exit status 1. With no files, every catalog and sidecar under `translations/` is checked, and each is compared
with what extraction finds in `reference_impl/` now.

Each translation is judged by `tools.validate`, the policy the build applies too: what the build would refuse
(unsafe markup, attributes the English does not set, external images, bidi controls, oversized entries, markup in
titles) and what a faithful translation keeps (maths, code, URLs, placeholders, tags, heading level, link texts
that are names: "P <a href=...>yTorch</a>" is the split link machine translation left in labml's catalogs).
Fuzzy suggestions and obsolete and machine texts in the sidecars are judged the same way.

Our catalogs must also be in the canonical format (sorted keys, two-space indent, UTF-8, final newline), have no
duplicate keys, and hold only keys that are in the source (stale keys mean: run `python -m tools extract`).

The glossary (`translations/glossary.json`) is checked too, and a translation in our catalogs that uses a rendering
the glossary says to avoid for a term its English contains (ポリシー for "policy") is reported.

labml's `translate_cache` files are recognised by their rendered-HTML keys and `_^_N_^_` placeholders; they get the
translation checks, not the format and source checks.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools import catalog as catalogs
from tools.errors import UserError
from tools.paths import SOURCE_ROOT, TRANSLATIONS
from tools.protect import LABML_PLACEHOLDER_RE
from tools.validate import MAX_CATALOG_BYTES, refusals, short, translation_faults


@dataclass(frozen=True)
class Problem:
    """One fault in one file, for one key when it concerns an entry."""

    path: str
    key: str | None
    fault: str

    def __str__(self) -> str:
        if self.key is None:
            return f"{self.path}: {self.fault}"
        return f"{self.path}: {short(self.key)}: {self.fault}"



# --- files -----------------------------------------------------------------------------------------------------


def _load_pairs(path: Path, text: str, problems: list[Problem]) -> dict | None:
    """Parse JSON, reporting syntax errors with line and column and duplicate keys (which would lose text)."""
    duplicates: list[str] = []

    def pairs_hook(pairs: list[tuple[str, object]]) -> dict:
        seen: dict = {}
        for key, value in pairs:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as error:
        problems.append(Problem(f"{path}:{error.lineno}:{error.colno}", None, f"invalid JSON: {error.msg}"))
        return None
    for key in duplicates:
        problems.append(Problem(str(path), key, "duplicate key (only the last value would be kept)"))
    if not isinstance(data, dict):
        problems.append(Problem(str(path), None, f"must be a JSON object, found {type(data).__name__}"))
        return None
    return data


def _read_text(path: Path) -> tuple[str | None, str]:
    """The text of a file, or None and what is wrong (missing, a folder, unreadable, not UTF-8)."""
    try:
        return path.read_text(encoding="utf-8"), ""
    except FileNotFoundError:
        return None, "no such file"
    except IsADirectoryError:
        return None, "a folder, not a catalog file"
    except UnicodeDecodeError as error:
        return None, f"not UTF-8 ({error.reason} at byte {error.start})"
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}"


def is_labml(data: dict, text: str) -> bool:
    """labml's translate_cache: keys are rendered HTML, or hold `_^_N_^_` placeholders."""
    if any(LABML_PLACEHOLDER_RE.search(key) for key in data):
        return True
    html_keys = sum(1 for key in data if key.lstrip().startswith("<") and key.rstrip().endswith(">"))
    return bool(data) and html_keys * 2 > len(data) and "\\u" in text


GLOSSARY_NAME = "glossary.json"


@dataclass(frozen=True)
class Term:
    """A glossary term: its rendering per language and renderings to avoid."""

    english: str
    pattern: re.Pattern[str]
    renderings: dict[str, str]
    avoid: dict[str, list[str]]


def load_glossary(path: Path) -> tuple[list[Term], list[Problem]]:
    """Read `translations/glossary.json`: `{"terms": {english: {"ja", "zh", "note", "avoid": {lang: [...]}}}}`."""
    if not path.exists():
        return [], []
    problems: list[Problem] = []
    text, fault = _read_text(path)
    if text is None:
        return [], [Problem(str(path), None, fault)]
    data = _load_pairs(path, text, problems)
    if data is None:
        return [], problems
    terms_data = data.get("terms")
    if not isinstance(terms_data, dict):
        return [], [*problems, Problem(str(path), None, "the glossary needs a 'terms' object")]
    terms = []
    for english, entry in terms_data.items():
        if not isinstance(entry, dict) or not all(isinstance(entry.get(lang), str) and entry.get(lang)
                                                  for lang in catalogs.TARGET_LANGUAGES):
            problems.append(Problem(str(path), english, "a term needs a non-empty rendering for each of "
                                                        + ", ".join(catalogs.TARGET_LANGUAGES)))
            continue
        avoid = entry.get("avoid", {})
        if not isinstance(avoid, dict) or not all(isinstance(v, list) and all(isinstance(w, str) and w for w in v)
                                                  for v in avoid.values()):
            problems.append(Problem(str(path), english, "'avoid' must map a language to a list of strings"))
            continue
        pattern = re.compile(rf"(?<![A-Za-z]){re.escape(english)}(?:s|es)?(?![A-Za-z])", re.IGNORECASE)
        terms.append(Term(english, pattern, {lang: entry[lang] for lang in catalogs.TARGET_LANGUAGES}, avoid))
    return terms, problems


def glossary_faults(terms: list[Term], lang: str, english: str, translated: str) -> list[str]:
    """Renderings the glossary says to avoid, where the English uses the term."""
    faults = []
    for term in terms:
        if not term.avoid.get(lang) or not term.pattern.search(english):
            continue
        for word in term.avoid[lang]:
            if word in translated and term.renderings[lang] not in translated:
                faults.append(f"glossary: {term.english!r} is {term.renderings[lang]} in {lang}, not {word}")
    return faults


class Checker:
    """Checks files against the catalogs root and the source they were extracted from."""

    def __init__(self, translations: Path = TRANSLATIONS, source_root: Path = SOURCE_ROOT) -> None:
        self.translations = Path(translations).resolve()
        self.source_root = Path(source_root)
        self._messages: dict[PurePosixPath, dict[str, str] | None] = {}
        self.entries = 0
        self.glossary, self.glossary_problems = load_glossary(self.translations / GLOSSARY_NAME)

    def source_messages(self, source: PurePosixPath) -> dict[str, str] | None:
        """The English messages of a source file now, or None when the file does not exist."""
        if source not in self._messages:
            from tools.extract import extract_document

            path = self.source_root / source
            if path.is_file():
                self._messages[source] = catalogs.english_catalog(extract_document(path, self.source_root))
            else:
                self._messages[source] = None
        return self._messages[source]

    def _where(self, path: Path) -> tuple[str, PurePosixPath] | None:
        """(language, source path) for a file inside the translations folder."""
        try:
            relative = path.resolve().relative_to(self.translations)
        except ValueError:
            return None
        if len(relative.parts) < 2:
            return None
        lang = relative.parts[0]
        return lang, catalogs.source_of(path, lang, self.translations)

    def check_file(self, path: Path) -> list[Problem]:
        problems: list[Problem] = []
        name = str(path)
        try:
            size = Path(path).stat().st_size
        except OSError:
            size = 0  # _read_text says what is wrong
        if size > MAX_CATALOG_BYTES:
            return [Problem(name, None, f"{size:,} bytes, over the limit of {MAX_CATALOG_BYTES:,} bytes per catalog "
                                        "file: refused unread")]
        text, fault = _read_text(Path(path))
        if text is None:
            return [Problem(name, None, fault)]
        data = _load_pairs(path, text, problems)
        if data is None:
            return problems
        if catalogs.is_state_file(Path(path)):
            return problems + self._check_state(path, data)
        for key, value in data.items():
            if not isinstance(value, str):
                problems.append(Problem(name, key, f"value must be a string, found {type(value).__name__}"))
        data = {key: value for key, value in data.items() if isinstance(value, str)}
        labml = is_labml(data, text)
        where = None if labml else self._where(Path(path))
        if not labml and text != catalogs.dumps(data):
            problems.append(Problem(name, None, "not in the canonical format (sorted keys, two-space indent, UTF-8, "
                                                "final newline): run python -m tools extract to rewrite it"))
        english_template = where is not None and where[0] == catalogs.SOURCE_LANGUAGE
        if not english_template:
            locations = (self.source_messages(where[1]) or {}) if where is not None else {}
            for key, value in data.items():
                self.entries += 1
                if value:
                    faults = translation_faults(key, value, plain=catalogs.is_plain(locations.get(key, "")))
                    if where is not None:  # our terminology applies to our catalogs only
                        faults += glossary_faults(self.glossary, where[0], key, value)
                    problems.extend(Problem(name, key, fault) for fault in faults)
        if where is not None:
            problems.extend(self._check_source(name, where[0], where[1], data))
        return problems

    def _check_source(self, name: str, lang: str, source: PurePosixPath, data: dict[str, str]) -> list[Problem]:
        expected = self.source_messages(source)
        if expected is None:
            return [Problem(name, None, f"its source {source} does not exist in {self.source_root.name}/ "
                                        "(python -m tools extract --prune deletes it)")]
        problems = [Problem(name, key, "stale: not in the source (run python -m tools extract)")
                    for key in data if key not in expected]
        missing = [key for key in expected if key not in data]
        if missing:
            problems.append(Problem(name, missing[0], f"{len(missing)} message(s) of the source are missing from the "
                                                      "catalog (run python -m tools extract)"))
        if lang == catalogs.SOURCE_LANGUAGE:
            changed = [key for key in expected if key in data and data[key] != expected[key]]
            if changed:
                problems.append(Problem(name, changed[0], "locations out of date (run python -m tools extract)"))
        return problems

    def _check_state(self, path: Path, data: dict) -> list[Problem]:
        name = str(path)
        faults = catalogs.state_faults(data)
        problems = [Problem(name, key, fault) for key, fault in faults]
        broken = {key for key, _ in faults if key is not None}  # fuzzy entries without their two strings
        where = self._where(Path(path))
        catalog_keys = None
        if where is not None:
            catalog_file = catalogs.catalog_path(where[0], where[1], self.translations)
            if not catalog_file.exists():
                problems.append(Problem(name, None, f"state file without its catalog {catalog_file.name}"))
            else:
                try:
                    catalog_keys = set(catalogs.read_string_map(catalog_file))
                except UserError:
                    catalog_keys = None  # reported when the catalog itself is checked
        for section in ("machine", "obsolete"):
            values = data.get(section, {})
            if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
                continue  # reported above
            for key, value in values.items():
                if section == "machine" and catalog_keys is not None and key not in catalog_keys:
                    problems.append(Problem(name, key, "machine mark for a key that is not in the catalog"))
                problems.extend(Problem(name, key, f"{section}: {fault}") for fault in translation_faults(key, value))
        fuzzy = data.get("fuzzy", {})
        for key, value in fuzzy.items() if isinstance(fuzzy, dict) else ():
            if key in broken:
                continue
            if catalog_keys is not None and key not in catalog_keys:
                problems.append(Problem(name, key, "fuzzy suggestion for a key that is not in the catalog"))
            unsafe = refusals(value["previous"], value["suggestion"])
            problems.extend(Problem(name, key, f"fuzzy suggestion: {fault}") for fault in unsafe)
        return problems

    def missing_catalogs(self) -> list[Problem]:
        """Source files that have no catalog in some language (a module added without running extract)."""
        from tools.extract import source_files

        problems = []
        for path in source_files(self.source_root):
            source = PurePosixPath(path.relative_to(self.source_root).as_posix())
            for lang in (catalogs.SOURCE_LANGUAGE, *catalogs.TARGET_LANGUAGES):
                catalog_file = catalogs.catalog_path(lang, source, self.translations)
                if not catalog_file.exists():
                    problems.append(Problem(str(catalog_file), None, f"missing: {source} has no {lang} catalog "
                                                                     "(run python -m tools extract)"))
        return problems

    def repository_files(self) -> list[Path]:
        """Every catalog and sidecar of every language (the glossary is checked on its own)."""
        return [path for lang in (catalogs.SOURCE_LANGUAGE, *catalogs.TARGET_LANGUAGES)
                for path in catalogs.language_files(lang, self.translations)]


def run(args: argparse.Namespace) -> int:
    """Check the named files, or every catalog of the repository; exit 1 when anything is wrong."""
    checker = Checker(Path(getattr(args, "translations", None) or TRANSLATIONS),
                      Path(getattr(args, "source_root", None) or SOURCE_ROOT))
    files = [Path(name) for name in args.files] if args.files else checker.repository_files()
    problems: list[Problem] = [] if args.files else [*checker.glossary_problems, *checker.missing_catalogs()]
    if not files and not problems:
        print(f"check: no catalogs in {checker.translations} and no sources in {checker.source_root}")
        return 0
    for path in files:
        problems.extend(checker.check_file(path))
    for problem in problems:
        print(problem)
    print(f"check: {len(files)} file(s), {checker.entries} entries, {len(problems)} problem(s)")
    return 1 if problems else 0
