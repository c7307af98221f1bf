"""`python -m tools import-labml DIR`: use labml's `translate_cache` catalogs as translation memory.

A labml catalog is a flat JSON object (ASCII-escaped) whose keys are whole sections rendered to HTML, with what
must not be translated (maths, code, images) replaced by `<span translate=no>_^_N_^_</span>` in key and value
alike. To reuse one:

1. each key and value is converted back to Markdown (`<a href>` → `[text](url)`, `<code>` → backticks,
   `<strong>`/`<em>` → `**`/`*`, `<hN>` → `#`…) and split into blocks, one per HTML block element, so that its
   pieces line up with our messages; a key and value with different block counts are not used;
2. blocks are compared in a normalised form: maths, code, images and placeholders become one wildcard, link targets
   are dropped, whitespace collapsed, case ignored. An identical normalised text is an exact match; otherwise the
   most similar message (`tools.similar`, similarity ≥ 0.75) is a close match;
3. the translation gets our exact maths/code (placeholder N ↔ the N-th protected span of our message) and our link
   URLs (in order), and is offered as a fuzzy suggestion with the labml English as its "previous" text. A
   suggestion is never written over a translation or an existing suggestion, and one that does not pass
   `tools.check` (e.g. labml's split "P <a>yTorch</a>" link) is dropped. With `--exact-as-machine`, an exact
   match instead fills its empty entry as a machine translation: the site shows it, marked as not reviewed.

The language comes from `--lang`, else from the file name (`readme.zh.json`) or a configured language's folder in
its path. labml's folder also holds languages we do not build (`readme.si.json`): those files are skipped, one line
per language.
"""

from __future__ import annotations

import argparse
import functools
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from babel import Locale, UnknownLocaleError

from tools import catalog as catalogs
from tools.check import translation_faults
from tools.errors import UserError
from tools.paths import TRANSLATIONS
from tools.protect import scan as _scan_uncached
from tools.similar import SimilarIndex

CLOSE_CUTOFF = 0.75
SAVE_THREADS = 8  # catalogs saved at once (the time goes in waiting for the disk, not in Python)
WILDCARD = "\u2063"  # invisible separator: stands for any protected span when comparing
# The spans of `tools.protect.scan` that labml and we may render differently but that stand for the same thing.
PROTECTED_KINDS = ("math", "code", "image", "placeholder", "url")
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "div", "td", "th", "dt", "dd"}
# Inline elements and the Markdown that opens and closes them (`<code>` inside `<pre>` is the fence's business).
INLINE_MARKERS = {"code": "`", "strong": "**", "b": "**", "em": "*", "i": "*"}


# The same English (labml's and ours) is scanned for every language and by several steps.
scan = functools.lru_cache(maxsize=8192)(_scan_uncached)


class _ToMarkdown(HTMLParser):
    """labml's rendered HTML back to Markdown blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._links: list[str | None] = []
        self._heading = False
        self._pre = False

    def _start_block(self, prefix: str = "") -> None:
        self._flush()
        self._current.append(prefix)

    def _flush(self) -> None:
        text = "".join(self._current).strip()
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in BLOCK_TAGS:
            level = int(tag[1]) if tag[0] == "h" and tag[1:].isdigit() else 0
            self._start_block("#" * level + " " if level else "")
            self._heading = bool(level)
            if tag == "pre":
                self._pre = True
                self._current.append("```\n")
        elif tag == "a":
            if self._heading:  # labml links each heading to its own page: not part of the text
                self._links.append(None)
                return
            self._links.append(attributes.get("href") or "")
            self._current.append("[")
        elif self._inline(tag):
            self._current.append(INLINE_MARKERS[tag])
        elif tag == "br":
            self._current.append("\n")
        elif tag == "img":
            self._current.append(f"![{attributes.get('alt') or ''}]({attributes.get('src') or ''})")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            if tag == "pre":
                self._current.append("\n```")
                self._pre = False
            self._heading = False
            self._flush()
        elif tag == "a":
            href = self._links.pop() if self._links else ""
            if href is not None:
                self._current.append(f"]({href})")
        elif self._inline(tag):
            self._current.append(INLINE_MARKERS[tag])

    def _inline(self, tag: str) -> bool:
        return tag in INLINE_MARKERS and not (tag == "code" and self._pre)

    def handle_data(self, data: str) -> None:
        if not self._pre:
            data = re.sub(r"\s+", " ", data)
        self._current.append(data)

    def result(self) -> list[str]:
        self.close()
        self._flush()
        return self.blocks


def html_to_markdown(html: str) -> list[str]:
    """The Markdown blocks of a piece of labml HTML (placeholders kept as `_^_N_^_`)."""
    if "<" not in html:
        return [html.strip()] if html.strip() else []
    parser = _ToMarkdown()
    parser.feed(html)
    return parser.result()


def normalise(markdown: str) -> str:
    """The comparable form: protected spans → one wildcard, link targets dropped, spacing and case folded."""
    pieces: list[str] = []
    position = 0
    for span in scan(markdown):
        pieces.append(markdown[position : span.start])
        position = span.end
        if span.kind in PROTECTED_KINDS:
            pieces.append(WILDCARD)
        elif span.kind == "link_open":
            pieces.append("[")
        elif span.kind == "link_close":
            pieces.append("]")
    pieces.append(markdown[position:])
    text = "".join(pieces).replace("**", "").replace("*", "")
    return " ".join(text.split()).casefold()


def _protected(markdown: str) -> list[str]:
    return [span.text for span in scan(markdown) if span.kind in PROTECTED_KINDS]


def _link_urls(markdown: str) -> list[str]:
    return [span.url for span in scan(markdown) if span.kind == "link_close"]


def adapt(labml_english: str, labml_translation: str, ours: str) -> str | None:
    """The labml translation with our maths, code and link URLs in place of labml's, or None if they differ."""
    theirs = _protected(labml_english)
    mine = _protected(ours)
    if len(theirs) != len(mine):
        return None
    replacements = dict(zip(theirs, mine, strict=True))
    their_urls, my_urls = _link_urls(labml_english), _link_urls(ours)
    if len(their_urls) != len(my_urls):
        return None
    url_map = dict(zip(their_urls, my_urls, strict=True))
    pieces: list[str] = []
    position = 0
    for span in scan(labml_translation):
        pieces.append(labml_translation[position : span.start])
        position = span.end
        if span.kind in PROTECTED_KINDS:
            if span.text not in replacements:
                return None
            pieces.append(replacements[span.text])
        elif span.kind == "link_close":
            if span.url not in url_map:
                return None
            pieces.append(span.text.replace(span.url, url_map[span.url], 1))
        else:
            pieces.append(span.text)
    pieces.append(labml_translation[position:])
    return "".join(pieces)


