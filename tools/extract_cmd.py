"""`python -m tools extract`: update every catalog from the reference code and say what changed.

For each source file it prints what was added, changed (new strings that received a fuzzy suggestion from an
obsolete translation) and made obsolete, per language. Nothing is deleted unless `--prune` is given.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tools import catalog as catalogs
from tools.errors import UserError
from tools.extract import extract_document, source_files
from tools.paths import SOURCE_ROOT, TRANSLATIONS


def _per_language(values: dict[str, list[str]]) -> str:
    return ", ".join(f"{lang} {len(keys)}" for lang, keys in values.items() if keys)


def describe(report: catalogs.UpdateReport) -> str:
    """One line for one file: `ppo/gae.py: 2 added, 1 removed; fuzzy ja 1, zh 1; obsolete ja 1`."""
    counts = []
    if report.added:
        counts.append(f"{len(report.added)} added")
    if report.removed:
        counts.append(f"{len(report.removed)} removed")
    parts = [", ".join(counts)] if counts else []
    for label, values in (("changed (fuzzy)", report.fuzzy), ("obsolete", report.obsolete),
                          ("restored", report.restored), ("reused", report.reused), ("pruned", report.pruned)):
        text = _per_language(values)
        if text:
            parts.append(f"{label}: {text}")
    return f"{report.source}: " + "; ".join(parts)


def run(args: argparse.Namespace) -> int:
    """Extract every source file and update its catalogs in every language."""
    source_root = Path(getattr(args, "source_root", None) or SOURCE_ROOT)
    root = Path(getattr(args, "translations", None) or TRANSLATIONS)
    files = source_files(source_root)
    if not files:  # most likely a wrong folder; with --prune it would delete every catalog
        raise UserError(f"{source_root}: no .py or .md files to extract from")
    documents = [extract_document(path, source_root) for path in files]
    reports, orphans = catalogs.update_all(documents, prune=args.prune, root=root)
    for report in reports:
        if not report.is_empty():
            print(describe(report))
    for path in orphans:
        verb = "deleted" if args.prune else "kept (its source is gone; --prune deletes it)"
        print(f"{path.relative_to(root).as_posix()}: {verb}")
    messages = sum(len(catalogs.english_catalog(doc)) for doc in documents)
    added = sum(len(r.added) for r in reports)
    fuzzy = sum(len(v) for r in reports for v in r.fuzzy.values())
    obsolete = sum(len(v) for r in reports for v in r.obsolete.values())
    print(f"extract: {len(documents)} files, {messages} messages; {added} added, {fuzzy} changed (fuzzy), "
          f"{obsolete} obsolete")
    return 0
