"""The theme's words that a page shows in English for want of a translation, marked `lang="en"` (an MkDocs hook).

Material translates its chrome (the search box, "Table of contents", "Back to top", ...) into the languages it
knows; for another language, and for a word its translation lacks, it shows its English. The site marks that English
as it marks an untranslated note (`tools.localize`: an element with `lang="en"`), so that a screen reader reads it as
English and the rest of the page as the page's language.

The generator's `partials/language.html` (tools/theme/overrides) encloses each such word in `MARK` when the build asks it
to (`extra.theme_fallback`, set by `tools.build.language_overrides` on the pages of every language but English);
this hook, registered by the same function, turns the marks of each page into attributes and removes them:

- a word that is all of the text of an element (the skip link, "Back to top", the table of contents' title) gives
  that element `lang="en"`; a word among other text is wrapped in `<span lang="en">`;
- a word that is all of a human-readable attribute (`aria-label`, `title`, `placeholder`, ...) gives the element
  `lang="en"`; where the element holds text in the page's language (the header, the navigation), each of its child
  elements gets the page's language back;
- a word in a script (Material's configuration, whose words its script writes into the page) loses its marks only:
  `tools/theme/overrides/main.html` marks what the script writes.

An element that already says its language keeps it; so do the elements inside it.
"""

from __future__ import annotations

import html.parser
import json
import re
from dataclasses import dataclass, field
from typing import Any

# Two noncharacters (Unicode keeps U+FDD0-U+FDEF for a program's internal use: no text contains them).
MARK = ("\ufdd0", "\ufdd1")
_RUN = re.compile(f"{MARK[0]}(.*?){MARK[1]}", re.S)
# The marks, and the marks as JSON writes them (`tojson`: Material's configuration for its script).
_MARKS = re.compile(f"[{MARK[0]}{MARK[1]}]|" + "|".join(re.escape(json.dumps(mark)[1:-1]) for mark in MARK), re.I)
# Attributes whose text a reader hears or sees; a mark elsewhere (a data- attribute) is only removed.
HUMAN_ATTRIBUTES = frozenset({"alt", "aria-description", "aria-label", "aria-placeholder", "aria-roledescription",
                              "label", "placeholder", "title"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
                   "source", "track", "wbr"})
_RAW_TEXT = frozenset({"script", "style"})


