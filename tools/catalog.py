"""Translation catalogs: one JSON file per source file per language, and how they follow the code.

Layout (`translations/` at the repository root):

- `en/<path>.json` — the template, rewritten by every extraction: `{message: location}`, where a message is one
  translatable block of a note (see `tools.document.messages`), the title or the summary, exactly as the Markdown a
  translator sees (maths, code and link targets visible), and the location reads
  `"ppo/gae.py:12-30 · GAE.__call__ docstring"` (file, lines of the section, what the text documents).
- `ja/<path>.json`, `zh/<path>.json` — `{english message: translation}`; `""` means not translated yet. These are
  the files translators edit.
- `<lang>/<path>.state.json` — the review state that a flat map cannot hold, only when there is some:

  ```json
  {
    "fuzzy": {"new English": {"previous": "old English", "suggestion": "its translation"}},
    "machine": {"English": "machine translation, as the translator returned it"},
    "obsolete": {"English that left the code": "its translation"}
  }
  ```

States are derived, so nobody has to remember to clear a flag: an entry is *fuzzy* while its value is still `""`
and the sidecar offers a suggestion (accepting it means writing the translation into the catalog); it is *machine*
(needs review) while its value still equals the machine text (editing it, or clearing the fuzzy flag in a PO editor,
makes it reviewed); otherwise a non-empty value is *translated*. A translation whose English left the code moves to
`obsolete` and is offered as the fuzzy suggestion for the most similar new string; it is deleted only by
`extract --prune`.

Every file: a flat object, keys sorted, two-space indent, UTF-8 without `\\u` escapes, a final newline, written
atomically. Extracting twice from unchanged code gives byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from tools.document import Document, messages
from tools.errors import UserError
from tools.files import remove, write_atomic
from tools.paths import TRANSLATIONS
from tools.similar import SimilarIndex
from tools.site_config import project

# The configured languages (mkdocs.yml's extra.literate.languages): the first is the sources', the rest are translated.
SOURCE_LANGUAGE = project().source_language
TARGET_LANGUAGES = project().target_languages
STATE_SUFFIX = ".state.json"
STATE_SECTIONS = ("fuzzy", "machine", "obsolete")
PLAIN_CONTEXTS = ("title", "summary")  # the last part of a template location: `ppo/gae.py:1 · title`
# Similarity (`tools.similar`, 0-1) above which an obsolete translation is offered for a new string.
FUZZY_CUTOFF = 0.6


@dataclass(frozen=True)
class Translation:
    """A usable translation: non-empty and reviewed, or machine output that still needs review."""

    text: str
    machine: bool


# --- paths and files -----------------------------------------------------------------------------------------


def catalog_path(lang: str, source_rel: PurePosixPath | str, root: Path = TRANSLATIONS) -> Path:
    """`translations/<lang>/<source_rel>.json`."""
    return Path(root) / lang / f"{PurePosixPath(source_rel).as_posix()}.json"


def state_path(lang: str, source_rel: PurePosixPath | str, root: Path = TRANSLATIONS) -> Path:
    """The review-state sidecar of a catalog: `translations/<lang>/<source_rel>.state.json`."""
    return Path(root) / lang / f"{PurePosixPath(source_rel).as_posix()}{STATE_SUFFIX}"


def is_state_file(path: Path) -> bool:
    return path.name.endswith(STATE_SUFFIX)


def is_plain(location: str) -> bool:
    """Whether the message at this template location is plain text: a page's title or summary (no markup)."""
    return location.rpartition(" · ")[2] in PLAIN_CONTEXTS


def source_of(catalog: Path, lang: str, root: Path = TRANSLATIONS) -> PurePosixPath:
    """The source path a catalog (or sidecar) belongs to: `translations/ja/ppo/gae.py.json` → `ppo/gae.py`."""
    relative = Path(catalog).resolve().relative_to((Path(root) / lang).resolve()).as_posix()
    for suffix in (STATE_SUFFIX, ".json"):
        if relative.endswith(suffix):
            return PurePosixPath(relative[: -len(suffix)])
    raise UserError(f"{catalog}: not a catalog file (*.json)")


