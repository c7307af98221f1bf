"""Translation coverage in Markdown: the status page of the site, and the coverage change of a pull request.

The counts are `tools.status`'s (reviewed / machine / fuzzy / missing per language and source file); this module
only presents them:

- `status_page(...)`: the site's "translation status" page in one language: a table of languages with their
  badges, then one table per language with a row per page;
- `badges(...)`: one SVG badge per language (reviewed share), drawn by `tools.charts`;
- `python -m tools coverage-summary --base DIR`: what a pull request changes, as Markdown for a CI job summary
  (`$GITHUB_STEP_SUMMARY`), comparing the catalogs under DIR (the base branch's `translations/`) with ours;
- `python -m tools changes [PATH ...]`: given the files a pull request changes (arguments or standard input, one
  per line), whether it changes only translations and which languages it touches, as `key=value` lines for
  `$GITHUB_OUTPUT`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools import catalog as catalogs
from tools import charts
from tools.errors import UserError
from tools.files import write_atomic
from tools.site_config import project
from tools.status import Counts, collect, totals

# The labels the status page needs from `site/labels.yml`.
STATUS_LABELS = ("status_title", "status_intro", "status_language", "status_page", "status_reviewed",
                 "status_machine", "status_fuzzy", "status_missing", "status_total", "status_translated")
STATUS_PAGE = "translation-status.md"
BADGE_FOLDER = "assets/badges"


@dataclass(frozen=True)
class PageRow:
    """A page of the site as the status page lists it: its source file, its Markdown path and its title."""

    source: PurePosixPath
    page: PurePosixPath
    title: str


def badge_path(lang: str) -> str:
    """Where a language's badge lies in every language's docs folder (and so on the site)."""
    return f"{BADGE_FOLDER}/{lang}.svg"


def badges(languages: Mapping[str, str], results: Mapping[str, Mapping[PurePosixPath, Counts]]) -> dict[str, bytes]:
    """One badge per translated language: its name and its reviewed share, by path in the docs folder."""
    files = {}
    for lang, total in totals(dict(results)).items():
        percent = total.percent(reviewed_only=True)
        files[badge_path(lang)] = charts.badge(languages.get(lang, lang), f"{_percent(percent)}", percent).encode()
    return files


def _percent(value: float) -> str:
    # 99.95% must not read as 100%: a language is complete only when it is.
    text = f"{value:.1f}"
    if text == "100.0" and value < 100.0:
        text = "99.9"
    return f"{text.removesuffix('.0')}%"


def _counts_cells(counts: Counts) -> list[str]:
    return [str(counts.reviewed), str(counts.machine), str(counts.fuzzy), str(counts.missing), str(counts.total),
            _percent(counts.percent()), _percent(counts.percent(reviewed_only=True))]


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric_from: int = 1) -> list[str]:
    align = ["---" if i < numeric_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def status_page(labels: Mapping[str, str], languages: Mapping[str, str], pages: Sequence[PageRow],
                results: Mapping[str, Mapping[PurePosixPath, Counts]]) -> str:
    """The Markdown of the status page (at the top of a language's docs folder) in the language of `labels`."""
    missing = [key for key in STATUS_LABELS if key not in labels]
    if missing:
        raise UserError(f"labels for the status page are missing: {', '.join(missing)}")
    counts_header = [labels["status_reviewed"], labels["status_machine"], labels["status_fuzzy"],
                     labels["status_missing"], labels["status_total"], labels["status_translated"],
                     labels["status_reviewed"] + " %"]
    lines = [f"# {labels['status_title']}", "", labels["status_intro"], ""]
    overall = totals(dict(results))
    rows = [[languages.get(lang, lang), f"![{languages.get(lang, lang)}]({badge_path(lang)})", *_counts_cells(total)]
            for lang, total in overall.items()]
    lines += _table([labels["status_language"], "", *counts_header], rows, numeric_from=2)
    by_source = {row.source: row for row in pages}
    order = {row.source: index for index, row in enumerate(pages)}
    for lang, files in results.items():
        lines += ["", f"## {languages.get(lang, lang)}", ""]
        rows = []
        # In the order of `pages` (the site's reading order), files without a page last
        for source, counts in sorted(files.items(), key=lambda item: (order.get(item[0], len(order)), str(item[0]))):
            row = by_source.get(source)
            title = row.title.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]") if row else ""
            name = f"[{title}]({row.page.as_posix()})" if row else f"`{source}`"
            rows.append([name, *_counts_cells(counts)])
        lines += _table([labels["status_page"], *counts_header], rows)
    return "\n".join(lines) + "\n"


def status_files(labels: Mapping[str, str], languages: Mapping[str, str], pages: Sequence[PageRow],
                 translations: Path, targets: Sequence[str]) -> dict[str, bytes]:
    """The status page and the badges of one language's site, by path in its docs folder.

    `languages` names every language (code → name), `targets` are those translated into. None when there is no
    translated language, or no English catalog yet.
    """
    if not targets or not (translations / catalogs.SOURCE_LANGUAGE).is_dir():
        return {}  # nothing is translated, or nothing was extracted yet: no status to show
    results = collect(list(targets), translations)
    files = {STATUS_PAGE: status_page(labels, languages, pages, results).encode()}
    files.update(badges(languages, results))
    return files


