"""`python -m tools translate --lang ja`: fill missing catalog entries by machine translation, marked for review.

The work goes through deep-translator's clients (Google without a key, LibreTranslate at any URL, DeepL, MyMemory,
Microsoft), with what they lack added around them:

- Protection: maths, code, URLs and tags travel as `[[N]]` placeholders (`tools.protect`); a result whose
  placeholders, tags, maths, links or heading level came back damaged is rejected (`tools.check` decides) and the
  entry stays missing.
- Batching: several messages go in one request, separated by placeholder lines that survive translation, up to the
  backend's size limit; a batch whose separators come back wrong is retried message by message.
- Transport: every HTTP request deep-translator makes gets a total deadline, `--timeout` seconds for connection,
  headers and body together (it sets no timeout at all), and 429 / 5xx answers, timeouts and connection errors are
  retried with exponential backoff. This is done by wrapping `requests.api.request` (what `requests.get` and
  `requests.post` call) only while a translation runs.
- Progress and resumption: a tqdm bar; the catalog is saved atomically after every batch, so an interrupted run
  resumes where it stopped (filled entries are no longer missing).
- Review: each machine translation is recorded in the sidecar's `machine` section; `status` counts it separately
  until a person edits or approves it. Fuzzy entries (a human suggestion waits) are left for a person.

`--dry-run` prints the batches that would be sent and sends nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import requests
import requests.api

from tools import catalog as catalogs
from tools.errors import UserError
from tools.paths import TRANSLATIONS
from tools.protect import PLACEHOLDER_RE, DamagedPlaceholders, Protected, placeholder, protect, restore
from tools.validate import translation_faults

# Language codes each backend's deep-translator client expects, and the characters per request it accepts.
LANGUAGE_CODES = {
    "google": {"ja": "ja", "zh": "zh-CN"},
    "libre": {"ja": "ja", "zh": "zh"},
    "deepl": {"ja": "ja", "zh": "zh"},
    "mymemory": {"ja": "ja-JP", "zh": "zh-CN"},
    "microsoft": {"ja": "ja", "zh": "zh-Hans"},
}
SIZE_LIMITS = {"google": 4500, "libre": 4500, "deepl": 4500, "mymemory": 450, "microsoft": 4500}
MAX_BACKOFF = 60.0


class TransientError(Exception):
    """A failure worth retrying: HTTP 429 or 5xx, a timeout, a dropped connection."""


@dataclass
class Transport:
    """Wraps every request deep-translator makes: a total deadline, and the last HTTP status seen.

    `timeout` bounds the whole request, connection, headers and body together: requests' own timeout applies to
    each read, so a server that sends a byte a second would hold a run forever. The request runs in a thread of
    its own; past the deadline it is abandoned (a daemon thread, ended with the process) and reported as a
    timeout, which is retried like one.
    """

    timeout: float
    last_status: int | None = None

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        original = requests.api.request

        def request(method: str, url: str, **kwargs):  # same signature as requests.api.request
            kwargs.setdefault("timeout", self.timeout)
            self.last_status = None
            outcome: dict[str, Any] = {}

            def send() -> None:
                try:
                    outcome["response"] = original(method, url, **kwargs)
                except BaseException as error:  # handed to the caller below
                    outcome["error"] = error

            worker = threading.Thread(target=send, name="translate-request", daemon=True)
            worker.start()
            worker.join(self.timeout)
            if worker.is_alive():
                raise requests.exceptions.Timeout(f"no complete answer within {self.timeout:g} s")
            if "error" in outcome:
                raise outcome["error"]
            self.last_status = outcome["response"].status_code
            return outcome["response"]

        requests.api.request = request
        try:
            yield
        finally:
            requests.api.request = original


def make_translator(backend: str, lang: str, url: str | None = None, api_key: str | None = None):
    """A deep-translator client for English → `lang` (constructing it sends nothing)."""
    if backend not in LANGUAGE_CODES:
        raise UserError(f"unknown backend {backend!r}: choose one of {', '.join(LANGUAGE_CODES)}")
    target = LANGUAGE_CODES[backend].get(lang, lang)  # a language the table does not list: its own code
    import deep_translator
    from deep_translator import constants

    if backend == "google":
        if not url:
            return deep_translator.GoogleTranslator(source="en", target=target)
        previous = constants.BASE_URLS["GOOGLE_TRANSLATE"]
        constants.BASE_URLS["GOOGLE_TRANSLATE"] = url  # read once, when the client is constructed
        try:
            return deep_translator.GoogleTranslator(source="en", target=target)
        finally:
            constants.BASE_URLS["GOOGLE_TRANSLATE"] = previous
    if backend == "libre":
        custom = url if not url or url.endswith("/") else url + "/"
        # deep-translator insists on a key even for servers that need none.
        return deep_translator.LibreTranslator(source="en", target=target, api_key=api_key or "none",
                                               custom_url=custom)
    if backend == "deepl":
        if not api_key:
            raise UserError("the deepl backend needs --api-key")
        return deep_translator.DeeplTranslator(api_key=api_key, source="en", target=target,
                                               use_free_api=api_key.endswith(":fx"))
    if backend == "mymemory":
        return deep_translator.MyMemoryTranslator(source="en-GB", target=target)
    if not api_key:
        raise UserError("the microsoft backend needs --api-key")
    return deep_translator.MicrosoftTranslator(api_key=api_key, source="en", target=target)


def _is_transient(error: BaseException, status: int | None) -> bool:
    if isinstance(error, (requests.exceptions.Timeout, requests.exceptions.ConnectionError)):
        return True
    if status is not None and (status == 429 or status >= 500):
        return True
    name = type(error).__name__
    return name == "TooManyRequests"


def call_with_retries(send: Callable[[str], str], text: str, transport: Transport, retries: int,
                      backoff: float, sleep: Callable[[float], None] = time.sleep) -> str:
    """Send one request; on a transient failure wait `backoff * 2**attempt` seconds and try again."""
    for attempt in range(retries + 1):
        try:
            result = send(text)
        except Exception as error:
            if not _is_transient(error, transport.last_status):
                status = f"HTTP {transport.last_status}: " if transport.last_status else ""
                raise UserError(f"translation failed: {status}{type(error).__name__}: {error}") from None
            if attempt == retries:
                status = f"HTTP {transport.last_status}" if transport.last_status else type(error).__name__
                raise TransientError(f"{status} after {retries + 1} attempts") from None
            sleep(min(MAX_BACKOFF, backoff * 2**attempt))
            continue
        if not isinstance(result, str):
            raise UserError(f"translation failed: the backend returned {type(result).__name__}, not text")
        return result
    raise AssertionError("unreachable")


@dataclass
class Item:
    """One message on its way: where it lives, its English, its protected form."""

    source: PurePosixPath
    english: str
    protected: Protected


@dataclass
class Batch:
    items: list[Item]
    separators: list[int]  # placeholder numbers between consecutive items
    text: str


def plan_batches(items: list[tuple[PurePosixPath, str]], limit: int) -> tuple[list[Batch], list[str]]:
    """Group messages into requests of at most `limit` characters; return the batches and the messages too long."""
    batches: list[Batch] = []
    too_long: list[str] = []
    current: list[tuple[PurePosixPath, str]] = []

    def build(group: list[tuple[PurePosixPath, str]]) -> Batch:
        numbered: list[Item] = []
        separators: list[int] = []
        parts: list[str] = []
        counter = 0
        for index, (source, english) in enumerate(group):
            if index:
                separators.append(counter)
                parts.append(f"\n\n{placeholder(counter)}\n\n")
                counter += 1
            protected = protect(english, counter)
            counter += len(protected.table)
            numbered.append(Item(source, english, protected))
            parts.append(protected.masked)
        return Batch(numbered, separators, "".join(parts))

    for item in items:
        if len(build([item]).text) > limit:
            too_long.append(item[1])
            continue
        if current and len(build([*current, item]).text) > limit:
            batches.append(build(current))
            current = []
        current.append(item)
    if current:
        batches.append(build(current))
    return batches, too_long


def split_batch(batch: Batch, translated: str) -> list[str] | None:
    """Cut a batch's translation at its separators; None when they did not come back intact and in order."""
    if len(batch.items) == 1:
        return [translated]
    matches = [m for m in PLACEHOLDER_RE.finditer(translated) if int(m.group(1)) in batch.separators]
    if [int(m.group(1)) for m in matches] != batch.separators:
        return None
    pieces, position = [], 0
    for match in matches:
        pieces.append(translated[position : match.start()])
        position = match.end()
    pieces.append(translated[position:])
    return pieces


