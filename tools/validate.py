"""The one policy for contributed text: what a translation may carry, used by `check`, `translate` and the build.

Translations come from strangers (pull requests, PO files, machine-translation servers), so each one is judged
against its English, which is ours. Two levels, one module, so `check` and the build can never disagree:

- `refusals(english, translation)`: what makes a translation unusable. The build shows the English instead (and
  says why), `check` reports it, `translate` does not store it. First the size: an entry longer than
  `MAX_ENTRY_CHARS` characters is refused before anything else reads it (a catalog file over `MAX_CATALOG_BYTES`
  is refused whole, by `tools.catalog`). Then the rules of the table `REFUSALS`:
  - `markup`: anything the page sanitiser (`tools.sanitize`) would have to remove from the rendered translation and
    not from the English: `<script>`, `<style>`, `<iframe>`, forms, `on*=` handlers, `style=`, `javascript:` or
    `data:` URLs;
  - `attributes`: ids, classes, `data-*` and every other attribute an attribute list (`{: #id .class key=value }`)
    or raw HTML can set, unless the English has the same one: the theme's scripts find their configuration and
    their widgets by id and class (`#__config`), so a translation that sets one could take over the page;
  - `heading ids`: a heading whose table-of-contents id would begin with `__`, the theme's ids (`## __config`);
  - `comments`: an HTML comment the English does not have (the page sanitiser drops comments, and with them
    whatever they hide);
  - `schemes`: a `javascript:`, `vbscript:` or `data:` URL in a link or tag as written (however a renderer would
    read it);
  - `external`: an image (or other resource a reader's browser fetches) from another host that the English does
    not load: nothing on the site is fetched from elsewhere;
  - `bidi`: bidirectional control characters (U+202A-U+202E, U+2066-U+2069) the English does not have, which make
    text read differently from how it is stored;
  - `plain` (titles and summaries only, `plain=True`): `<` or `>`, since a title also reaches the navigation, the
    page title and the search index as it is.
- `translation_faults(english, translation)`: the refusals plus what a faithful translation keeps: the same maths,
  code, link and image URLs and placeholders (as a multiset, found by `tools.protect.scan`), the heading level,
  the English's HTML tags balanced and correctly nested, and link texts that are names kept whole. `check` reports
  all of them; the build only needs a translation to be safe.
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from tools.protect import LABML_PLACEHOLDER_RE, PLACEHOLDER_RE, scan
from tools.sanitize import _Tags

# Limits (documented in translations/README.md). The longest message of this repository is under 1,000 characters
# and its largest catalog under 30 kB; these leave room for any real note and refuse what would stall a check.
MAX_ENTRY_CHARS = 20_000
MAX_CATALOG_BYTES = 2 * 1024 * 1024

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Attributes whose value is prose a translator translates; every other attribute must come from the English.
TEXT_ATTRIBUTES = frozenset({"alt", "title", "aria-label"})
# What the site's Markdown makes of ordinary text, and no script gives power to: arithmatex marks maths (where it
# finds maths depends on the words around the dollars, so a faithful translation may have more or fewer).
RENDERER_ATTRIBUTES = frozenset({("class", "arithmatex")})
# Attributes that make a reader's browser fetch their URL as the page loads.
FETCHED_ATTRIBUTES = frozenset({"src"})

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                       "track", "wbr"})
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster")
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


def short(text: str, limit: int = 60) -> str:
    """A key as it appears in messages: quoted, on one line, cut at `limit` characters."""
    flat = text.replace("\n", "\\n")
    return json.dumps(flat[:limit] + ("…" if len(flat) > limit else ""), ensure_ascii=False).replace("\\\\n", "\\n")


# --- what the rendered text contains ----------------------------------------------------------------------------

# Inert text: Markdown that no renderer of the site turns into anything a refusal reads. The rules below read five
# things from a rendering (what the sanitiser removes, comments, attributes, `__` heading ids, fetched URLs) and
# each is empty for inert text, so such a text is not rendered at all (`_rendering`; `_full_rendering` renders).
# Why each is empty, from the site's extensions (tools.sanitize._MARKDOWN_EXTENSIONS):
# - no `<` (raw HTML, comments, autolinks, md_in_html) and no `&` (entities): every tag comes from Markdown;
# - then a tag has attributes only from `[` (links, images, footnotes, abbreviations, task lists), `{` (attribute
#   lists), `|` (tables), a backtick (inline `#!lang` highlighting, ``` fences), `~~~` (fences), `!!!` and `???`
#   (admonitions, details), all excluded, and a digit, `.` and a space (`3. x`: `<ol start="3">` were the renderer
#   made with `lazy_ol=False`), excluded as a guard; arithmatex's `class="arithmatex"` (from `$` or `\(`) is
#   allowed by the sanitiser and not counted (`RENDERER_ATTRIBUTES`);
# - headings (`#`, setext underlines) get no id from the renderer, and a table-of-contents slug can begin with `__`
#   only if the heading holds `_`, or a character that NFKD turns into `_` (`＿`, which `slugify` folds);
# - control characters are excluded (the renderer deletes STX and ETX, which could join `!!` and `!`; `\r` ends
#   a line).
# `test_validate.py` checks `_rendering(text) == _full_rendering(text)` on generated texts full of these characters.
_NOT_INERT = re.compile(r"[<&\[\]{}|`\x00-\x08\x0b-\x1f\x7f]|!!!|\?\?\?|~~~|\d\.[ \t]")


def _inert(text: str) -> bool:
    """Whether the text is inert Markdown (above): its rendering gives the refusals nothing to read."""
    if _NOT_INERT.search(text):
        return False
    return "_" not in (text if text.isascii() else unicodedata.normalize("NFKD", text))


class _Page(_Tags):
    """A rendered text read once: its start tags and comments (as `tools.sanitize` reads them) and headings."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        self._open(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_startendtag(tag, attrs)  # recorded as a start tag, as `tools.sanitize.start_tags` does
        self._open(tag)  # and, for the headings, opened and closed (`<h2/>`), as `HTMLParser` does by default
        self.handle_endtag(tag)

    def _open(self, tag: str) -> None:
        if tag in HEADING_TAGS:
            self.headings.append("")
            self._heading = True

    def handle_endtag(self, tag: str) -> None:
        if tag in HEADING_TAGS:
            self._heading = False

    def handle_data(self, data: str) -> None:
        if self._heading:
            self.headings[-1] += data