def language_of(path: Path, explicit: str | None, configured: Iterable[str]) -> str | None:
    """The language of a labml catalog at `path` (relative to the imported folder), or None if its name does not
    tell: `--lang` if given, else the code before `.json` (`gae.zh.json`, `gae.si.json`: any language Babel
    knows, configured or not), else a configured code as a folder (`zh/gae.json`) or a stem suffix (`gae_zh.json`).
    """
    if explicit:
        return explicit
    suffixes = path.name.split(".")[1:-1]
    if suffixes and _is_language(suffixes[-1]):
        return suffixes[-1]
    for lang in configured:
        if lang in path.parts[:-1] or path.stem.endswith(f"_{lang}"):
            return lang
    return None


def _is_language(code: str) -> bool:
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def labml_pairs(path: Path, english_blocks: Callable[[str], list[str]] = html_to_markdown,
                ) -> list[tuple[str, str]]:
    """(English block, translated block) pairs of one labml catalog, as Markdown.

    `english_blocks` converts the keys: every language's catalog of a page has the same ones, worth a cache.
    """
    data = catalogs.read_string_map(path)  # a flat object of strings, like ours
    pairs = []
    for key, value in data.items():
        if not value.strip():
            continue
        english, translated = english_blocks(key), html_to_markdown(value)
        if len(english) == len(translated):
            pairs.extend(zip(english, translated, strict=True))
    return pairs


@dataclass
class LabmlReport:
    """What the import did for one language."""

    exact: int = 0
    close: int = 0
    machine: int = 0  # exact matches written as machine translations (with `exact_as_machine`)
    unmatched: int = 0
    rejected: int = 0
    skipped: int = 0  # matched an entry that already has a translation or a suggestion
    files: list[str] = field(default_factory=list)


@dataclass
class LabmlImport:
    """The outcome of `import_directory`: a report per imported language, and the files left alone."""

    reports: dict[str, LabmlReport] = field(default_factory=dict)
    not_configured: dict[str, list[str]] = field(default_factory=dict)  # language → its files
    unknown_language: list[str] = field(default_factory=list)  # files whose name does not tell a language