def accept(item: Item, translated: str, plain: bool = False) -> tuple[str | None, str | None]:
    """Restore and validate one translation (`plain`: of a title or summary) by the policy `check` and the build
    apply: (text, None) when good, (None, reason) when rejected."""
    try:
        text = restore(translated.strip(), item.protected)
    except DamagedPlaceholders as error:
        return None, f"placeholders damaged: {error}"
    if not text.strip():
        return None, "empty translation"
    faults = translation_faults(item.english, text, plain=plain)
    if faults:
        return None, "; ".join(faults)
    return text, None


@dataclass
class Outcome:
    translated: int = 0
    rejected: list[tuple[PurePosixPath, str, str]] = field(default_factory=list)  # (file, English, reason)
    too_long: list[str] = field(default_factory=list)


def pending_messages(lang: str, root: Path = TRANSLATIONS) -> list[tuple[PurePosixPath, str]]:
    """(source, English) of every missing entry of a language, in file and catalog order."""
    pending = []
    for source, template in catalogs.english_templates(root):
        catalog = catalogs.Catalog.load(lang, source, root)
        for key in template:
            if catalog.state(key) == "missing":
                pending.append((source, key))
    return pending


def translate_language(lang: str, send: Callable[[str], str], transport: Transport, limit: int, retries: int,
                       backoff: float, root: Path = TRANSLATIONS, progress: bool = True) -> Outcome:
    """Translate every missing entry of `lang`, saving after each batch."""
    from tqdm import tqdm

    outcome = Outcome()
    batches, outcome.too_long = plan_batches(pending_messages(lang, root), limit)
    plain = {(source, key) for source, template in catalogs.english_templates(root)
             for key, where in template.items() if catalogs.is_plain(where)}
    total = sum(len(batch.items) for batch in batches)
    with tqdm(total=total, desc=f"translate {lang}", unit="msg", disable=not progress, file=sys.stderr) as bar, \
            transport.installed():
        for batch in batches:
            results: list[tuple[Item, str | None, str | None]] = []
            pieces = split_batch(batch, call_with_retries(send, batch.text, transport, retries, backoff))
            if pieces is None:  # separators lost: one request per message instead
                pieces = [call_with_retries(send, item.protected.masked, transport, retries, backoff)
                          for item in batch.items]
            for item, piece in zip(batch.items, pieces, strict=True):
                results.append((item, *accept(item, piece, (item.source, item.english) in plain)))
            _save(lang, results, outcome, root)
            bar.update(len(batch.items))
    return outcome


