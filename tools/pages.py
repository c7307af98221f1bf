"""Page generation: documents and catalogs become the Markdown pages of one language of the site.

For every source file of the package (`reference_impl/` here) this writes, into a language's docs folder (`site/generated/<lang>/`):

- an annotated page (`ppo/gae.py` → `ppo/gae.md`, `ppo/__init__.py` → `ppo/index.md`): the notes beside the code
  they explain, one row per section with an anchor (`#section-3`), a "view code" link to the lines on GitHub, and a
  bar of links (paper, source, Colab) under the title;
- for Python modules, an API reference page (`api/ppo/gae.md`) that mkdocstrings fills from the docstrings, which
  `tools.griffe_translate` swaps for their translations;

plus the home page (`index.md`, the hand-written `site/home/<lang>.md` with the links and the list of pages) and the
static assets (our CSS/JS/badge from `tools/theme/assets/`, KaTeX from the package or `node_modules/katex/dist`).

Notes are translated block by block by `tools.localize.Localizer`; links are mapped by `tools.links`, the settings
come from `tools.site_config`. Files are rewritten only when their content changes, so a rebuild and the live
preview see only real changes.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from tools import charts, coverage
from tools.document import Document, split_blocks
from tools.errors import UserError
from tools.files import write_atomic
from tools.links import LinkOrigin, api_page_path, module_name, page_path, rewrite_links, url_dir
from tools.localize import Localizer
from tools.paths import HOME_DIR, LABELS_FILE, SOURCE_ROOT, TRANSLATIONS
from tools.site_config import DEFAULT_SOURCE, TOOL_ROOT, TOOL_SITE, SiteSettings, katex_dist
from tools.symbols import symbol_links

ASSETS_DIR = TOOL_SITE / "assets"  # the generator's own: stylesheet, script, the vendored badge
KATEX_DIST = katex_dist()  # in the package of an installed wheel, else the checkout's node_modules

_ARXIV = re.compile(r"https?://arxiv\.org/abs/([0-9]{4}\.[0-9]{4,5})(?:v\d+)?")


# --- page rendering -------------------------------------------------------------------------------------------


def paper_url(document: Document, settings: SiteSettings) -> str:
    """The paper a page is about: the first arXiv link in its notes, else the project's paper."""
    for section in document.sections:
        match = _ARXIV.search(section.note)
        if match:
            return f"https://arxiv.org/abs/{match.group(1)}"
    return settings.paper


def _arxiv_id(url: str) -> str:
    match = _ARXIV.search(url)
    return match.group(1) if match else url


def _front_matter(**values: Any) -> str:
    # JSON is YAML: quotes, colons and CJK survive exactly (strings, and mappings such as `symbols`).
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items() if value]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def links_bar(page: PurePosixPath, labels: Mapping[str, str], settings: SiteSettings, paper: str,
              source: PurePosixPath | None = None) -> str:
    """The paper, source and Colab links shown under a page's title."""
    # Raw HTML is not rewritten by MkDocs: the image path is relative to the page's URL, not to its file.
    badge = posixpath.relpath("assets/colab-badge.svg", str(url_dir(page)))
    source_url = settings.blob_url(settings.repo_path(str(source))) if source else settings.repo_url
    items = [
        f'<a class="ap-link ap-paper" href="{_attr(paper)}">{labels["paper"]}: arXiv:{_arxiv_id(paper)}</a>',
        f'<a class="ap-link ap-source" href="{_attr(source_url)}">{labels["source"]}</a>',
        f'<a class="ap-link ap-colab" href="{_attr(settings.colab_for(source) if source else settings.colab_url)}">'
        f'<img src="{badge}" alt="{_attr(labels["open_in_colab"])}" width="72" height="20"></a>',
    ]
    return '<div class="ap-links" data-search-exclude>\n' + "\n".join(items) + "\n</div>\n"


