"""MkDocs hooks of the site (mkdocs.yml `hooks:`): the last line of defence against unsafe HTML, and the words of
the search index.

Page generation already refuses unsafe translations; this passes the final HTML of every page (annotated pages,
API reference with translated docstrings, home) through the allow-list sanitiser before templates are rendered,
so nothing a contributor writes can publish a script, an event handler or a `javascript:` URL.

Headings inside docstrings on the API pages move up to one level below their object (`tools.docstring_headings`).
Before the build, the heading permalinks get their title in the page's language (`permalink` in
the labels; the toc extension's own is English). After the build, the search index of a language written without spaces is cut into words by that language's
segmenter (`tools.segment`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

from tools.docstring_headings import shift_docstring_headings
from tools.sanitize import sanitize_html
from tools.segment import segment_search_index


def on_config(config: Any) -> Any:
    title = (config["extra"].get("labels") or {}).get("permalink")
    toc = config["mdx_configs"].get("toc")
    if title and isinstance(toc, dict) and toc.get("permalink"):
        toc["permalink_title"] = title
    return config


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return shift_docstring_headings(html)


@event_priority(-100)  # after mkdocs-autorefs (-50) has turned its placeholders into links
def on_env(env: Any, config: Any, files: Any) -> Any:
    for file in files.documentation_pages():
        page = file.page
        if page is not None and page.content:
            page.content = sanitize_html(page.content)
    return env


@event_priority(-100)  # after the search plugin has written the index
def on_post_build(config: Any) -> None:
    index = Path(config["site_dir"]) / "search" / "search_index.json"
    if index.is_file():
        # The page's language (`extra.lang`), which Material's `theme.language` is only the nearest known one of
        segment_search_index(index, config["extra"].get("lang") or config["theme"]["language"])