@dataclass(frozen=True)
class _Rendering:
    """What the refusals read from a text as the site renders it (read-only: shared by the cache)."""

    unsafe: tuple[str, ...] = ()  # what the page sanitiser would remove (`tools.sanitize.unsafe_content`)
    comments: int = 0
    # (name, value) of every attribute set, except prose, links, fetched URLs and the renderer's own (judged apart)
    attributes: Counter[tuple[str, str]] = field(default_factory=Counter)
    reserved_ids: Counter[str] = field(default_factory=Counter)  # table-of-contents ids beginning with `__`
    fetched: Counter[str] = field(default_factory=Counter)  # external URLs a reader's browser would fetch


_NOTHING = _Rendering()


def _is_external(url: str) -> bool:
    compact = "".join(char for char in url if char > " ").lower()
    return compact.startswith("//") or ":" in compact.split("/", 1)[0]


def _slugs(heading: str) -> set[str]:
    """The ids the site's table of contents may give a heading (either slugify it may use)."""
    from markdown.extensions.toc import slugify
    from pymdownx.slugs import slugify as configurable

    return {slugify(heading, "-"), configurable(case="lower")(heading, "-")}


@functools.lru_cache(maxsize=16384)
def _full_rendering(text: str) -> _Rendering:
    """The text rendered as the site renders it, and read once for every rule."""
    from tools.sanitize import render_markdown, unsafe_content

    page = _Page()
    page.feed(render_markdown(text))
    page.close()
    attributes = [(name, value) for _, attrs in page.tags for name, value in attrs.items()]
    return _Rendering(
        unsafe=tuple(unsafe_content(text)),
        comments=page.comments,
        attributes=Counter((name, value) for name, value in attributes
                           if name not in TEXT_ATTRIBUTES and name not in FETCHED_ATTRIBUTES and name != "href"
                           and (name, value) not in RENDERER_ATTRIBUTES),
        reserved_ids=Counter(slug for heading in page.headings for slug in _slugs(heading) if slug.startswith("__")),
        fetched=Counter(value for name, value in attributes if name in FETCHED_ATTRIBUTES and _is_external(value)),
    )


