"""`python -m tools build`: the whole site, one MkDocs build per language, into sibling folders.

1. Extract the documents of the source package (`extra.literate.sources`) and generate every language's pages
   into `site/generated/<lang>/` (`tools.pages`; git-ignored, rewritten only where something changed). Broken links
   in the sources are listed first, one line each; with `links: strict` they stop the build there.
2. Derive each language's configuration from the root `mkdocs.yml` (docs and site folders, `site_url` of the
   language, `theme.language` for Material's and mkdocstrings' labels, the search language, the docstring
   translation, the switcher's languages) and run `mkdocs build --strict` for it in a process of its own, languages
   in parallel (`--jobs`). A separate process per language is also what keeps jieba, which Material's search uses
   as soon as it can import it, to the Chinese build: the others are started with the import blocked.
3. Each language is built into a staging folder and swapped into `<out>/<lang>/` in one step
   (`tools.files.replace_folder`) only when it succeeded, so `<out>/<lang>/` is always one whole build; a language
   whose inputs have not changed since its last build (same generated pages, configuration, templates, sources and
   catalogs) is not rebuilt. Then `<out>/index.html` (sends a browser to its preferred language among those built
   into `<out>`) and a root `404.html` are written.

Builds are reproducible: no build date reaches a page (the sitemap has no `<lastmod>`), and `SOURCE_DATE_EPOCH`
is fixed (0 unless set) for the rest: the gzip header of `sitemap.xml.gz`.
"""

from __future__ import annotations

import argparse
import copy
import functools
import hashlib
import html
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tools.errors import UserError
from tools.files import output_folder, replace_folder, write_atomic
from tools.paths import CONFIG_FILE, GENERATED, HOME_DIR, LABELS_FILE, ROOT, SOURCE_ROOT, TRANSLATIONS
from tools.segment import segmenter_for
from tools.site_config import CONFIG_ENV, DEFAULT_SOURCE, SEGMENTERS, TOOL_ROOT, TOOL_SITE, language_handlers

if TYPE_CHECKING:
    from tools.document import Document
    from tools.pages import Generated
    from tools.site_config import SiteSettings
# Everything besides the generated pages that a language's output depends on.
_TEMPLATE_INPUTS = (TOOL_SITE / "overrides", TOOL_SITE / "hooks.py", LABELS_FILE)
_PACKAGES = ("mkdocs", "mkdocs-material", "mkdocstrings", "mkdocstrings-python", "griffe", "pymdown-extensions",
             "markdown", "pygments", "nh3", "jieba", "tinysegmenter")


@dataclass
class LanguageResult:
    """How one language's build went."""

    lang: str
    built: bool  # False: up to date, skipped
    seconds: float = 0.0
    pages: int = 0
    missing: int = 0  # messages shown in English
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    """The outcome of `build_site`."""

    out: Path
    languages: list[LanguageResult]
    seconds: float


# --- configuration per language -------------------------------------------------------------------------------