def _save(lang: str, results: list[tuple[Item, str | None, str | None]], outcome: Outcome, root: Path) -> None:
    by_source: dict[PurePosixPath, list[tuple[Item, str | None, str | None]]] = {}
    for result in results:
        by_source.setdefault(result[0].source, []).append(result)
    for source, entries in by_source.items():
        catalog = catalogs.Catalog.load(lang, source, root)
        for item, text, reason in entries:
            if text is None:
                outcome.rejected.append((source, item.english, reason or "rejected"))
                continue
            if catalog.state(item.english) != "missing":
                continue  # someone filled it meanwhile: never overwrite a person's work
            catalog.entries[item.english] = text
            catalog.machine[item.english] = text
            outcome.translated += 1
        catalog.save()


def run(args: argparse.Namespace) -> int:
    """Translate the missing entries of one language (or show what would be sent)."""
    root = Path(getattr(args, "translations", None) or TRANSLATIONS)
    backend = args.backend
    limit = SIZE_LIMITS.get(backend, 4500)
    if args.dry_run:
        batches, too_long = plan_batches(pending_messages(args.lang, root), limit)
        for number, batch in enumerate(batches, 1):
            print(f"--- request {number}: {len(batch.items)} message(s), {len(batch.text)} characters")
            print(batch.text)
        for text in too_long:
            print(f"too long for {backend} ({limit} characters): {text[:60]!r}")
        print(f"translate --dry-run: {sum(len(b.items) for b in batches)} message(s) in {len(batches)} request(s) "
              f"to {backend}; nothing sent")
        return 0
    translator = make_translator(backend, args.lang, args.url, args.api_key)
    transport = Transport(args.timeout)
    try:
        outcome = translate_language(args.lang, translator.translate, transport, limit, args.retries,
                                     float(getattr(args, "backoff", 1.0)), root,
                                     progress=not getattr(args, "no_progress", False))
    except TransientError as error:
        raise UserError(f"{backend}: {error}; what was translated so far is saved, run again to resume") from None
    for source, english, reason in outcome.rejected:
        print(f"rejected {source}: {english[:60]!r}: {reason}")
    for text in outcome.too_long:
        print(f"skipped (too long for {backend}): {text[:60]!r}")
    print(f"translate {args.lang}: {outcome.translated} translated (marked machine, needs review), "
          f"{len(outcome.rejected)} rejected, {len(outcome.too_long)} too long")
    return 1 if outcome.rejected or outcome.too_long else 0
