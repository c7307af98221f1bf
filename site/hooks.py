"""MkDocs hooks of the site (mkdocs.yml `hooks:`): the last line of defence against unsafe HTML.

Page generation already refuses unsafe translations; this passes the final HTML of every page (annotated pages,
API reference with translated docstrings, home) through the allow-list sanitiser before templates are rendered,
so nothing a contributor writes can publish a script, an event handler or a `javascript:` URL.
"""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import event_priority

from tools.sanitize import sanitize_html


@event_priority(-100)  # after mkdocs-autorefs (-50) has turned its placeholders into links
def on_env(env: Any, config: Any, files: Any) -> Any:
    for file in files.documentation_pages():
        page = file.page
        if page is not None and page.content:
            page.content = sanitize_html(page.content)
    return env
