"""`python -m tools status`: how far each language is, per file, and a gate for CI.

Every English message (the keys of `translations/en/**`) of every file is counted once per language as

- *reviewed*: a translation a person wrote or approved,
- *machine*: machine output still waiting for review (shown on the site, so it counts as translated),
- *fuzzy*: not translated, but a suggestion from an older English waits in the sidecar (not shown on the site),
- *missing*: nothing yet.

*translated* = reviewed + machine: what a reader sees in their language. `--fail-under PCT` fails (exit 1) when a
language's translated share is below PCT; add `--reviewed` to gate on reviewed translations only, so that
unreviewed machine output cannot pass.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools import catalog as catalogs
from tools.paths import TRANSLATIONS

STATES = ("translated", "machine", "fuzzy", "missing")


@dataclass
class Counts:
    reviewed: int = 0
    machine: int = 0
    fuzzy: int = 0
    missing: int = 0

    @property
    def total(self) -> int:
        return self.reviewed + self.machine + self.fuzzy + self.missing

    @property
    def translated(self) -> int:
        return self.reviewed + self.machine

    def percent(self, reviewed_only: bool = False) -> float:
        done = self.reviewed if reviewed_only else self.translated
        return 100.0 * done / self.total if self.total else 100.0

    def add(self, other: Counts) -> None:
        self.reviewed += other.reviewed
        self.machine += other.machine
        self.fuzzy += other.fuzzy
        self.missing += other.missing


def count(lang: str, source: PurePosixPath, keys: list[str], root: Path = TRANSLATIONS) -> Counts:
    """The counts of one language for one source file's English `keys`."""
    catalog = catalogs.Catalog.load(lang, source, root)
    counts = Counts()
    for key in keys:
        state = catalog.state(key)
        if state == "translated":
            counts.reviewed += 1
        else:
            setattr(counts, state, getattr(counts, state) + 1)
    return counts


def collect(languages: list[str], root: Path = TRANSLATIONS) -> dict[str, dict[PurePosixPath, Counts]]:
    """language → source file → counts, for every English template under `root`."""
    result: dict[str, dict[PurePosixPath, Counts]] = {lang: {} for lang in languages}
    for source, template in catalogs.english_templates(root):
        for lang in languages:
            result[lang][source] = count(lang, source, list(template), root)
    return result


def table(results: dict[str, dict[PurePosixPath, Counts]]) -> str:
    """A plain-text table: one row per language and file, and a total per language."""
    header = ("lang", "file", "reviewed", "machine", "fuzzy", "missing", "total", "translated", "reviewed %")
    rows: list[tuple[str, ...]] = []

    def row(lang: str, name: str, counts: Counts) -> tuple[str, ...]:
        return (lang, name, str(counts.reviewed), str(counts.machine), str(counts.fuzzy), str(counts.missing),
                str(counts.total), f"{counts.percent():.1f}%", f"{counts.percent(reviewed_only=True):.1f}%")

    for (lang, files), total in zip(results.items(), totals(results).values(), strict=True):
        rows.extend(row(lang, source.as_posix(), counts) for source, counts in files.items())
        rows.append(row(lang, "TOTAL", total))
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    lines = []
    for line in [header, *rows]:
        cells = [cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(line)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def totals(results: dict[str, dict[PurePosixPath, Counts]]) -> dict[str, Counts]:
    """language → the counts of all its files together."""
    out = {}
    for lang, files in results.items():
        total = Counts()
        for counts in files.values():
            total.add(counts)
        out[lang] = total
    return out


def run(args: argparse.Namespace) -> int:
    """Print the table; with `--fail-under`, exit 1 when a language is below the threshold."""
    root = Path(getattr(args, "translations", None) or TRANSLATIONS)
    languages = list(args.lang or catalogs.TARGET_LANGUAGES)
    results = collect(languages, root)
    print(table(results))
    reviewed_only = bool(getattr(args, "reviewed", False))
    if args.fail_under is None:
        return 0
    failed = False
    for lang, total in totals(results).items():
        percent = total.percent(reviewed_only)
        if percent + 1e-9 < args.fail_under:
            kind = "reviewed" if reviewed_only else "translated"
            print(f"status: {lang} is {percent:.1f}% {kind}, below --fail-under {args.fail_under:g}% "
                  f"({total.missing} missing, {total.fuzzy} fuzzy, {total.machine} machine)")
            failed = True
    return 1 if failed else 0