def dumps(data: dict[str, Any]) -> str:
    """The one JSON formatting of every catalog file."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def parse_json(text: str, origin: Path | str) -> Any:
    """Parse JSON; a syntax error or a duplicate key (one of its values would be lost silently) becomes a
    `UserError` naming the file, and the line and column or the key."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key, value in pairs:
            if key in data:
                raise UserError(f"{origin}: duplicate key {json.dumps(key, ensure_ascii=False)[:80]}: a catalog "
                                "holds each English message once")
            data[key] = value
        return data

    try:
        return json.loads(text, object_pairs_hook=unique)
    except json.JSONDecodeError as error:
        raise UserError(f"{origin}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None


def read_json_file(path: Path) -> Any:
    """A catalog file's JSON; an oversized file (`tools.validate.MAX_CATALOG_BYTES`) is refused unread."""
    from tools.validate import MAX_CATALOG_BYTES

    size = Path(path).stat().st_size
    if size > MAX_CATALOG_BYTES:
        raise UserError(f"{path}: {size:,} bytes, over the limit of {MAX_CATALOG_BYTES:,} bytes per catalog file")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8: {error}") from None
    return parse_json(text, path)


def read_string_map(path: Path) -> dict[str, str]:
    """A flat `{string: string}` JSON object; a missing file is empty."""
    if not Path(path).exists():
        return {}
    data = read_json_file(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: a catalog must be a JSON object of strings, found {type(data).__name__}")
    for key, value in data.items():
        if not isinstance(value, str):
            raise UserError(f"{path}: entry {key!r}: value must be a string, found {type(value).__name__}")
    return data


def state_faults(data: Any) -> list[tuple[str | None, str]]:
    """What is wrong with the content of a review-state sidecar, as (key or None, fault); empty when well-formed.

    `Catalog.load` refuses the first fault; `check` reports them all.
    """
    if not isinstance(data, dict):
        return [(None, f"the state file must be a JSON object, found {type(data).__name__}")]
    faults: list[tuple[str | None, str]] = []
    unknown = set(data) - set(STATE_SECTIONS)
    if unknown:
        faults.append((None, f"unknown section(s) {sorted(unknown)}: expected {', '.join(STATE_SECTIONS)}"))
    for name in ("machine", "obsolete"):
        section = data.get(name, {})
        if not isinstance(section, dict) or not all(isinstance(value, str) for value in section.values()):
            faults.append((None, f"'{name}' must map English strings to strings"))
    fuzzy = data.get("fuzzy", {})
    if not isinstance(fuzzy, dict):
        faults.append((None, "'fuzzy' must be an object"))
        return faults
    for key, value in fuzzy.items():
        if (not isinstance(value, dict) or not isinstance(value.get("previous"), str)
                or not isinstance(value.get("suggestion"), str)):
            faults.append((key, "fuzzy entry needs string 'previous' and 'suggestion'"))
    return faults


# --- the model -----------------------------------------------------------------------------------------------


@dataclass
class Catalog:
    """One language's catalog of one source file, with its review state."""

    lang: str
    source: PurePosixPath
    entries: dict[str, str] = field(default_factory=dict)
    fuzzy: dict[str, dict[str, str]] = field(default_factory=dict)
    machine: dict[str, str] = field(default_factory=dict)
    obsolete: dict[str, str] = field(default_factory=dict)
    root: Path = TRANSLATIONS

    @property
    def path(self) -> Path:
        return catalog_path(self.lang, self.source, self.root)

    @property
    def state_path(self) -> Path:
        return state_path(self.lang, self.source, self.root)

    @classmethod
    def load(cls, lang: str, source: PurePosixPath | str, root: Path = TRANSLATIONS) -> Catalog:
        """Read a catalog and its sidecar (finishing an interrupted save); missing files give an empty catalog."""
        catalog = cls(lang, PurePosixPath(source), root=Path(root))
        catalog.entries = read_string_map(catalog.path)
        catalog._load_state()
        catalog.recover()
        return catalog

    def _load_state(self) -> None:
        path = self.state_path
        if not path.exists():
            return
        data = read_json_file(path)
        faults = state_faults(data)
        if faults:
            key, fault = faults[0]
            raise UserError(f"{path}: " + (f"entry {key!r}: " if key is not None else "") + fault)
        self.machine = dict(data.get("machine", {}))
        self.obsolete = dict(data.get("obsolete", {}))
        self.fuzzy = {key: {"previous": value["previous"], "suggestion": value["suggestion"]}
                      for key, value in data.get("fuzzy", {}).items()}

    def state(self, key: str) -> str:
        """`translated`, `machine` (needs review), `fuzzy` (a suggestion waits) or `missing`."""
        value = self.entries.get(key, "")
        if value:
            return "machine" if self.machine.get(key) == value else "translated"
        return "fuzzy" if key in self.fuzzy else "missing"

    def usable(self) -> dict[str, Translation]:
        return {key: Translation(value, self.machine.get(key) == value)
                for key, value in self.entries.items() if value}

    def normalise(self) -> None:
        """Drop state that no longer applies: fuzzy for filled or gone keys, machine marks a human replaced."""
        self.fuzzy = {k: v for k, v in self.fuzzy.items() if k in self.entries and not self.entries[k]}
        self.machine = {k: v for k, v in self.machine.items() if self.entries.get(k) == v and v}

    def state_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in STATE_SECTIONS:
            if getattr(self, name):
                data[name] = getattr(self, name)
        return data

    def save(self) -> bool:
        """Write the catalog and its sidecar so that a crash between any two writes loses no translation.

        Each file is written atomically, in this order: (1) when the catalog gains translations, the sidecar with
        them added as obsolete; (2) the catalog; (3) the sidecar as it should be (removed when empty). Whichever
        write a crash (kill -9, power loss) comes after, every translation is on disk in the catalog or in the
        sidecar, and `load` puts back one whose English is in the catalog, still empty (`recover`); `extract`
        restores the others. Returns whether a file changed.
        """
        self.normalise()
        try:
            on_disk = read_string_map(self.path)
        except (UserError, OSError):
            on_disk = {}  # unreadable: it is replaced whole
        try:
            old_state = self.state_path.read_bytes()
        except OSError:
            old_state = None
        state = self.state_data()
        gained = {key: value for key, value in self.entries.items() if value and on_disk.get(key) != value}
        if gained:
            write_atomic(self.state_path, dumps({**state, "obsolete": {**gained, **self.obsolete}}))
        changed = write_atomic(self.path, dumps(self.entries))
        if state:
            write_atomic(self.state_path, dumps(state))
        else:
            remove(self.state_path)
        return changed or old_state != (dumps(state).encode("utf-8") if state else None)

    def recover(self) -> None:
        """Finish a save that a crash interrupted (see `save`): an obsolete translation whose English is in the
        catalog with no translation goes back in; one equal to the catalog's value is dropped from obsolete."""
        for key, value in list(self.obsolete.items()):
            if key in self.entries:
                if not self.entries[key]:
                    self.entries[key] = value
                if self.entries[key] == value:
                    del self.obsolete[key]


def load_translations(lang: str, source_rel: PurePosixPath | str, root: Path = TRANSLATIONS) -> dict[str, Translation]:
    """The usable translations of one source file: non-empty entries (fuzzy suggestions are not used).

    A missing catalog gives an empty dict; the site falls back to English for anything missing.
    """
    return Catalog.load(lang, source_rel, root).usable()


# --- messages of a document ----------------------------------------------------------------------------------


def document_messages(doc: Document) -> list[tuple[str, str]]:
    """Every message of a document with its location, in page order, each message once.

    Title, summary, then each section's `messages(note)`. The location reads `"ppo/gae.py:12-30 · context"`.
    """
    found: dict[str, str] = {}
    first_line = doc.sections[0].start_line if doc.sections else 1
    if doc.title:
        found.setdefault(doc.title, f"{doc.path}:{first_line} · title")
    if doc.summary:
        found.setdefault(doc.summary, f"{doc.path}:{first_line} · summary")
    for section in doc.sections:
        lines = (f"{section.start_line}" if section.start_line == section.end_line
                 else f"{section.start_line}-{section.end_line}")
        where = f"{doc.path}:{lines}" + (f" · {section.context}" if section.context else "")
        for message in messages(section.note):
            found.setdefault(message, where)
    return list(found.items())


# --- following the code ----------------------------------------------------------------------------------------


@dataclass
class UpdateReport:
    """What one extraction changed in one source file's catalogs."""

    source: PurePosixPath
    added: list[str] = field(default_factory=list)  # new English messages
    removed: list[str] = field(default_factory=list)  # English messages that left the code
    fuzzy: dict[str, list[str]] = field(default_factory=dict)  # lang → new strings given a suggestion
    obsolete: dict[str, list[str]] = field(default_factory=dict)  # lang → translations moved to obsolete
    restored: dict[str, list[str]] = field(default_factory=dict)  # lang → obsolete translations back in use
    reused: dict[str, list[str]] = field(default_factory=dict)  # lang → filled from another file's translation
    pruned: dict[str, list[str]] = field(default_factory=dict)  # lang → obsolete entries deleted by --prune

    def is_empty(self) -> bool:
        return not (self.added or self.removed or any(self.fuzzy.values()) or any(self.obsolete.values())
                    or any(self.restored.values()) or any(self.reused.values()) or any(self.pruned.values()))


def update_catalog(catalog: Catalog, keys: list[str], prune: bool = False,
                   memory: dict[str, str] | None = None,
                   ) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """Make a translated catalog follow the English `keys`; never lose a translation.

    Returns (new fuzzy suggestions, translations made obsolete, obsolete translations restored, entries filled
    from `memory` (reviewed translations of the same English in other files), obsolete entries pruned).
    """
    wanted = set(keys)
    made_obsolete = []
    for key, value in catalog.entries.items():
        if key not in wanted and value:
            if catalog.obsolete.get(key) != value:
                made_obsolete.append(key)
            catalog.obsolete[key] = value
    entries = {key: catalog.entries.get(key, "") for key in keys}
    restored, reused = [], []
    for key in keys:
        if entries[key]:
            continue
        if key in catalog.obsolete:  # the English came back: so does its translation
            entries[key] = catalog.obsolete.pop(key)
            restored.append(key)
        elif memory and memory.get(key):
            entries[key] = memory[key]
            reused.append(key)
    for key in restored:
        catalog.obsolete.pop(key, None)
    catalog.entries = entries
    pruned = sorted(catalog.obsolete) if prune else []
    if prune:
        catalog.obsolete = {}
    suggested = []
    pool = SimilarIndex(catalog.obsolete)
    for key in keys:
        if entries[key] or key in catalog.fuzzy:
            continue
        match = pool.closest(key, FUZZY_CUTOFF)
        if match is not None:
            catalog.fuzzy[key] = {"previous": match, "suggestion": catalog.obsolete[match]}
            suggested.append(key)
    catalog.normalise()
    return suggested, made_obsolete, restored, reused, pruned


def english_catalog(doc: Document) -> dict[str, str]:
    return dict(document_messages(doc))


def translation_memory(lang: str, root: Path = TRANSLATIONS) -> dict[str, str]:
    """Reviewed translations of one language across every catalog: English → translation."""
    memory: dict[str, str] = {}
    for path in all_catalogs(lang, root):
        catalog = Catalog.load(lang, source_of(path, lang, root), root)
        for key, value in catalog.entries.items():
            if value and catalog.state(key) == "translated":
                memory.setdefault(key, value)
    return memory


def update_all(documents: list[Document], languages: Iterable[str] = TARGET_LANGUAGES, prune: bool = False,
               root: Path = TRANSLATIONS) -> tuple[list[UpdateReport], list[Path]]:
    """Bring every catalog in line with the documents.

    Returns one report per document and the catalogs whose source file is gone (deleted with `prune`, else kept).
    """
    languages = list(languages)
    memories = {lang: translation_memory(lang, root) for lang in languages}
    reports = []
    for doc in documents:
        report = UpdateReport(doc.path)
        template = english_catalog(doc)
        english_path = catalog_path(SOURCE_LANGUAGE, doc.path, root)
        old = read_string_map(english_path)
        report.added = sorted(set(template) - set(old))
        report.removed = sorted(set(old) - set(template))
        write_atomic(english_path, dumps(template))
        keys = list(template)
        for lang in languages:
            catalog = Catalog.load(lang, doc.path, root)
            suggested, obsolete, restored, reused, pruned = update_catalog(catalog, keys, prune, memories[lang])
            report.fuzzy[lang], report.obsolete[lang] = suggested, obsolete
            report.restored[lang], report.reused[lang], report.pruned[lang] = restored, reused, pruned
            catalog.save()
        reports.append(report)
    orphans = orphan_catalogs({doc.path for doc in documents}, [SOURCE_LANGUAGE, *languages], root)
    if prune:
        for path in orphans:
            path.unlink()
    return reports, orphans


def language_files(lang: str, root: Path = TRANSLATIONS) -> list[Path]:
    """Every catalog and sidecar of a language, sorted (none when the folder is missing)."""
    folder = Path(root) / lang
    return sorted(folder.rglob("*.json")) if folder.is_dir() else []


def all_catalogs(lang: str, root: Path = TRANSLATIONS) -> list[Path]:
    """Every catalog (not sidecar) of a language, sorted."""
    return [path for path in language_files(lang, root) if not is_state_file(path)]


def english_templates(root: Path = TRANSLATIONS) -> list[tuple[PurePosixPath, dict[str, str]]]:
    """(source path, `{English message: location}`) of every English template, sorted by path.

    Every command that works on the messages starts here; without templates there is nothing to work on, which is
    a `UserError` that says what to run.
    """
    templates = all_catalogs(SOURCE_LANGUAGE, root)
    if not templates:
        raise UserError(f"{Path(root) / SOURCE_LANGUAGE}: no English catalogs: run python -m tools extract")
    return [(source_of(path, SOURCE_LANGUAGE, root), read_string_map(path)) for path in templates]


def orphan_catalogs(sources: set[PurePosixPath], languages: Iterable[str], root: Path = TRANSLATIONS) -> list[Path]:
    """Catalogs and sidecars whose source file no longer exists."""
    return [path for lang in languages for path in language_files(lang, root)
            if source_of(path, lang, root) not in sources]