@dataclass
class _Element:
    tag: str
    start: int  # offset of its `<`
    tag_end: int  # offset after its start tag's `>`
    attrs: dict[str, str]
    parent: _Element | None
    end: int = -1  # offset of its end tag (or where it ends without one)
    children: list[_Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # its own text, marks included

    @property
    def insert_at(self) -> int:
        """Where an attribute goes into the start tag: before `>` or `/>`."""
        return self.tag_end - 1

    def words(self) -> list[str]:
        """What a reader meets in the element itself: its readable attributes and its own text."""
        found = [value for name, value in self.attrs.items() if name in HUMAN_ATTRIBUTES and value.strip()]
        text = "".join(self.text) if self.tag not in _RAW_TEXT else ""
        return [*found, text] if text.strip() else found


class _Tree(html.parser.HTMLParser):
    """The elements of a page with the offsets of their tags (the page is only read, never written back)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0] + [match.end() for match in re.finditer("\n", page)]
        self.root = _Element("#root", 0, 0, {}, None)
        self.open: list[_Element] = [self.root]
        self.elements: list[_Element] = []  # in document order
        self.feed(page)
        self.close()
        for element in self.open:
            element.end = len(page)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> _Element:
        start = self._offset()
        parent = self.open[-1]
        element = _Element(tag, start, start + len(self.get_starttag_text() or ""),
                           {name: value or "" for name, value in attrs}, parent)
        parent.children.append(element)
        self.elements.append(element)
        return element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._element(tag, attrs)
        if tag in _VOID:
            element.end = element.tag_end
        else:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._element(tag, attrs)
        element.end = element.tag_end

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                for element in self.open[depth:]:
                    element.end = self._offset()
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].text.append(data)


def _fallback_only(text: str) -> bool:
    """Whether every visible character of `text` is inside a mark (and there is one)."""
    return bool(_RUN.search(text)) and not _RUN.sub("", text).strip()


def mark_fallback(page: str, lang: str, fallback: str = "en") -> str:
    """`page` (HTML) with its marked words said to be in `fallback`, and the marks removed (see the module
    docstring). `lang` is the page's language, given back to what a marked element holds in it."""
    if not _MARKS.search(page):
        return page
    tree = _Tree(page)
    given: dict[int, str] = {}  # id of an element → the language this gives it
    inserts: list[tuple[int, str]] = []  # (offset, text)

    def says(element: _Element) -> str | None:
        return element.attrs["lang"] if "lang" in element.attrs else given.get(id(element))

    def language(element: _Element | None) -> str | None:  # the language in effect inside an element
        while element is not None:
            code = says(element)
            if code is not None:
                return code
            element = element.parent
        return None

    def give(element: _Element, code: str) -> None:
        if says(element) is None:
            given[id(element)] = code
            inserts.append((element.insert_at, f' lang="{code}"'))

    purity: dict[int, bool | None] = {}

    def pure(element: _Element) -> bool | None:
        """True if all a reader meets in the element (but inside elements that say their language) is marked
        words, False if some of it is not, None if there is nothing to meet."""
        if id(element) not in purity:
            words = element.words()
            found: bool | None = False if any(not _fallback_only(word) for word in words) else bool(words) or None
            for child in element.children:
                if found is False:
                    break
                inner = None if "lang" in child.attrs else pure(child)
                found = False if inner is False else found or inner
            purity[id(element)] = found
        return purity[id(element)]

    def holding(element: _Element) -> bool:  # whether it shows a marked word itself
        return any(MARK[0] in word for word in element.words())

    def visit(element: _Element) -> None:
        if element.tag in _RAW_TEXT:
            return
        holds = holding(element)
        if holds and pure(element):  # the element that shows the words (not one around it: scripts fill those)
            if language(element.parent) != fallback:
                give(element, fallback)
            if language(element) == fallback:
                return
        elif holds and says(element) is None and _labelled(element):
            # A container labelled by a marked word (the header, the navigation): English, and its children
            # with something to read in the page's language get it back.
            give(element, fallback)
            for child in element.children:
                if "lang" not in child.attrs and pure(child) is not None and not (holding(child) and pure(child)):
                    give(child, lang)
        for child in element.children:
            visit(child)

    for child in tree.root.children:
        visit(child)
    # A marked word among other text: wrapped in an element of its own. The elements open at each word, in one
    # sweep: they nest, in document order.
    elements, following, open_ = tree.elements, 0, [tree.root]
    for match in _RUN.finditer(page):
        offset = match.start()
        while following < len(elements) and elements[following].start <= offset:
            element = elements[following]
            while open_[-1].end <= element.start and open_[-1] is not tree.root:
                open_.pop()
            open_.append(element)
            following += 1
        while open_[-1].end <= offset and open_[-1] is not tree.root:
            open_.pop()
        holder = open_[-1]
        if offset < holder.tag_end or holder.tag in _RAW_TEXT or not match.group(1).strip():
            continue  # in a start tag (an attribute, marked above or not at all), a script, or empty
        if language(holder) != fallback:
            inserts.append((match.start(), f'<span lang="{fallback}">'))
            inserts.append((match.end(), "</span>"))
    pieces: list[str] = []
    done = 0
    for offset, text in sorted(inserts, key=lambda item: item[0]):  # stable: in the order given at one offset
        pieces += [page[done:offset], text]
        done = offset
    pieces.append(page[done:])
    return _MARKS.sub("", "".join(pieces))


def _labelled(element: _Element) -> bool:
    """Whether the element's readable attributes are marked words (at least one, the others empty) and its own
    text is only space: its words in the page's language, if any, are in its children."""
    values = [value for name, value in element.attrs.items() if name in HUMAN_ATTRIBUTES and value.strip()]
    return bool(values) and all(_fallback_only(value) for value in values) and not "".join(element.text).strip()


# --- the MkDocs hook --------------------------------------------------------------------------------------------


def _settings(config: Any) -> tuple[str, str] | None:
    extra = config["extra"] or {}
    fallback = extra.get("theme_fallback")
    if not isinstance(fallback, dict) or not extra.get("lang"):
        return None
    return str(extra["lang"]), str(fallback.get("lang") or "en")


def on_post_page(output: str, page: Any, config: Any) -> str:
    settings = _settings(config)
    return mark_fallback(output, *settings) if settings else output


def on_post_template(output_content: str, template_name: str, config: Any) -> str:
    # 404.html is rendered as a template, not as a page; sitemap.xml has no words to mark, only marks to remove.
    settings = _settings(config)
    if settings is None or not _MARKS.search(output_content):
        return output_content
    if template_name.endswith(".html"):
        return mark_fallback(output_content, *settings)
    return _MARKS.sub("", output_content)
