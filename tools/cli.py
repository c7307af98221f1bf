"""The command line: a thin layer that parses arguments and calls one module per command.

Each subcommand's handler imports its module lazily, so `python -m tools check` does not pay for MkDocs and
`python -m tools build` does not pay for deep-translator. Every handler returns a process exit code.
Errors meant for the user are raised as `tools.errors.UserError` and printed as one line, without a traceback;
so is an `OSError` (a file that cannot be read or written), named by its path.

Like `mkdocs`, every command works on the `mkdocs.yml` of the current folder, or on the one `-f` names; the
language choices are that file's languages (`extra.literate.languages`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from tools.errors import UserError


def configured_languages() -> tuple[str, ...] | None:
    """The configuration's languages (the first is the sources'), or None when it cannot be read: the command
    then reports why, in one line, when it reads the configuration itself."""
    from tools.site_config import project

    try:
        return project().languages
    except (UserError, OSError):
        return None


def _lazy(module: str, function: str = "run") -> Callable[[argparse.Namespace], int]:
    """The handler of a command: imports `tools.<module>` only when that command runs, then calls `function`."""

    def handler(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(f"tools.{module}"), function)(args)

    return handler


def _number(kind: type, low: float, high: float | None = None, *, above: bool = False):
    """An argparse type: a `kind` number at least `low` (greater, with `above`) and at most `high`."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value < low or (above and value == low) or (high is not None and value > high):
            bounds = f"{'above' if above else 'at least'} {low:g}" + (f" and at most {high:g}" if high is not None else "")
            raise argparse.ArgumentTypeError(f"{text} is out of range: must be {bounds}")
        return value

    parse.__name__ = kind.__name__  # what argparse names in "invalid <type> value"
    return parse


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--config-file", metavar="FILE",
                        help="the project's mkdocs.yml (default: the one in the current folder)")