def language_overrides(config: Mapping[str, Any], settings: SiteSettings, lang: str, *, docs_dir: Path,
                       site_dir: Path, nav: list[Any], labels: Mapping[str, str], translations: Path = TRANSLATIONS,
                       source_root: Path = SOURCE_ROOT) -> dict[str, Any]:
    """The top-level settings that turn the root `mkdocs.yml` into one language's configuration.

    `config` is the raw `mkdocs.yml` and `settings` what `tools.site_config.load_settings` read (and checked) from it.
    """
    from tools import chrome
    from tools.site_config import THEME_FALLBACK, project, untranslated_labels

    root = settings.site_url
    handlers = language_handlers(lang)
    theme_setting = config.get("theme") or {}
    theme = {"name": theme_setting} if isinstance(theme_setting, str) else copy.deepcopy(dict(theme_setting))
    theme["language"] = handlers.theme  # Material's nearest language; English where it has none of `lang`'s
    if not handlers.theme_translated:  # nor its direction: Babel's
        theme.setdefault("direction", handlers.direction)
    # The generator's templates, unless the project brings its own (a path relative to mkdocs.yml).
    theme.setdefault("custom_dir", str(TOOL_SITE / "overrides"))

    plugins: list[Any] = []
    for entry in config.get("plugins") or []:
        name, options = (next(iter(entry.items())) if isinstance(entry, dict) else (entry, None))
        if options is not None and not isinstance(options, dict):
            raise UserError(f"{CONFIG_FILE}: plugins: the options of {name} must be a mapping")
        options = copy.deepcopy(options) if options else {}
        if name in ("search", "material/search"):
            options["lang"] = [handlers.search]
        elif name == "mkdocstrings":
            _set_docstring_language(options, lang, translations, source_root)
        plugins.append({name: options} if options else name)

    extra = copy.deepcopy(dict(config.get("extra") or {}))
    extra["site_root"] = root
    extra["labels"] = dict(labels)
    extra["languages"] = dict(settings.languages)
    extra["lang"] = lang  # the page's language (<html lang>, the switcher's current entry), whatever Material has
    if handlers.marks_fallback:  # the theme's words shown in English are marked so (tools/theme/overrides, tools.chrome)
        extra["theme_fallback"] = {"lang": THEME_FALLBACK, "mark": list(chrome.MARK)}
        english = untranslated_labels(project().labels_file, lang)
        if english:  # labels add-language wrote in the sources' language: the templates mark them so too
            extra["untranslated_labels"] = {"lang": next(iter(settings.languages)), "keys": english}
    # Material shows the header's language switcher when this is set; our partial renders the links itself.
    extra["alternate"] = [{"name": name, "link": f"{root}{code}/", "lang": code}
                          for code, name in settings.languages.items()]

    overrides = {
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "site_url": f"{root}{lang}/",
        "repo_url": settings.repo_url,
        "repo_name": settings.repo_name,
        "nav": nav,
        "theme": theme,
        "plugins": plugins,
        "extra": extra,
        "strict": True,
    }
    if "hooks" not in config:  # the sanitiser: the generator's, unless the project lists hooks of its own
        overrides["hooks"] = [str(TOOL_SITE / "hooks.py")]
    if handlers.marks_fallback:  # and, after them, the hook that turns the marks into lang attributes
        overrides["hooks"] = [*overrides.get("hooks", config.get("hooks") or []), str(Path(chrome.__file__))]
    if settings.links == "warn":  # broken links in the notes are listed by page generation, not fatal
        overrides["validation"] = {"links": {"not_found": "info", "anchors": "info"}}
    return overrides


def prepare_language(lang: str, config: Mapping[str, Any], settings: SiteSettings,
                     labels: Mapping[str, Mapping[str, str]], documents: list[Document], *, docs_dir: Path,
                     site_dir: Path, translations: Path = TRANSLATIONS, source_root: Path = SOURCE_ROOT,
                     ) -> tuple[Generated, dict[str, Any]]:
    """Generate one language's pages into `docs_dir` and derive its MkDocs settings: what `build` and `serve`
    both do before MkDocs runs."""
    from tools.pages import generate_language

    # The configuration first: a mistake in mkdocs.yml is reported before any page is written.
    overrides = language_overrides(config, settings, lang, docs_dir=docs_dir, site_dir=site_dir, nav=[],
                                   labels=labels.get(lang, {}), translations=translations, source_root=source_root)
    generated = generate_language(lang, documents, docs_dir, settings, labels, translations, source_root=source_root)
    overrides["nav"] = generated.nav
    return generated, overrides