def _rendering(text: str) -> _Rendering:
    """`_full_rendering`, without rendering inert text (whose rendering holds nothing the rules read)."""
    return _NOTHING if _inert(text) else _full_rendering(text)


# --- the refusals --------------------------------------------------------------------------------------------------


def _size(english: str, translated: str) -> list[str]:
    return [f"{what} longer than {MAX_ENTRY_CHARS:,} characters ({len(text):,}): refused unread"
            for what, text in (("English", english), ("translation", translated)) if len(text) > MAX_ENTRY_CHARS]


# Each rule reads the English only when the translation has something to compare: most have nothing (and then
# the English, often not inert, is not rendered).


def _markup(english: str, translated: str) -> list[str]:
    found = _rendering(translated).unsafe
    extra = Counter(found) - Counter(_rendering(english).unsafe) if found else ()
    return [f"{problem} is not allowed" for problem in extra]


def _comments(english: str, translated: str) -> list[str]:
    found = _rendering(translated).comments
    extra = found - _rendering(english).comments if found else 0
    return ["an HTML comment that the English does not have is not allowed (pages drop comments)"] if extra > 0 else []


def _attribute_list(english: str, translated: str) -> list[str]:
    found = _rendering(translated).attributes
    extra = found - _rendering(english).attributes if found else ()
    return [f"attribute {name}={short(value, 40)} that the English does not have is not allowed (attribute lists "
            "may only keep the English's ids, classes and attributes)" for name, value in extra]


def _reserved_ids(english: str, translated: str) -> list[str]:
    found = _rendering(translated).reserved_ids
    extra = found - _rendering(english).reserved_ids if found else ()
    return [f"a heading whose id would be {short(slug, 40)} is not allowed (ids beginning with __ are the theme's)"
            for slug in extra]


def _external(english: str, translated: str) -> list[str]:
    found = _rendering(translated).fetched
    extra = found - _rendering(english).fetched if found else ()
    return [f"external image {short(url, 60)} is not allowed (readers' browsers would fetch it from another host)"
            for url in extra]


def _bidi_controls(text: str) -> Counter[str]:
    # As a reader's browser sees them: `&#x202e;` is the character too.
    seen = html.unescape(text)
    return Counter() if BIDI_CONTROLS.isdisjoint(seen) else Counter(char for char in seen if char in BIDI_CONTROLS)


def _bidi(english: str, translated: str) -> list[str]:
    found = _bidi_controls(translated)
    extra = found - _bidi_controls(english) if found else ()
    return [f"bidirectional control character U+{ord(char):04X} is not allowed" for char in extra]


def unsafe_url(url: str) -> str | None:
    """The dangerous scheme of a URL (`javascript` ...), ignoring case, whitespace and control characters."""
    compact = "".join(char for char in url if char > " ").lower()
    return next((scheme.rstrip(":") for scheme in UNSAFE_SCHEMES if compact.startswith(scheme)), None)


def _unsafe_schemes(text: str) -> Counter[str]:
    if _inert(text):  # no `<` (tags) and no `[` (links): no URL to read
        return Counter()
    parts = _parts(text)
    return Counter(filter(None, map(unsafe_url, [url for url, _ in parts.links] + parts.structure.urls)))