def build_parser(languages: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line; `languages` (default: the configuration's) are the choices of `--lang`."""
    languages = tuple(languages) if languages is not None else configured_languages()
    # None (the configuration cannot be read): not checked here; the command reports the configuration's fault.
    every = languages or None
    translated = languages[1:] if languages else None
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__.splitlines()[0])
    _config_option(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # --- catalogs -------------------------------------------------------------------------------------------
    p = commands.add_parser("extract", help="update every catalog from the reference code")
    p.add_argument("--prune", action="store_true", help="delete obsolete translations instead of keeping them")
    p.set_defaults(handler=_lazy("extract_cmd"))

    p = commands.add_parser("status", help="translated / fuzzy / machine / missing per language and file")
    p.add_argument("--lang", choices=translated, action="append", help="only these languages")
    p.add_argument("--fail-under", type=_number(float, 0, 100), metavar="PCT", help="exit 1 if a language is below PCT%% translated")
    p.add_argument("--reviewed", action="store_true", help="--fail-under counts reviewed entries only (not machine)")
    p.set_defaults(handler=_lazy("status"))

    p = commands.add_parser("check", help="validate catalogs (ours or labml's); non-zero exit on a problem")
    p.add_argument("files", nargs="*", help="catalog files to check (default: every catalog of the repository)")
    p.set_defaults(handler=_lazy("check"))

    p = commands.add_parser("translate", help="fill missing entries by machine translation (marked for review)")
    p.add_argument("--lang", required=True, choices=translated)
    p.add_argument("--backend", default="google", help="google, libre, deepl, mymemory, microsoft")
    p.add_argument("--url", help="base URL of the backend's API (LibreTranslate or a compatible server)")
    p.add_argument("--api-key", help="API key for backends that need one")
    p.add_argument("--timeout", type=_number(float, 0, above=True), default=30.0, help="seconds per request")
    p.add_argument("--retries", type=_number(int, 0), default=4, help="retries on 429 / 5xx / timeouts, with backoff")
    p.add_argument("--dry-run", action="store_true", help="show what would be sent, send nothing")
    p.set_defaults(handler=_lazy("translate"))

    p = commands.add_parser("export-po", help="write PO files (msgctxt = location) for Weblate / Crowdin / Poedit")
    p.add_argument("--lang", choices=translated, action="append")
    p.add_argument("--out", default="build/po", help="folder for <lang>/<file>.po")
    p.set_defaults(handler=_lazy("po", "run_export"))

    p = commands.add_parser("import-po", help="read PO files back into the JSON catalogs")
    p.add_argument("files", nargs="+", help="PO files written by export-po (edited)")
    p.set_defaults(handler=_lazy("po", "run_import"))

    p = commands.add_parser("import-labml", help="seed our catalogs from labml translate_cache catalogs")
    p.add_argument("directory", help="folder of labml catalogs (*.json), searched recursively")
    p.add_argument("--lang", choices=translated, help="language of the catalogs (default: from names)")
    p.add_argument("--exact-as-machine", action="store_true",
                   help="fill empty entries with exact matches as machine translations (shown, marked not reviewed)")
    p.set_defaults(handler=_lazy("labml"))

    p = commands.add_parser("coverage-summary", help="Markdown: how the coverage changed since another checkout")
    p.add_argument("--base", required=True, metavar="DIR", help="the translations/ folder to compare with")
    p.add_argument("--lang", choices=translated, action="append", help="only these languages (default: all translated)")
    p.set_defaults(handler=_lazy("coverage", "run_summary"))

    p = commands.add_parser("changes", help="do these changed files touch only translations, and which languages")
    p.add_argument("paths", nargs="*", help="changed paths, relative to the repository (default: standard input)")
    p.set_defaults(handler=_lazy("coverage", "run_changes"))

    # --- site -----------------------------------------------------------------------------------------------
    p = commands.add_parser("build", help="generate pages and build the site in every language")
    p.add_argument("--out", default="build/site", help="output folder: <out>/en, <out>/ja, <out>/zh")
    p.add_argument("--lang", choices=every, action="append", help="only these languages")
    p.add_argument("--jobs", type=_number(int, 0), default=0, help="parallel language builds (0: one per core)")
    p.set_defaults(handler=_lazy("build"))

    p = commands.add_parser("linkcheck", help="check every link of the built site with LinkChecker, offline")
    p.add_argument("folder", nargs="?", default="build/site", help="the built site (default: build/site)")
    p.set_defaults(handler=_lazy("linkcheck"))

    p = commands.add_parser("serve", help="preview the site with live reload")
    p.add_argument("--lang", choices=every, default=every[0] if every else None)
    p.add_argument("--port", type=_number(int, 0, 65535), default=8000)
    p.set_defaults(handler=_lazy("serve"))

    # --- languages ------------------------------------------------------------------------------------------
    p = commands.add_parser("add-language", help="add a language: catalogs, labels, home page, mkdocs.yml")
    p.add_argument("code", help="a language code Babel knows (ko, fr, pt-BR, ...)")
    p.add_argument("--name", help="the name shown in the switcher (default: the language's own name, from Babel)")
    p.set_defaults(handler=_lazy("languages", "run_add"))

    p = commands.add_parser("set-repo", help="where the project lives: mkdocs.yml's block and the notebooks' links")
    p.add_argument("url", help="the repository, https://github.com/OWNER/NAME")
    p.add_argument("--branch", help="the branch the links point at")
    p.add_argument("--site-url", help="where the site is published")
    p.set_defaults(handler=_lazy("notebooks", "run_set_repo"))

    p = commands.add_parser("remove-language", help="remove a language: its catalogs, labels, home page, settings")
    p.add_argument("code", choices=translated)
    p.set_defaults(handler=_lazy("languages", "run_remove"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status."""
    pre = argparse.ArgumentParser(add_help=False)
    _config_option(pre)
    known, rest = pre.parse_known_args(argv)  # -f anywhere on the line, before the choices are made from it
    if known.config_file:
        from tools.site_config import use_config

        use_config(known.config_file)
    args = build_parser().parse_args(rest)
    try:
        return args.handler(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a file or folder that cannot be read or written: say which, without a traceback
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