def configure_process(lang: str, handler: logging.Handler, level: int) -> None:
    """Set up a process that runs MkDocs for `lang`: where its log goes, and jieba for Chinese only.

    Material segments search text with jieba whenever it can import it; only Chinese wants that (it would cut
    Japanese kanji apart), so other languages run with the import blocked.
    """
    segmenter = segmenter_for(lang)
    for module in set(SEGMENTERS.values()) - {segmenter.module if segmenter else None}:
        sys.modules[module] = None  # type: ignore[assignment]
    if segmenter is not None:
        segmenter.cut  # noqa: B018 -- imports it as we configure it (jieba: quiet), before Material does
    for name in ("mkdocs", "annotated_ppo"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False


def _set_docstring_language(options: dict[str, Any], lang: str, translations: Path, source_root: Path) -> None:
    handlers = options.setdefault("handlers", {})
    handler = handlers.setdefault("python", {}) if isinstance(handlers, dict) else None
    python = handler.setdefault("options", {}) if isinstance(handler, dict) else None
    extensions = python.setdefault("extensions", []) if isinstance(python, dict) else None
    if not isinstance(extensions, list):
        raise UserError(f"{CONFIG_FILE}: plugins: mkdocstrings: handlers.python.options.extensions must be a list")
    from tools.site_config import project

    where = project()  # where griffe finds the source package(s)
    handler["paths"] = [str(where.import_root if source_root.resolve() == where.source_root else source_root.parent)]
    for index, extension in enumerate(extensions):
        name = next(iter(extension)) if isinstance(extension, dict) else extension
        if str(name).startswith("tools.griffe_translate"):
            extensions[index] = {str(name): {"lang": lang, "translations": str(translations),
                                             "source_root": str(source_root)}}
            return
    raise UserError(f"{CONFIG_FILE}: the mkdocstrings python handler must list the extension "
                    "tools.griffe_translate:TranslateDocstrings")


# --- what a language depends on -------------------------------------------------------------------------------


def _hash_tree(h: Any, path: Path, base: Path) -> None:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []
    for file in files:
        if "__pycache__" in file.parts:
            continue
        h.update(str(file.relative_to(base)).encode() + b"\0")
        h.update(hashlib.sha256(file.read_bytes()).digest())


def settings_digest(overrides: Mapping[str, Any]) -> str:
    """A hash of what every page of a language is rendered with: its settings (but not its navigation, which
    only the templates show), `mkdocs.yml`, the templates, our code and the versions of the packages."""
    h = hashlib.sha256()
    h.update(json.dumps({k: v for k, v in overrides.items() if k not in ("docs_dir", "site_dir", "nav")},
                        sort_keys=True, default=str).encode())
    _hash_tree(h, CONFIG_FILE, ROOT)
    for path in _TEMPLATE_INPUTS:
        _hash_tree(h, path, path.parent)
    from tools.build_cache import code_version

    h.update(code_version(*_PACKAGES).encode())  # all of our code (a hand list drifts from it) and the libraries
    return h.hexdigest()


def inputs_digest(lang: str, pages_digest: str, overrides: Mapping[str, Any], source_root: Path,
                  translations: Path) -> str:
    """A hash of everything one language's output is made from: equal hashes, equal output."""
    h = hashlib.sha256()
    h.update(pages_digest.encode())
    h.update(settings_digest(overrides).encode())
    h.update(json.dumps(overrides.get("nav"), sort_keys=True, default=str).encode())
    _hash_tree(h, source_root, source_root)  # the API reference reads the sources itself
    _hash_tree(h, translations / lang, translations)
    return h.hexdigest()


def api_inputs(identifier: str, package: str, lang: str, source_root: Path, translations: Path) -> str:
    """A hash of what the API reference of module `identifier` (`::: reference_impl.ppo.gae`) is made from
    besides its page: the source files it documents (a package: everything in it) and those it imports from
    the package (re-exported members show their docstrings), with their catalogs in `lang`. `package` is the
    importable name of `source_root`."""
    parts = identifier.split(".")
    if parts[0] != package:
        return "outside"
    h = hashlib.sha256()
    for path in sorted(_module_closure(parts[1:], source_root, package)):
        relative = path.relative_to(source_root).as_posix()
        h.update(relative.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        for catalog in (translations / lang / f"{relative}.json", translations / lang / f"{relative}.state.json"):
            if catalog.is_file():
                h.update(catalog.name.encode() + hashlib.sha256(catalog.read_bytes()).digest())
    return h.hexdigest()


def _module_file(parts: list[str], source_root: Path) -> Path | None:
    base = source_root.joinpath(*parts)
    for candidate in (base.with_suffix(".py") if parts else None, base / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _module_closure(parts: list[str], source_root: Path, package_name: str) -> set[Path]:
    import ast

    found: set[Path] = set()
    todo = [parts]
    while todo:
        current = todo.pop()
        path = _module_file(current, source_root)
        if path is None or path in found:
            continue
        found.add(path)
        if path.name == "__init__.py":  # a package's page may show any of its modules
            found.update(p for p in path.parent.rglob("*.py") if "__pycache__" not in p.parts)
        package = current if path.name == "__init__.py" else current[:-1]
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1] if node.level > 1 else package
                    target = base + (node.module.split(".") if node.module else [])
                elif node.module and node.module.split(".")[0] == package_name:
                    target = node.module.split(".")[1:]
                else:
                    continue
                todo.append(target)
                todo.extend([*target, alias.name] for alias in node.names)  # `from . import module`
            elif isinstance(node, ast.Import):
                todo.extend(alias.name.split(".")[1:] for alias in node.names
                            if alias.name.split(".")[0] == package_name)
    return found


# --- the build ------------------------------------------------------------------------------------------------


def _source_date_epoch() -> str:
    # MkDocs stamps the build time into sitemap.xml.gz (and page.update_date); a fixed epoch keeps builds identical.
    return os.environ.get("SOURCE_DATE_EPOCH") or "0"


def _run_worker(spec: dict[str, Any], emit: Callable[[str], None]) -> tuple[int, float, list[str]]:
    """Build one language in a child process; its output goes to `emit` line by line, prefixed."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=spec["epoch"], PYTHONIOENCODING="utf-8")
    env[CONFIG_ENV] = str(CONFIG_FILE)  # the child works on the same project, wherever it starts
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TOOL_ROOT), env.get("PYTHONPATH")]))
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "tools.build", "--worker", json.dumps(spec)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               encoding="utf-8", errors="replace")
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip("\n")
        lines.append(line)
        emit(f"[{spec['lang']}] {line}")
    return process.wait(), time.perf_counter() - start, lines


@dataclass
class GeneratedPages:
    """What `build_site` needs of a language's generated pages (made now, or by an earlier run)."""

    digest: str
    nav: list[Any]
    pages: int
    missing: int
    warnings: list[str]
    broken: list[str]  # links to pages or files the site does not have


def generation_digest(lang: str, source_root: Path, translations: Path) -> str:
    """A hash of everything a language's generated pages are made from: the sources, the language's catalogs,
    the configuration, labels, home pages and assets, the generator's code and the versions of its libraries."""
    h = hashlib.sha256(lang.encode())
    for path, base in ((source_root, source_root), (translations / lang, translations)):
        h.update(str(path).encode() + b"\0")
        _hash_tree(h, path, base)
    h.update(_shared_generation_digest(translations).encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=4)
def _shared_generation_digest(translations: Path) -> str:
    """What every language's pages are made from besides its own sources and catalogs; hashed once per build
    (`build_site` clears it), not once per language."""
    from tools.pages import ASSETS_DIR, KATEX_DIST

    h = hashlib.sha256()
    for path, base in ((CONFIG_FILE, ROOT), (LABELS_FILE, LABELS_FILE.parent), (HOME_DIR, HOME_DIR),
                       (ASSETS_DIR, ASSETS_DIR), (KATEX_DIST, KATEX_DIST), (TOOL_ROOT / "tools", TOOL_ROOT)):
        h.update(str(path).encode() + b"\0")
        _hash_tree(h, path, base)
    for package in ("markdown", "pymdown-extensions", "nh3", "pyyaml", "babel"):
        try:
            h.update(f"{package}=={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package} missing".encode())
    # The status page counts the other languages' catalogs too
    from tools.catalog import TARGET_LANGUAGES
    from tools.coverage import status_key

    h.update(status_key(translations, TARGET_LANGUAGES).encode())
    return h.hexdigest()


def _generated_language(lang: str, config: Mapping[str, Any], settings: SiteSettings,
                        labels: Mapping[str, Mapping[str, str]], documents: Callable[[], list[Document]], *,
                        docs_dir: Path, site_dir: Path, translations: Path, source_root: Path, record: Path,
                        ) -> tuple[GeneratedPages, dict[str, Any]]:
    """`prepare_language`, unless the pages in `docs_dir` were generated from the same inputs (the record in
    `record/<lang>.generated.json` says so, and every page it lists is there): then they are used as they are."""
    key = generation_digest(lang, source_root, translations)
    path = record / f"{lang}.generated.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        usable = saved["key"] == key and all((docs_dir / name).is_file() for name in saved["files"])
    except (OSError, ValueError, KeyError, TypeError):
        usable = False
    if usable:
        overrides = language_overrides(config, settings, lang, docs_dir=docs_dir, site_dir=site_dir,
                                       nav=saved["nav"], labels=labels.get(lang, {}), translations=translations,
                                       source_root=source_root)
        return GeneratedPages(saved["digest"], saved["nav"], saved["pages"], saved["missing"],
                              saved["warnings"], saved["broken"]), overrides
    path.unlink(missing_ok=True)
    generated, overrides = prepare_language(lang, config, settings, labels, documents(), docs_dir=docs_dir,
                                            site_dir=site_dir, translations=translations, source_root=source_root)
    pages = GeneratedPages(generated.digest(), generated.nav, sum(name.endswith(".md") for name in generated.files),
                           generated.missing, generated.warnings, list(generated.broken))
    write_atomic(path, json.dumps({"key": key, "files": sorted(generated.files), **vars(pages)},
                                  ensure_ascii=False) + "\n", sync=False)
    return pages, overrides


def build_site(out: Path, languages: Iterable[str] | None = None, jobs: int = 0, *, work_dir: Path = GENERATED,
               source_root: Path = SOURCE_ROOT, translations: Path = TRANSLATIONS, force: bool = False,
               emit: Callable[[str], None] = print) -> BuildReport:
    """Generate the pages and build every requested language into `<out>/<lang>/`; see the module docstring."""
    from tools.build_cache import memos_in

    # What the page generation validated in earlier builds (tools.localize), for this build only
    with memos_in(Path(work_dir).resolve() / ".cache"):
        return _build_site(out, languages, jobs, work_dir=work_dir, source_root=source_root,
                           translations=translations, force=force, emit=emit)


def _build_site(out: Path, languages: Iterable[str] | None, jobs: int, *, work_dir: Path, source_root: Path,
                translations: Path, force: bool, emit: Callable[[str], None]) -> BuildReport:
    from tools.pages import load_documents
    from tools.site_config import load_site

    started = time.perf_counter()
    config, settings, labels = load_site()
    wanted = list(dict.fromkeys(languages or settings.languages))
    unknown = [lang for lang in wanted if lang not in settings.languages]
    if unknown:
        raise UserError(f"{CONFIG_FILE}: unknown language(s) {', '.join(unknown)}; "
                        f"extra.literate.languages lists {', '.join(settings.languages)}")
    if settings.placeholder:
        emit(f"note: {CONFIG_FILE}: extra.literate.site_url and repo_url are still the placeholders "
             f"({settings.repo_url}): python -m tools set-repo URL --site-url URL sets them")
    from tools.notebooks import stale_notebooks

    for line in stale_notebooks(settings, source_root):
        emit(f"warning: {line}")
    out = output_folder(Path(out).resolve())
    work_dir = Path(work_dir).resolve()
    from tools.extract import source_files

    if not source_files(source_root):
        raise UserError(f"{source_root}: no .py or .md files to build pages from")
    documents: list[Document] = []

    def loaded() -> list[Document]:  # read only if a language's pages have to be generated again
        if not documents:
            documents.extend(load_documents(source_root))
            for document in documents:  # how a file was read (a non-raw docstring with TeX escapes)
                for warning in document.warnings:
                    emit(f"warning: {warning}")
        return documents

    epoch = _source_date_epoch()
    _shared_generation_digest.cache_clear()  # the files may have changed since the last build in this process

    results: dict[str, LanguageResult] = {}
    specs: list[dict[str, Any]] = []
    broken: dict[str, None] = {}  # each broken link once, whichever languages show it
    for lang in wanted:
        staging = out / f".{lang}.building"
        generated, overrides = _generated_language(lang, config, settings, labels, loaded, docs_dir=work_dir / lang,
                                                   site_dir=staging, translations=translations,
                                                   source_root=source_root, record=work_dir / ".stamps")
        for warning in generated.warnings:
            emit(f"[{lang}] warning: {warning}")
        broken.update(dict.fromkeys(generated.broken))
        digest = inputs_digest(lang, generated.digest, overrides, source_root, translations)
        # One stamp per output folder: building elsewhere (a test, a preview) does not invalidate this one.
        key = hashlib.sha256(str(out).encode()).hexdigest()[:12]
        stamp = work_dir / ".stamps" / f"{lang}-{key}.json"
        target = out / lang
        result = LanguageResult(lang, built=False, pages=generated.pages, missing=generated.missing,
                                warnings=generated.warnings)
        results[lang] = result
        if not force and _stamp_matches(stamp, digest, target):
            emit(f"[{lang}] up to date ({result.pages} pages)")
            continue
        specs.append({"lang": lang, "overrides": overrides, "digest": digest, "stamp": str(stamp),
                      "staging": str(staging), "target": str(target), "epoch": epoch,
                      "cache": str(work_dir / ".cache"), "settings": settings_digest(overrides),
                      "source_root": str(source_root), "translations": str(translations),
                      "package": settings.package, "pages": str(stamp.with_suffix(".pages.json"))})

    for line in broken:
        emit(f"warning: {line}")
    if broken and settings.links == "strict":
        raise UserError(f"{len(broken)} broken link(s) in the sources, listed above: fix them, or set "
                        "extra.literate.links: warn in mkdocs.yml to build and list them")

    failures: list[str] = []
    lock = threading.Lock()

    def emit_locked(line: str) -> None:
        with lock:
            emit(line)

    def build_one(spec: dict[str, Any]) -> None:
        lang = spec["lang"]
        emit_locked(f"[{lang}] building {results[lang].pages} pages ...")
        staging, target = Path(spec["staging"]), Path(spec["target"])
        shutil.rmtree(staging, ignore_errors=True)
        code, seconds, _ = _run_worker(spec, emit_locked)
        pages, new_pages = Path(spec["pages"]), Path(spec["pages"]).with_suffix(".new")
        if code != 0:
            shutil.rmtree(staging, ignore_errors=True)
            new_pages.unlink(missing_ok=True)
            failures.append(lang)
            emit_locked(f"[{lang}] FAILED after {seconds:.1f}s (mkdocs build --strict exited {code})")
            return
        # The list of what made each page describes the output in place: none while the two are swapped.
        pages.unlink(missing_ok=True)
        replace_folder(staging, target)  # served folders are whole builds, even if we are killed here
        if new_pages.exists():
            os.replace(new_pages, pages)
        write_atomic(Path(spec["stamp"]), json.dumps({"digest": spec["digest"], "out": str(target)}) + "\n")
        results[lang].built = True
        results[lang].seconds = seconds
        emit_locked(f"[{lang}] built in {seconds:.1f}s -> {target}")

    workers = max(1, min(jobs or (os.cpu_count() or 1), len(specs) or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(build_one, specs))
    if specs:
        from tools.build_cache import prune

        prune(work_dir / ".cache")
    if failures:
        raise UserError(f"the build failed for {', '.join(sorted(failures))} (see the messages above)")

    write_root_pages(out, settings.languages, settings.site_name, settings.site_url, labels)
    report = BuildReport(out, [results[lang] for lang in wanted], time.perf_counter() - started)
    missing = ", ".join(f"{r.lang}: {r.missing}" for r in report.languages if r.lang != DEFAULT_SOURCE)
    emit(f"site: {out} ({', '.join(wanted)}) in {report.seconds:.1f}s"
         + (f"; strings shown in English for want of a translation: {missing}" if missing else ""))
    return report


def _stamp_matches(stamp: Path, digest: str, target: Path) -> bool:
    try:
        data = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return data.get("digest") == digest and data.get("out") == str(target) and (target / "index.html").is_file()


# --- the root of the site -------------------------------------------------------------------------------------


def write_root_pages(out: Path, languages: Mapping[str, str], site_name: str, root_url: str,
                     labels: Mapping[str, Mapping[str, str]]) -> list[str]:
    """The root of the site: `index.html` (sends a browser to its preferred language), `404.html` (the one GitHub
    Pages serves for every missing address), a sitemap index of the languages' sitemaps and `.nojekyll`.

    They list the configured languages that `out` holds a build of (`<out>/<lang>/index.html`), whichever run built
    them: `build --lang ja` into an empty folder gives a root that knows only Japanese. Returns those languages.
    """
    codes = [code for code in languages if (out / code / "index.html").is_file()]
    if not codes:
        return []
    links = "\n".join(f'    <li><a href="{code}/" hreflang="{code}" lang="{code}">{html.escape(languages[code])}</a></li>'
                      for code in codes)
    alternates = "\n".join(f'  <link rel="alternate" hreflang="{code}" href="{html.escape(root_url)}{code}/">'
                           for code in codes)
    script = (
        "(function () {\n"
        f"  var languages = {json.dumps(codes)};\n"
        "  var preferred = navigator.languages || [navigator.language || \"\"];\n"
        "  var choice = languages[0];\n"
        "  for (var i = 0; i < preferred.length; i++) {\n"
        "    var code = String(preferred[i]).toLowerCase().split(\"-\")[0];\n"
        "    if (languages.indexOf(code) >= 0) { choice = code; break; }\n"
        "  }\n"
        "  location.replace(choice + \"/\" + location.hash);\n"
        "})();\n"
    )
    head = (f"{alternates}\n"
            f'  <link rel="alternate" hreflang="x-default" href="{html.escape(root_url)}">\n'
            f"  <script>\n{script}  </script>\n"
            f'  <noscript><meta http-equiv="refresh" content="0; url={codes[0]}/"></noscript>')
    index = _root_page(codes[0], html.escape(site_name), head, html.escape(site_name), links)
    base_path = urlsplit(root_url).path or "/"
    items = "\n".join(
        f'    <li lang="{code}"><a href="{html.escape(base_path)}{code}/" hreflang="{code}">'
        f"{html.escape(labels[code]['not_found_title'])}: {html.escape(labels[code]['back_home'])} "
        f"({html.escape(languages[code])})</a></li>"
        for code in codes)
    # The first language's own 404 page (styled, with absolute URLs, the way home in every language; its script
    # puts in the page of the language the address or the browser asks for), else a plain list.
    built_404 = out / codes[0] / "404.html"
    not_found = built_404.read_text(encoding="utf-8") if built_404.is_file() else _root_page(
        codes[0], f"404 - {html.escape(site_name)}", '  <meta name="robots" content="noindex">', "404", items)
    sitemaps = "".join(f"  <sitemap><loc>{html.escape(root_url)}{code}/sitemap.xml</loc></sitemap>\n" for code in codes)
    sitemap_index = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                     '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                     f"{sitemaps}</sitemapindex>\n")
    write_atomic(out / "index.html", index.encode())
    write_atomic(out / "404.html", not_found.encode())
    write_atomic(out / "sitemap.xml", sitemap_index.encode())
    # GitHub Pages runs Jekyll unless told not to, and Jekyll drops folders such as api/ppo/__main__/.
    write_atomic(out / ".nojekyll", b"")
    return codes


def _root_page(lang: str, title: str, head: str, heading: str, items: str) -> str:
    """A page at the root of the site: a heading and a list (arguments are HTML, already escaped)."""
    return f"""<!doctype html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width,initial-scale=1">
  <title>{title}</title>
{head}
</head>
<body>
  <h1>{heading}</h1>
  <ul>
{items}
  </ul>
</body>
</html>
"""


# --- command line and worker ----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """The `build` command."""
    build_site(Path(args.out), args.lang, args.jobs)
    return 0


class _Prefixless(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        return message if record.levelno < logging.WARNING else f"{record.levelname}: {message}"


def _worker(spec: dict[str, Any]) -> int:
    """Build one language (in a child process started by `build_site`)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_Prefixless("%(message)s"))
    configure_process(spec["lang"], handler, logging.WARNING)

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    if spec.get("cache"):
        from tools import build_cache

        source_root, translations, pages = Path(spec["source_root"]), Path(spec["translations"]), Path(spec["pages"])
        build_cache.install(Path(spec["cache"]), spec["settings"],
                            lambda identifier: api_inputs(identifier, spec["package"], spec["lang"], source_root,
                                                          translations),
                            (Path(spec["target"]), pages, pages.with_suffix(".new")))
    try:
        from tools.site_config import defaults_for

        config = load_config(config_file=str(CONFIG_FILE), **{**defaults_for(CONFIG_FILE), **spec["overrides"]})
        build(config)
        if spec.get("cache"):
            rendered, unchanged = build_cache.save_outputs()
            print(f"pages: {rendered} rendered, {unchanged} unchanged since the last build")
    except (MkDocsException, UserError) as error:  # configuration, plugin and build errors; ours from griffe
        print(f"ERROR: {error}")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        sys.exit(_worker(json.loads(sys.argv[2])))
    sys.exit("usage: python -m tools build [--out DIR] [--lang LANG] [--jobs N]")