def _schemes(english: str, translated: str) -> list[str]:
    # The rendered HTML is judged by `markup`; this reads the URLs as written, whatever a renderer makes of them.
    found = _unsafe_schemes(translated)
    extra = found - _unsafe_schemes(english) if found else ()
    return [f"{scheme} URL is not allowed" for scheme in extra]


def _plain(english: str, translated: str) -> list[str]:
    if translated != english and ("<" in translated or ">" in translated):
        return ["markup (< or >) in a title or summary is not allowed"]
    return []


Rule = Callable[[str, str], list[str]]
# Every rule of the policy, by name; `plain` applies to titles and summaries only.
REFUSALS: dict[str, Rule] = {
    "bidi": _bidi, "markup": _markup, "comments": _comments, "schemes": _schemes, "attributes": _attribute_list,
    "heading ids": _reserved_ids, "external": _external,
}
PLAIN_REFUSALS: dict[str, Rule] = {"plain": _plain}


def refusals(english: str, translated: str, *, plain: bool = False) -> list[str]:
    """Why this translation of `english` must not be published, in words; empty when it may be.

    `plain`: the text is a title or summary (plain text, no markup). An oversized entry is refused on its size
    alone, before any other rule reads it.
    """
    found = _size(english, translated)
    if found:
        return found
    rules = {**REFUSALS, **PLAIN_REFUSALS} if plain else REFUSALS
    return [fault for rule in rules.values() for fault in rule(english, translated)]


# --- fidelity: HTML structure ------------------------------------------------------------------------------------


class _Structure(HTMLParser):
    """Tags, nesting faults and links of a piece of HTML (or of Markdown's inline HTML)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.faults: list[str] = []
        self.urls: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._stack: list[str] = []
        self._link_text: list[list[str]] = []
        self._hrefs: list[str] = []

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                self.urls.append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self._attributes(attrs)
        if tag in VOID_TAGS:
            return
        if tag == "a":
            if "a" in self._stack:
                self.faults.append("link inside a link (<a> inside <a>)")
            self._link_text.append([])
            self._hrefs.append(dict(attrs).get("href") or "")
        self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self._attributes(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        if self._stack and self._stack[-1] == tag:
            self._close(self._stack.pop())
        elif tag in self._stack:
            inner = self._stack[-1]
            self.faults.append(f"</{tag}> closes <{tag}> while <{inner}> is still open (wrongly nested tags)")
            while self._stack and self._stack[-1] != tag:
                self._close(self._stack.pop())
            self._close(self._stack.pop())
        else:
            self.faults.append(f"</{tag}> has no opening tag")

    def _close(self, tag: str) -> None:
        if tag == "a" and self._link_text:
            self.links.append((self._hrefs.pop(), "".join(self._link_text.pop())))

    def handle_data(self, data: str) -> None:
        for text in self._link_text:
            text.append(data)

    def finish(self) -> None:
        self.close()
        for tag in self._stack:
            self.faults.append(f"<{tag}> is never closed")
        self._stack.clear()


@dataclass
class _Parts:
    """What a message must preserve, and what it contains."""

    maths: Counter[str]
    code: Counter[str]
    urls: Counter[str]
    placeholders: Counter[str]
    structure: _Structure
    links: list[tuple[str, str]]  # (url, link text), Markdown and HTML
    nested_links: int


def _prose(text: str) -> str:
    """Text between protected spans, for the HTML parser: only what `scan` calls a tag may be a tag."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=16384)
