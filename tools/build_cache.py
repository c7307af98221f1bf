"""What a language's MkDocs build can reuse from other processes and earlier runs.

`tools.build` runs one MkDocs process per language. Left alone, every one of them compiles the same ~75 Jinja
templates (Material's and mkdocstrings') and highlights the same code with Pygments: the code of a page is the
same in every language, only the notes differ. The worker installs two caches before MkDocs starts, both in
`<work dir>/.cache/` and both keyed by their whole input, so an entry is either exactly right or not found:

- `jinja/`: compiled templates (Jinja's own bytecode cache, which checks each template's source);
- `highlight/`: the HTML of each highlighted code block, keyed by the code, the language, every option of the
  call and of the highlighter, and the Pygments version;
- `pages/`: the HTML and table of contents of each page as Markdown made it, keyed by the page's Markdown, its
  place, the site's files, the language's settings (configuration, templates, our code, package versions) and,
  for a page with an API reference (`::: module`), that module's sources and catalogs. What rendering registers
  elsewhere (mkdocstrings' anchors and inventory) is recorded and replayed; a page whose rendering logged a
  warning is not kept, so the warning comes again;
- the pages of the last build of the same output folder: a page whose content, table of contents, metadata and
  navigation are those it had then (and the settings too) is copied from there instead of being rendered with the
  theme's templates again (each page shows the whole navigation: rendering every page is quadratic in pages);
- `search/`: the search entries of each page (Material parses every page's HTML again), keyed by the page's
  content, table of contents, URL, title and metadata and the search settings. Parsing also skips the inside of
  the elements marked `data-search-exclude` (our code columns and link bars: most of a page's tags), which the
  index leaves out anyway.

- `memo/`: results of our own pure functions of text that every build of a language would otherwise compute again
  (`memo`): the verdict of the validation policy on each translation (`tools.localize`), and the words of each run
  of Chinese or Japanese text in the search index (`tools.segment`), keyed by their arguments and the version of
  what computes them. The page generation of `tools.build` uses them too (`use_memos`).

Clearing the folder only costs time; entries no build has used for a month are deleted after a build, once a day.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import logging
import os
import pickle
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tools.files import write_atomic

_INSTALLED: dict[str, Path] = {}
_MADE: dict[str, str] = {}  # this build's pages: output path → the digest of what made it
_REUSED: set[str] = set()  # the pages copied from the last build
KEEP_DAYS = 30  # an entry no build used for this long is deleted (`prune`, after each build)


def install(folder: Path, settings: str = "", api_inputs: Callable[[str], str] | None = None,
            outputs: tuple[Path, Path, Path] | None = None) -> None:
    """Make this process's Jinja environments, code highlighting, search indexing and (given the digest of the
    language's `settings`) page rendering use the caches under `folder`.

    `api_inputs(identifier)` is a digest of what the API reference of `::: identifier` is made from besides the
    page itself (the module's sources and catalogs); pages with `:::` are rendered every time without it.
    `outputs` is (the last build's output folder, the file that lists what made each of its pages, the file this
    build lists them in): a page whose template inputs are those of the last build is copied from it.
    """
    folder = Path(folder)
    if _INSTALLED.get("folder") == folder:
        return
    _INSTALLED["folder"] = folder
    use_memos(folder)
    _install_templates(folder / "jinja")
    _install_highlight(folder / "highlight")
    _install_search(folder / "search")
    if settings:
        _install_pages(folder / "pages", settings, api_inputs)
    if settings and outputs:
        _install_outputs(settings, *outputs)


def use_memos(folder: Path | None) -> None:
    """Keep the results of `memo` under `folder/memo/` (None: in this process only)."""
    _MEMOS.clear()
    if folder is None:
        _INSTALLED.pop("memos", None)
    else:
        _INSTALLED["memos"] = Path(folder) / "memo"


@contextlib.contextmanager
def memos_in(folder: Path) -> Iterator[None]:
    """`use_memos(folder)` for the time of a `with` block; then the memos as they were before it."""
    previous = _INSTALLED.get("memos")
    use_memos(folder)
    try:
        yield
    finally:
        _MEMOS.clear()
        if previous is None:
            _INSTALLED.pop("memos", None)
        else:
            _INSTALLED["memos"] = previous


class Memo:
    """The results of one pure function of JSON values, by their arguments: in memory, and one file each under the
    cache folder when `use_memos` named one. `version` names what else the results depend on (the code and the
    libraries that compute them); another version finds none of them."""

    def __init__(self, kind: str, version: str) -> None:
        folder = _INSTALLED.get("memos")
        self.folder = folder / kind if folder is not None else None
        self.version = version
        self.known: dict[str, Any] = {}

    def get(self, compute: Callable[..., Any], *arguments: Any) -> Any:
        """`compute(*arguments)`, unless it was computed before."""
        key = hashlib.sha256(json.dumps([self.version, arguments], ensure_ascii=False).encode()).hexdigest()
        if key in self.known:
            return self.known[key]
        path = self.folder / key[:2] / f"{key}.json" if self.folder is not None else None
        if path is not None:
            try:
                self.known[key] = json.loads(_used(path).read_text(encoding="utf-8"))
                return self.known[key]
            except (OSError, ValueError):
                pass
        value = self.known[key] = compute(*arguments)
        if path is not None:
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
                write_atomic(path, json.dumps(value, ensure_ascii=False), sync=False)
        return value


_MEMOS: dict[tuple[str, str], Memo] = {}


def memo(kind: str, version: str) -> Memo:
    """This process's `Memo` of `kind` at `version`."""
    if (kind, version) not in _MEMOS:
        _MEMOS[kind, version] = Memo(kind, version)
    return _MEMOS[kind, version]


def code_version(*packages: str) -> str:
    """A digest of the generator's code (every `tools/*.py`) and of the versions of `packages`: what a memo of our
    functions depends on."""
    from importlib import metadata

    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    for package in packages:
        try:
            h.update(f"{package}=={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package} missing".encode())
    return h.hexdigest()


PRUNE_EVERY = 86400  # seconds: walking the whole cache after every build cost more than an edit's rebuild saved


def prune(folder: Path, days: float = KEEP_DAYS, every: float = PRUNE_EVERY) -> int:
    """Delete the entries under `folder` that no build has used for `days`, unless that was done less than `every`
    seconds ago; returns how many."""
    stamp = Path(folder) / ".pruned"
    now = time.time()
    with contextlib.suppress(OSError):
        if now - stamp.stat().st_mtime < every:
            return 0
    with contextlib.suppress(OSError):
        write_atomic(stamp, b"", sync=False)
    limit = now - days * 86400
    removed = 0
    for path in Path(folder).rglob("*"):
        try:
            if path.is_file() and path != stamp and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue  # another build's, gone already
    return removed


def _used(path: Path) -> Path:
    """`path`, marked as used now (its modification time: what `prune` goes by)."""
    os.utime(path)
    return path


def _install_templates(folder: Path) -> None:
    import jinja2

    class Cache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):
                _used(Path(self._get_cache_filename(bucket)))
            super().load_bytecode(bucket)

    folder.mkdir(parents=True, exist_ok=True)
    cache = Cache(str(folder))
    original = jinja2.Environment.__init__

    def init(self: jinja2.Environment, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.bytecode_cache is None:
            self.bytecode_cache = cache

    jinja2.Environment.__init__ = init  # type: ignore[method-assign]


def _install_highlight(folder: Path) -> None:
    import pygments
    from pymdownx.highlight import Highlight

    original = Highlight.highlight
    signature = inspect.signature(original)
    version = pygments.__version__

    def highlight(self: Highlight, *args: Any, **kwargs: Any) -> Any:
        call = signature.bind(self, *args, **kwargs)
        call.apply_defaults()
        arguments = dict(call.arguments)
        del arguments["self"]
        # Inline code returns an element, and a title goes through the page's HTML stash: not cacheable.
        if arguments.get("inline") or arguments.get("title") is not None or self.auto_title:
            return original(self, *args, **kwargs)
        settings = {name: value for name, value in vars(self).items() if name != "md"}
        key = hashlib.sha256(json.dumps([version, arguments, settings], sort_keys=True,
                                        default=repr).encode()).hexdigest()
        path = folder / key[:2] / f"{key}.html"
        try:
            return _used(path).read_text(encoding="utf-8")
        except OSError:
            pass
        result = original(self, *args, **kwargs)
        if isinstance(result, str):
            write_atomic(path, result, sync=False)
        return result

    Highlight.highlight = highlight  # type: ignore[method-assign]


_EXCLUDED_RE = re.compile(r"<([a-z][a-z0-9]*)\b[^>]*\sdata-search-exclude\b[^>]*>")
_HEADING_RE = re.compile(r"<h[1-6]\b")


def without_excluded_content(html: str) -> str:
    """`html` with the inside of each `data-search-exclude` element removed (the element itself stays, empty).

    An element with a heading inside (a heading starts a search section even there) or without a matching end tag
    is kept whole.
    """
    pieces: list[str] = []
    position = 0
    for match in _EXCLUDED_RE.finditer(html):
        if match.start() < position:
            continue  # inside an element already emptied
        tag = match.group(1)
        end = _matching_end(html, tag, match.end())
        if end == -1 or _HEADING_RE.search(html, match.end(), end):
            continue
        pieces.append(html[position:match.end()])
        position = end
    pieces.append(html[position:])
    return "".join(pieces)


def _matching_end(html: str, tag: str, start: int) -> int:
    """The index of `</tag>` closing an element whose content starts at `start`, or -1."""
    pattern = re.compile(rf"<(/?){tag}\b[^>]*>")
    depth = 1
    for match in pattern.finditer(html, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.start()
    return -1


def _toc(items: Any) -> list[Any]:
    return [[item.id, item.title, item.url, item.level, _toc(item.children)] for item in items]


def _page_key(page: Any, settings: Any) -> str:
    return hashlib.sha256(json.dumps([page.content, _toc(page.toc.items), page.url, page.title, page.meta, settings],
                                     sort_keys=True, default=repr).encode()).hexdigest()


def _install_search(folder: Path) -> None:
    from material import __version__ as material_version
    from material.plugins.search import plugin as search

    original = search.SearchIndex.add_entry_from_context

    def add_entry_from_context(self: Any, page: Any) -> None:
        key = _page_key(page, [material_version, bool(search.jieba), self.config])
        path = folder / key[:2] / f"{key}.pickle"
        try:
            self.entries.extend(pickle.loads(_used(path).read_bytes()))
            return
        except (OSError, pickle.UnpicklingError, EOFError):
            pass
        first = len(self.entries)
        content = page.content
        page.content = without_excluded_content(content)
        try:
            original(self, page)
        finally:
            page.content = content
        write_atomic(path, pickle.dumps(self.entries[first:]), sync=False)

    search.SearchIndex.add_entry_from_context = add_entry_from_context


_API_RE = re.compile(r"^::: *([\w.]+)", re.MULTILINE)
_recording: list[list[tuple[str, tuple[Any, ...], dict[str, Any]]]] = []


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _install_pages(folder: Path, settings: str, api_inputs: Callable[[str], str] | None) -> None:
    from mkdocs.structure.pages import Page
    from mkdocs_autorefs import AutorefsPlugin
    from mkdocstrings import Inventory

    def recorded(target: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            if _recording:
                if target == "autorefs":  # the page is the current one on replay
                    _recording[-1].append((target, args[1:] if args else (), {k: v for k, v in kwargs.items()
                                                                             if k != "page"}))
                else:
                    _recording[-1].append((target, args, kwargs))
            return method(self, *args, **kwargs)
        return call

    AutorefsPlugin.register_anchor = recorded("autorefs", AutorefsPlugin.register_anchor)
    Inventory.register = recorded("inventory", Inventory.register)
    original = Page.render
    files_digest: dict[int, str] = {}

    def render(self: Any, config: Any, files: Any) -> None:
        identifiers = _API_RE.findall(self.markdown or "")
        if identifiers and api_inputs is None:
            return original(self, config, files)
        if id(files) not in files_digest:
            files_digest.clear()
            files_digest[id(files)] = hashlib.sha256("\0".join(sorted(f.src_uri for f in files)).encode()).hexdigest()
        key = hashlib.sha256(json.dumps([settings, files_digest[id(files)], self.file.src_uri, self.url,
                                         self.markdown, [api_inputs(name) for name in identifiers] if api_inputs
                                         else []]).encode()).hexdigest()
        path = folder / key[:2] / f"{key}.pickle"
        try:
            saved = pickle.loads(_used(path).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            saved = None
        if saved is not None:
            _restore(self, saved, config, files)
            return None
        warnings = _Warnings()
        loggers = [logging.getLogger(), logging.getLogger("mkdocs"), logging.getLogger("annotated_ppo")]
        for logger in loggers:
            logger.addHandler(warnings)
        _recording.append([])
        try:
            original(self, config, files)
        finally:
            calls = _recording.pop()
            for logger in loggers:
                logger.removeHandler(warnings)
        if warnings.count == 0:
            links = {file.src_uri: anchors for file, anchors in (self.links_to_anchors or {}).items()}
            state = {"content": self.content, "toc": self.toc, "title": self._title_from_render,
                     "present_anchor_ids": self.present_anchor_ids, "links_to_anchors": links, "calls": calls}
            write_atomic(path, pickle.dumps(state), sync=False)
        return None

    Page.render = render


def _restore(page: Any, saved: dict[str, Any], config: Any, files: Any) -> None:
    page.content = saved["content"]
    page.toc = saved["toc"]
    page._title_from_render = saved["title"]
    page.present_anchor_ids = saved["present_anchor_ids"]
    page.links_to_anchors = {files.get_file_from_path(uri): anchors
                             for uri, anchors in saved["links_to_anchors"].items()}
    for target, args, kwargs in saved["calls"]:
        if target == "autorefs":
            config.plugins["autorefs"].register_anchor(page, *args, **kwargs)
        else:
            config.plugins["mkdocstrings"].handlers.inventory.register(*args, **kwargs)


def _nav_digest(nav: Any) -> str:
    def items(entries: Any) -> list[Any]:
        return [[type(item).__name__, item.title, getattr(item, "url", None),
                 getattr(getattr(item, "file", None), "src_uri", None), items(getattr(item, "children", None) or [])]
                for item in entries]

    return hashlib.sha256(json.dumps(items(nav.items), default=repr).encode()).hexdigest()


def _install_outputs(settings: str, previous: Path, previous_list: Path, new_list: Path) -> None:
    from mkdocs.commands import build
    from mkdocs.structure.pages import Page

    try:
        last = json.loads(previous_list.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = {}
    made = _MADE
    original = build._build_page
    navs: dict[int, str] = {}

    def build_page(page: Page, config: Any, doc_files: Any, nav: Any, env: Any, dirty: bool = False,
                   excluded: bool = False) -> None:
        if dirty or excluded:
            return original(page, config, doc_files, nav, env, dirty, excluded)
        if id(nav) not in navs:
            navs.clear()
            navs[id(nav)] = _nav_digest(nav)
        key = hashlib.sha256(json.dumps([settings, navs[id(nav)], page.file.src_uri, page.url, page.title,
                                         page.meta, page.content, _toc(page.toc.items),
                                         page.meta.get("template", "main.html")],
                                        sort_keys=True, default=repr).encode()).hexdigest()
        old = previous / page.file.dest_uri
        if last.get(page.file.dest_uri) == key and old.is_file():
            # The plugins still see the page (the search index is made here); the theme's output is the old one.
            config._current_page, page.active = page, True
            try:
                context = build.get_context(nav, doc_files, config, page)
                config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            finally:
                config._current_page, page.active = None, False
            Path(page.file.abs_dest_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(old, page.file.abs_dest_path)
            _REUSED.add(page.file.dest_uri)
        else:
            original(page, config, doc_files, nav, env, dirty, excluded)
        made[page.file.dest_uri] = key

    build._build_page = build_page
    _INSTALLED["outputs"] = new_list


def save_outputs() -> tuple[int, int]:
    """After a successful build: list what made each page, for the next build of the same output folder.

    Returns (pages rendered, pages copied unchanged from the last build).
    """
    if "outputs" not in _INSTALLED:
        return 0, 0
    write_atomic(_INSTALLED["outputs"], json.dumps(_MADE, sort_keys=True, indent=0) + "\n", sync=False)
    return len(_MADE) - len(_REUSED), len(_REUSED)
