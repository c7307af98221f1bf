"""Headings inside docstrings on API reference pages, one level below the object they document.

mkdocstrings shifts a docstring's Markdown headings by the level of the object's own heading, so the `## Section`
of a function shown at h3 becomes h5 (and anything deeper is cut to h6): the outline jumps from h3 to h5 and
Material draws h5 and h6 as small grey captions. The notes' convention (labml's) writes a docstring's sections as
`##`; this moves every docstring heading up one level, never above one below its object (`## ` under an h3
object becomes h4, `###` h5).
"""

from __future__ import annotations

import re

# A whole heading element; mkdocstrings marks the objects' own headings with the class doc-heading.
_HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>(.*?)</h\1>", re.DOTALL)


def shift_docstring_headings(html: str) -> str:
    """The page's HTML with the headings that follow an object heading (`class="doc doc-heading"`) moved up."""
    if "doc-heading" not in html:
        return html
    object_level: int | None = None

    def shift(match: re.Match[str]) -> str:
        nonlocal object_level
        level, attributes, inner = int(match.group(1)), match.group(2) or "", match.group(3)
        if "doc-heading" in attributes:
            object_level = level
            return match.group(0)
        if object_level is None:
            return match.group(0)
        new = max(object_level + 1, level - 1)
        return match.group(0) if new == level else f"<h{new}{attributes}>{inner}</h{new}>"

    return _HEADING.sub(shift, html)