def sync_readme_badges(readme: Path, old_site: str, new_site: str) -> bool:
    """Point the badges and status links of a README (`<site_url><lang>/assets/badges/…`,
    `<site_url><lang>/translation-status/`) at `new_site`; whether the file changed."""
    if old_site == new_site or not readme.is_file():
        return False
    text = readme.read_text(encoding="utf-8")
    status = re.escape(STATUS_PAGE.removesuffix(".md"))
    pattern = re.compile(re.escape(old_site) + rf"(?=[\w-]+/(?:{re.escape(BADGE_FOLDER)}|{status})/)")
    new = pattern.sub(new_site, text)
    if new == text:
        return False
    write_atomic(readme, new.encode())
    return True


def status_key(translations: Path, targets: Sequence[str]) -> str:
    """What the status page of any language depends on beyond that language's own inputs: every language's counts
    (a Japanese page lists the Chinese ones), as one string for the build's record of a generation."""
    if not targets or not (translations / catalogs.SOURCE_LANGUAGE).is_dir():
        return ""
    results = collect(list(targets), translations)
    return ";".join(f"{lang}/{source}:{counts.reviewed},{counts.machine},{counts.fuzzy},{counts.missing}"
                    for lang, files in results.items() for source, counts in files.items())


# --- pull requests ------------------------------------------------------------------------------------------


def _change(before: float | int, after: float | int, percent: bool = False) -> str:
    show = _percent if percent else str
    if before == after:
        return show(after)
    delta = after - before
    sign = "+" if delta > 0 else "−"
    amount = f"{abs(delta):.1f} pt" if percent else str(abs(delta))
    return f"{show(before)} → {show(after)} ({sign}{amount})"


def summary(base: Mapping[str, Mapping[PurePosixPath, Counts]], head: Mapping[str, Mapping[PurePosixPath, Counts]],
            ) -> str:
    """Markdown: per language the counts before → after, then the files whose counts changed."""
    lines = ["### Translation coverage", ""]
    base_totals, head_totals = totals(dict(base)), totals(dict(head))
    rows = []
    for lang, after in head_totals.items():
        before = base_totals.get(lang, Counts())
        rows.append([f"`{lang}`", _change(before.reviewed, after.reviewed), _change(before.machine, after.machine),
                     _change(before.fuzzy, after.fuzzy), _change(before.missing, after.missing),
                     _change(before.percent(reviewed_only=True), after.percent(reviewed_only=True), percent=True)])
    lines += _table(["Language", "Reviewed", "Machine", "Fuzzy", "Missing", "Reviewed %"], rows)
    changed = []
    for lang, files in head.items():
        for source, after in files.items():
            before = base.get(lang, {}).get(source, Counts())
            if before != after:
                changed.append([f"`{lang}`", f"`{source}`", _change(before.reviewed, after.reviewed),
                                _change(before.machine, after.machine), _change(before.fuzzy, after.fuzzy),
                                _change(before.missing, after.missing)])
    lines.append("")
    if changed:
        lines += ["Files whose counts changed:", ""]
        lines += _table(["Language", "File", "Reviewed", "Machine", "Fuzzy", "Missing"], changed, numeric_from=2)
    else:
        lines.append("No file's counts changed.")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Changes:
    """What a set of changed files means for CI."""

    translations_only: bool
    languages: list[str]  # the translated languages whose site may change


def classify(paths: Iterable[str], languages: Sequence[str], folder: str = "translations") -> Changes:
    """Whether `paths` (relative to the repository root) lie only in `folder`, and which languages they touch.

    A catalog of `<folder>/<lang>/` touches that language; the source catalogs (`en/`) and anything else in
    `folder` that is not documentation (the glossary) touch every language; a Markdown file there touches none.
    """
    touched: set[str] = set()
    only = True
    any_path = False
    for raw in paths:
        path = PurePosixPath(raw.strip())
        if not raw.strip():
            continue
        any_path = True
        if not path.parts or path.parts[0] != folder:
            only = False
            touched.update(languages)
            continue
        inner = path.parts[1:]
        if len(inner) > 1 and inner[0] in languages:
            touched.add(inner[0])
        elif path.suffix.lower() != ".md":
            touched.update(languages)
    return Changes(only and any_path, [lang for lang in languages if lang in touched])


# --- commands -------------------------------------------------------------------------------------------------


def run_summary(args: argparse.Namespace) -> int:
    """`coverage-summary --base DIR`: the Markdown summary of the change from DIR's catalogs to ours."""
    base_root = Path(args.base)
    head_root = Path(getattr(args, "translations", None) or project().translations)
    if not (base_root / catalogs.SOURCE_LANGUAGE).is_dir():
        raise UserError(f"{base_root}: not a translations folder (no {catalogs.SOURCE_LANGUAGE}/ inside)")
    languages = list(args.lang or catalogs.TARGET_LANGUAGES)
    print(summary(collect(languages, base_root), collect(languages, head_root)), end="")
    return 0


def run_changes(args: argparse.Namespace) -> int:
    """`changes [PATH ...]`: `translations_only=true|false` and `languages=ja zh` for the changed files."""
    where = project()
    paths = args.paths or sys.stdin.read().splitlines()
    folder = where.translations.relative_to(where.root).as_posix()
    result = classify(paths, list(where.target_languages), folder)
    print(f"translations_only={'true' if result.translations_only else 'false'}")
    print(f"languages={' '.join(result.languages)}")
    return 0