def _fence(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def render_annotated(document: Document, lang: str, localizer: Localizer, settings: SiteSettings,
                     known: Iterable[PurePosixPath], broken: list[str] | None = None,
                     source_lines: tuple[str, ...] = ()) -> str:
    """The Markdown of a document's annotated page in one language; links to pages or files the site does not
    have are reported into `broken` (one line each, naming the source file and its line in `source_lines`)."""
    labels = localizer.labels
    file = settings.repo_path(str(document.path))
    page = page_path(document.path, settings.package)
    known = list(known)
    title = localizer.text(document.title)
    summary = localizer.text(document.summary)
    # Which maths symbol of the notes stands for which identifier: click-to-highlight lights up both.
    parts = [_front_matter(title=title, description=summary, symbols=symbol_links(document))]

    sections = list(document.sections)
    heading = f"# {title}"
    first_note = sections[0].note if sections else ""
    blocks = split_blocks(first_note)
    if blocks and blocks[0].translatable and blocks[0].text.startswith("# ") and "\n" not in blocks[0].text:
        heading = localizer.block(blocks[0].text)
        first_note = "\n\n".join(b.text for b in blocks[1:])
    first_line = sections[0].start_line if sections else 1
    parts.append(rewrite_links(heading, document.path, page, known, settings, broken,
                               LinkOrigin(file, first_line, source_lines)) + "\n\n")
    parts.append(links_bar(page, labels, settings, paper_url(document, settings), document.path) + "\n")

    repo_path = settings.repo_path(str(document.path))
    plain = "?plain=1" if document.path.suffix == ".md" else ""
    for number, section in enumerate(sections, start=1):
        note = first_note if number == 1 else section.note
        note_md = (rewrite_links(localizer.note(note), document.path, page, known, settings, broken,
                                 LinkOrigin(file, section.start_line, source_lines)) if note.strip() else "")
        anchor = f"section-{number}"
        view = (f"{settings.blob_url(repo_path)}{plain}#L{section.start_line}"
                + (f"-L{section.end_line}" if section.end_line != section.start_line else ""))
        view_title = labels["view_code_title"].format(path=repo_path, start=section.start_line, end=section.end_line)
        kind = "ap-section" if section.code.strip() else "ap-section ap-section--prose"
        parts.append(
            f'<div class="{kind}" id="{anchor}" markdown>\n'
            f'<div class="ap-note" markdown>\n'
            f'<div class="ap-tools" data-search-exclude>'
            f'<a class="ap-anchor" href="#{anchor}" title="{_attr(labels["section_link"])}">#</a> '
            f'<a class="ap-view-code" href="{_attr(view)}" title="{_attr(view_title)}">{labels["view_code"]}</a>'
            f"</div>\n\n{note_md}\n\n</div>\n"
        )
        if section.code.strip():
            fence = _fence(section.code)
            parts.append(f'<div class="ap-code" data-search-exclude markdown>\n\n{fence}python\n{section.code}\n'
                         f"{fence}\n\n</div>\n")
        parts.append("</div>\n\n")
    return "".join(parts)


def render_api(document: Document, localizer: Localizer, settings: SiteSettings) -> str:
    """The Markdown of a module's API reference page: mkdocstrings renders (translated) docstrings into it."""
    page = api_page_path(document.path, settings.package)
    title = localizer.text(document.title)
    return (_front_matter(title=f"{title}: API", description=localizer.text(document.summary))
            + f"# {title}: API\n\n"
            + links_bar(page, localizer.labels, settings, paper_url(document, settings), document.path)
            + f"\n::: {module_name(document.path, settings.package)}\n")


def render_home(lang: str, documents: list[Document], localizers: Mapping[PurePosixPath, Localizer],
                settings: SiteSettings, labels: Mapping[str, str], home_dir: Path = HOME_DIR) -> str:
    """The home page of one language: its hand-written introduction, the links and the list of pages."""
    intro_file = home_dir / f"{lang}.md"
    if not home_dir.exists():  # a project without introductions: the title and the list of pages
        intro = ""
    else:
        try:
            intro = intro_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise UserError(f"{intro_file}: cannot read the home page of '{lang}': {error}") from None
    page = PurePosixPath("index.md")
    heading, _, rest = intro.partition("\n")
    if not heading.startswith("# "):
        heading, rest = f"# {settings.site_name}", intro
    lines = [_front_matter(title=settings.site_name) + heading, "", links_bar(page, labels, settings, settings.paper),
             rest.strip(), "", f"## {labels['pages']}", ""]
    for document in documents:
        localizer = localizers[document.path]
        title = localizer.text(document.title)
        summary = localizer.text(document.summary)
        entry = f"- [{title}]({page_path(document.path, settings.package)})"
        lines.append(entry + (f": {summary}" if summary else ""))
    python_docs = [d for d in documents if d.path.suffix == ".py"]
    if python_docs:
        lines += ["", f"## {labels['api_reference']}", ""]
        for document in python_docs:
            title = localizers[document.path].text(document.title)
            lines.append(f"- [`{module_name(document.path, settings.package)}`]"
                         f"({api_page_path(document.path, settings.package)}): {title}")
    return "\n".join(lines) + "\n"


# --- writing a language ---------------------------------------------------------------------------------------


@dataclass
class Generated:
    """What generating one language produced."""

    lang: str
    docs_dir: Path
    files: dict[str, bytes] = field(default_factory=dict)  # relative path → content
    nav: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # links to pages or files the site does not have
    missing: int = 0  # messages shown in English for want of a usable translation
    written: int = 0
    removed: int = 0

    def digest(self) -> str:
        """A hash of every generated file: equal digests mean equal pages."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        return h.hexdigest()


def asset_files(assets_dir: Path = ASSETS_DIR, katex_dist: Path = KATEX_DIST) -> dict[str, bytes]:
    """Our own assets and the vendored KaTeX (script, stylesheet, fonts), by path in the docs folder."""
    needed = [katex_dist / "katex.min.js", katex_dist / "katex.min.css", katex_dist / "fonts"]
    if not all(path.exists() for path in needed):
        if (TOOL_ROOT / "package-lock.json").is_file():  # a checkout of the generator
            raise UserError(f"{katex_dist}: KaTeX is missing; run `npm ci` (or `make site`) in {TOOL_ROOT} to install "
                            "it from package-lock.json: the site vendors it rather than loading it from a CDN")
        raise UserError(f"{katex_dist}: KaTeX is missing; reinstall the generator from a wheel built after `npm ci` "
                        "(the wheel carries it in tools/theme/katex/): the site vendors it rather than use a CDN")
    files: dict[str, bytes] = {}
    for path in sorted(assets_dir.rglob("*")):
        if path.is_file():
            files[f"assets/{path.relative_to(assets_dir).as_posix()}"] = path.read_bytes()
    files["assets/katex/katex.min.js"] = (katex_dist / "katex.min.js").read_bytes()
    files["assets/katex/katex.min.css"] = (katex_dist / "katex.min.css").read_bytes()
    for font in sorted((katex_dist / "fonts").iterdir()):
        if font.suffix in (".woff2", ".woff", ".ttf"):
            files[f"assets/katex/fonts/{font.name}"] = font.read_bytes()
    return files


def _order(documents: list[Document], reading_order: tuple[str, ...] = ()) -> list[Document]:
    # The pages listed in `extra.reading_order` come first, in that order (the order of the argument, not of the
    # alphabet); the rest read top down: a package's readme, then its __init__, then the modules.
    listed = {path: index for index, path in enumerate(reading_order)}

    def key(document: Document) -> tuple[Any, ...]:
        path = document.path
        rank = 0 if path.name.lower() == "readme.md" else 1 if path.name == "__init__.py" else 2
        return (listed.get(str(path), len(listed)), path.parent.parts, rank, path.name)

    return sorted(documents, key=key)


def generate_language(lang: str, documents: list[Document], docs_dir: Path, settings: SiteSettings,
                      labels: Mapping[str, Mapping[str, str]], translations_root: Path = TRANSLATIONS,
                      home_dir: Path = HOME_DIR, assets: Mapping[str, bytes] | None = None,
                      source_root: Path | None = None) -> Generated:
    """Write every page of one language into `docs_dir` (stale files removed) and return what was made.

    With `source_root`, the files beside the sources (images) are published at the same paths, and broken links
    are reported with the line of the source file that writes them.

    The status page (`tools.coverage`) counts the catalogs of `translations_root`; the learning curves
    (`tools.charts`) are drawn from the data files below `source_root` (default: the configured sources).
    """
    from tools.catalog import load_translations
    from tools.extract import source_assets

    if lang not in labels:
        raise UserError(f"{LABELS_FILE}: no labels for language '{lang}'")
    lang_labels = labels[lang]
    result = Generated(lang, docs_dir)
    documents = _order(documents, settings.reading_order)
    beside = {PurePosixPath(path.relative_to(source_root).as_posix()): path
              for path in source_assets(source_root)} if source_root else {}
    figures = (charts.learning_curves(source_root or SOURCE_ROOT, lang_labels, settings.curves)
               if settings.curves else {})
    known = [d.path for d in documents] + list(beside) + [PurePosixPath(name) for name in figures]
    localizers: dict[PurePosixPath, Localizer] = {}
    for document in documents:
        table = {} if lang == DEFAULT_SOURCE else load_translations(lang, document.path, translations_root)
        origin = f"translations/{lang}/{document.path}.json"
        localizers[document.path] = Localizer(lang, table, origin, lang_labels)

    pages = [page_path(d.path, settings.package) for d in documents]
    clashes = sorted({str(p) for p in pages if pages.count(p) > 1} | ({"index.md"} & {str(p) for p in pages}))
    if clashes:
        raise UserError(f"{SOURCE_ROOT}: several source files would make the page {', '.join(clashes)}")
    files: dict[str, bytes] = {}
    files["index.md"] = render_home(lang, documents, localizers, settings, lang_labels, home_dir).encode()
    nav: list[Any] = [{lang_labels["home"]: "index.md"}]
    api_nav: list[Any] = []
    for document in documents:
        localizer = localizers[document.path]
        page = page_path(document.path, settings.package)
        lines = _source_lines(source_root / document.path) if source_root else ()
        files[str(page)] = render_annotated(document, lang, localizer, settings, known, result.broken,
                                            lines).encode()
        nav.append(str(page))
        if document.path.suffix == ".py":
            api = api_page_path(document.path, settings.package)
            files[str(api)] = render_api(document, localizer, settings).encode()
            api_nav.append({localizer.text(document.title): str(api)})
    if api_nav:
        nav.append({lang_labels["api_reference"]: api_nav})
    rows = [coverage.PageRow(d.path, page_path(d.path, settings.package), localizers[d.path].text(d.title))
            for d in documents]
    status = coverage.status_files(lang_labels, settings.languages, rows, translations_root,
                                   list(settings.languages)[1:])
    if status:
        files.update(status)
        nav.append({lang_labels["status_title"]: coverage.STATUS_PAGE})
    files.update(figures)
    files.update(asset_files() if assets is None else assets)
    for relative, path in beside.items():
        files[str(relative)] = path.read_bytes()

    for name, data in files.items():
        result.written += write_atomic(docs_dir / name, data, sync=False)
    for path in sorted(docs_dir.rglob("*"), reverse=True):
        relative = path.relative_to(docs_dir).as_posix()
        if path.is_file() and relative not in files:
            path.unlink()
            result.removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    result.files = files
    result.nav = nav
    for localizer in localizers.values():
        result.warnings.extend(localizer.warnings)
        result.missing += localizer.missing
    return result


def _source_lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8").split("\n"))
    except (OSError, UnicodeDecodeError):
        return ()


def load_documents(source_root: Path = SOURCE_ROOT) -> list[Document]:
    """Every document of the source tree (via `tools.extract`)."""
    from tools.extract import extract_document, source_files

    return [extract_document(path, source_root) for path in source_files(source_root)]