def import_directory(directory: Path, lang: str | None = None, root: Path = TRANSLATIONS, *,
                     languages: Iterable[str] = catalogs.TARGET_LANGUAGES,
                     exact_as_machine: bool = False) -> LabmlImport:
    """Offer the translations of every labml catalog under `directory` to our catalogs of `languages`.

    Matches become fuzzy suggestions; with `exact_as_machine`, an exact match fills its empty entry as a machine
    translation (shown, marked as not reviewed) instead. Catalogs of other languages are left out and listed.
    """
    directory = Path(directory)
    languages = tuple(languages)
    if not directory.is_dir():
        raise UserError(f"{directory}: not a folder")
    files = sorted(directory.rglob("*.json"))
    if not files:
        raise UserError(f"{directory}: no *.json catalogs in it")
    outcome = LabmlImport()
    chosen: list[tuple[Path, str]] = []
    for path in files:
        language = language_of(path.relative_to(directory), lang, languages)
        if language is None:
            outcome.unknown_language.append(str(path))
        elif language not in languages:
            outcome.not_configured.setdefault(language, []).append(str(path))
        else:
            chosen.append((path, language))
    if not chosen:
        example = outcome.unknown_language[0] if outcome.unknown_language else files[0]
        raise UserError(f"{example}: cannot tell its language from the name (e.g. readme.zh.json): use --lang"
                        if outcome.unknown_language else
                        f"{directory}: no catalog of a configured language ({', '.join(languages)}) in it")

    ours: dict[str, list[tuple[PurePosixPath, str]]] = {}
    for source, template in catalogs.english_templates(root):
        for key in template:
            ours.setdefault(normalise(key), []).append((source, key))
    index = SimilarIndex(ours)
    # labml's catalogs of one page in each language share their English: convert and match it once.
    english_blocks, normalised = functools.cache(html_to_markdown), functools.cache(normalise)
    matches: dict[str, tuple[str | None, bool]] = {}  # labml's normalised block → (our normalised form, exact)
    loaded: dict[tuple[str, PurePosixPath], catalogs.Catalog] = {}
    for path, language in chosen:
        report = outcome.reports.setdefault(language, LabmlReport())
        report.files.append(str(path))
        for english, translated in labml_pairs(path, english_blocks):
            key_form = normalised(english)
            if key_form not in matches:
                exact = key_form in ours
                matches[key_form] = (key_form if exact else index.closest(key_form, CLOSE_CUTOFF), exact)
            match, exact = matches[key_form]
            if match is None:
                report.unmatched += 1
                continue
            for source, key in ours[match]:
                catalog = loaded.get((language, source))
                if catalog is None:
                    catalog = loaded[(language, source)] = catalogs.Catalog.load(language, source, root)
                _offer(catalog, key, english, translated, exact and exact_as_machine, report, exact)
    _save_all(loaded.values())
    return outcome


def _save_all(changed: Iterable[catalogs.Catalog]) -> None:
    """Save the catalogs, several at once: each save waits for the disk (it syncs every file it writes), and those
    waits overlap (measured: 267 catalogs in 0.3 s instead of 4.7 s). Each catalog's own writes keep their order;
    a failure is raised, the first in order, once every other catalog is saved."""
    with ThreadPoolExecutor(max_workers=SAVE_THREADS) as pool:
        futures = [pool.submit(catalog.save) for catalog in changed]
    for future in futures:
        future.result()


def _offer(catalog: catalogs.Catalog, key: str, english: str, translated: str, as_machine: bool,
           report: LabmlReport, exact: bool) -> None:
    """Give `key` labml's translation: as a suggestion, or as its machine translation (`as_machine`)."""
    waiting = catalog.fuzzy.get(key)
    if catalog.entries.get(key) or (waiting and not as_machine):
        report.skipped += 1
        return
    suggestion = adapt(english, translated, key)
    if suggestion is None or translation_faults(key, suggestion):
        report.rejected += 1
        return
    if as_machine:
        if waiting and waiting["suggestion"] != suggestion:  # someone else's suggestion: a person decides
            report.skipped += 1
            return
        catalog.entries[key] = catalog.machine[key] = suggestion
        report.machine += 1
        return
    catalog.fuzzy[key] = {"previous": english, "suggestion": suggestion}
    if exact:
        report.exact += 1
    else:
        report.close += 1


def run(args: argparse.Namespace) -> int:
    """Import labml catalogs and report how many matched, per language, and which languages were left out."""
    root = Path(getattr(args, "translations", None) or TRANSLATIONS)
    as_machine = bool(getattr(args, "exact_as_machine", False))
    outcome = import_directory(Path(args.directory), args.lang, root, exact_as_machine=as_machine)
    for lang, files in sorted(outcome.not_configured.items()):
        print(f"import-labml {lang}: {len(files)} file(s) skipped: not a configured language")
    if outcome.unknown_language:
        print(f"import-labml: {len(outcome.unknown_language)} file(s) skipped: the name does not tell the language "
              f"(e.g. {outcome.unknown_language[0]}): use --lang")
    for lang, report in sorted(outcome.reports.items()):
        machine = f"{report.machine} exact matches taken as machine translations; " if as_machine else ""
        print(f"import-labml {lang}: {len(report.files)} file(s); {machine}{report.exact} exact and {report.close} "
              f"close matches offered as fuzzy suggestions; {report.skipped} already translated or suggested; "
              f"{report.rejected} rejected (maths/links/tags would not survive); {report.unmatched} unmatched")
    return 0
