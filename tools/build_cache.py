"""What a language's MkDocs build can reuse from other processes and earlier runs.

`tools.build` runs one MkDocs process per language. Left alone, every one of them compiles the same ~75 Jinja
templates (Material's and mkdocstrings') and highlights the same code with Pygments: the code of a page is the
same in every language, only the notes differ. The worker installs two caches before MkDocs starts, both in
`<work dir>/.cache/` and both keyed by their whole input, so an entry is either exactly right or not found:

- `jinja/`: compiled templates (Jinja's own bytecode cache, which checks each template's source);
- `highlight/`: the HTML of each highlighted code block, keyed by the code, the language, every option of the
  call and of the highlighter, and the Pygments version;
- `search/`: the search entries of each page (Material parses every page's HTML again), keyed by the page's
  content, table of contents, URL, title and metadata and the search settings. Parsing also skips the inside of
  the elements marked `data-search-exclude` (our code columns and link bars: most of a page's tags), which the
  index leaves out anyway.

Clearing the folder only costs time.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import pickle
import re
from pathlib import Path
from typing import Any

from tools.files import write_atomic

_INSTALLED: dict[str, Path] = {}


def install(folder: Path) -> None:
    """Make this process's Jinja environments and code highlighting use the caches under `folder`."""
    folder = Path(folder)
    if _INSTALLED.get("folder") == folder:
        return
    _INSTALLED["folder"] = folder
    _install_templates(folder / "jinja")
    _install_highlight(folder / "highlight")
    _install_search(folder / "search")


def _install_templates(folder: Path) -> None:
    import jinja2

    folder.mkdir(parents=True, exist_ok=True)
    cache = jinja2.FileSystemBytecodeCache(str(folder))
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
            return path.read_text(encoding="utf-8")
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


def _page_key(page: Any, settings: Any) -> str:
    def toc(items: Any) -> list[Any]:
        return [[item.id, item.title, item.url, item.level, toc(item.children)] for item in items]

    return hashlib.sha256(json.dumps([page.content, toc(page.toc.items), page.url, page.title, page.meta, settings],
                                     sort_keys=True, default=repr).encode()).hexdigest()


def _install_search(folder: Path) -> None:
    from material import __version__ as material_version
    from material.plugins.search import plugin as search

    original = search.SearchIndex.add_entry_from_context

    def add_entry_from_context(self: Any, page: Any) -> None:
        key = _page_key(page, [material_version, bool(search.jieba), self.config])
        path = folder / key[:2] / f"{key}.pickle"
        try:
            self.entries.extend(pickle.loads(path.read_bytes()))
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