def _parts(text: str) -> _Parts:
    """What `text` holds (read-only: cached, since `schemes` and the fidelity rules read both texts' parts)."""
    spans = scan(text)
    maths, code, urls, placeholders = Counter(), Counter(), Counter(), Counter()
    html: list[str] = []
    position = 0
    opens: list[int] = []
    links: list[tuple[str, str]] = []
    nested = 0
    for span in spans:
        html.append(_prose(text[position : span.start]))
        position = span.end
        if span.kind == "math":
            maths[span.text] += 1
        elif span.kind == "code":
            code[span.text] += 1
        elif span.kind in ("url", "image", "link_close"):
            urls[span.url] += 1
        elif span.kind == "placeholder":
            placeholders[span.text] += 1
        if span.kind == "tag":
            html.append(span.text)
        elif span.kind == "link_open":
            if opens:
                nested += 1
            opens.append(span.end)
        elif span.kind == "link_close" and opens:
            links.append((span.url, text[opens.pop() : span.start]))
        if span.kind in ("math", "code", "image"):
            html.append(" ")
    html.append(_prose(text[position:]))
    structure = _Structure()
    structure.feed("".join(html))
    structure.finish()
    for url in structure.urls:
        urls[url] += 1
    for match in LABML_PLACEHOLDER_RE.finditer(text):
        if match.group() not in placeholders:
            placeholders[match.group()] += 1
    links.extend(structure.links)
    return _Parts(maths, code, urls, placeholders, structure, links, nested)


def _difference(label: str, english: Counter[str], translated: Counter[str]) -> str | None:
    missing = list((english - translated).elements())
    extra = list((translated - english).elements())
    if not missing and not extra:
        return None
    pieces = []
    if missing:
        pieces.append("missing " + ", ".join(short(item, 40) for item in missing))
    if extra:
        pieces.append("changed or added " + ", ".join(short(item, 40) for item in extra))
    return f"{label} not preserved: " + "; ".join(pieces)


def _heading_level(text: str) -> int:
    stripped = text.lstrip()
    level = len(stripped) - len(stripped.lstrip("#"))
    return level if level and stripped[level : level + 1] == " " else 0


def _is_name(text: str) -> bool:
    """A link text that is a name or identifier (`PyTorch`, `GAE`): no space, Latin letters and digits."""
    return bool(text) and text.isascii() and not any(char.isspace() for char in text) and any(
        char.isalpha() for char in text)


def fidelity_faults(english: str, translated: str) -> list[str]:
    """What a faithful translation of `english` keeps and this one does not (empty when nothing is lost)."""
    faults: list[str] = []
    source, target = _parts(english), _parts(translated)
    for label, a, b in (("maths", source.maths, target.maths), ("code", source.code, target.code),
                        ("link URLs", source.urls, target.urls),
                        ("placeholders", source.placeholders, target.placeholders)):
        difference = _difference(label, a, b)
        if difference:
            faults.append(difference)
    ours = Counter(int(m.group(1)) for m in PLACEHOLDER_RE.finditer(translated))
    if ours and ours != Counter(int(m.group(1)) for m in PLACEHOLDER_RE.finditer(english)):
        faults.append("machine-translation placeholders [[N]] left in the text")
    faults.extend((Counter(target.structure.faults) - Counter(source.structure.faults)).elements())  # new ones only
    if target.nested_links > source.nested_links:
        faults.append("link inside a link")
    tags = _difference("HTML tags", source.structure.tags, target.structure.tags)
    if tags:
        faults.append(tags)
    for url, url_text in target.links:
        originals = [text for link_url, text in source.links if link_url == url]
        if (originals and url_text not in originals and _is_name(url_text.strip())
                and any(_is_name(o.strip()) and url_text.strip() in o for o in originals)):
            original = next(o for o in originals if url_text.strip() in o)
            faults.append(f"link text {short(url_text, 30)} is a piece of {short(original, 30)}: the link was split "
                          "(part of its text moved outside the tag)")
    if _heading_level(english) != _heading_level(translated):
        faults.append(f"heading level changed ({'#' * _heading_level(english) or 'none'} → "
                      f"{'#' * _heading_level(translated) or 'none'})")
    return faults


def translation_faults(english: str, translated: str, *, plain: bool = False) -> list[str]:
    """Everything wrong with one translation of one English message: its refusals, then what it lost."""
    found = refusals(english, translated, plain=plain)
    if _size(english, translated):
        return found
    return found + fidelity_faults(english, translated)
