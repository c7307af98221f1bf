"""The allow-list HTML sanitiser for everything a contributor can write: translations and the pages built from them.

Translations are untrusted input. They reach the site as Markdown, and Markdown can carry raw HTML, attribute
lists (`{ onclick=... }`) and `javascript:` links, so the guard works on HTML, after rendering, in two places:

- `unsafe_content(markdown)`: renders one translated string on its own and says what the sanitiser would remove
  from it. `tools.validate`, the policy `check` and page generation share, refuses a translation that needs
  anything removed (the English is shown, marked as untranslated, and the build says which entry and why).
- `sanitize_html(html)`: the MkDocs hook (`tools/theme/hooks.py`) passes the final HTML of every page through the same
  allow-list before it is written, whatever route the text took (annotated pages, translated docstrings in the API
  reference). What is not on the list (`<script>`, `<iframe>`, `<style>`, `on*` handlers, `style` attributes,
  `javascript:`/`data:` URLs, forms) cannot be published.

The allow-list is the vocabulary of our own pages: Python-Markdown with the site's extensions, Pygments, arithmatex,
mkdocstrings and the page generator's layout.
"""

from __future__ import annotations

import functools
from html.parser import HTMLParser

import markdown
import nh3

# Elements that Markdown, Pygments, mkdocstrings and our page layout produce.
ALLOWED_TAGS: frozenset[str] = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "wbr",
    # mkdocs-autorefs' cross-reference placeholder, resolved into a link at the end of the build.
    "autoref",
})

# Attributes by element ("*": every element). `data-*` attributes are allowed too (generic prefix below).
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "lang", "dir", "title", "aria-hidden", "aria-label", "role", "tabindex"},
    "a": {"href", "name"},
    "abbr": {"title"},
    "autoref": {"identifier", "optional", "hover", "domain", "role", "origin", "filepath", "lineno", "slug",
                "backlink-type", "backlink-anchor"},
    "col": {"span"},
    "details": {"open"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "checked", "disabled"},
    "label": {"for"},
    "ol": {"start", "type", "reversed"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
}
GENERIC_ATTRIBUTE_PREFIXES = {"data-"}
# Absolute URLs must use one of these; relative URLs (pages, anchors, assets) are always fine.
URL_SCHEMES = {"http", "https", "mailto"}
# Elements removed together with their content rather than unwrapped.
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
                        "textarea", "select", "button", "form"}

# The Markdown extensions of the site (mkdocs.yml) that matter for what a translated string can turn into.
_MARKDOWN_EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables",
                        "pymdownx.arithmatex", "pymdownx.details", "pymdownx.superfences", "pymdownx.tasklist",
                        "pymdownx.inlinehilite"]
_MARKDOWN_CONFIG = {"pymdownx.arithmatex": {"generic": True}}


def sanitize_html(html: str) -> str:
    """The HTML with everything off the allow-list removed (tags unwrapped or dropped, attributes and URLs dropped)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        generic_attribute_prefixes=GENERIC_ATTRIBUTE_PREFIXES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


@functools.lru_cache(maxsize=1)
def _renderer() -> markdown.Markdown:
    # Setting up the extensions costs more than converting a note: one instance serves every call (reset between).
    return markdown.Markdown(extensions=_MARKDOWN_EXTENSIONS, extension_configs=_MARKDOWN_CONFIG)


@functools.lru_cache(maxsize=8192)
def render_markdown(text: str) -> str:
    """Render one string of Markdown as the site would (the extensions that can produce markup).

    Not thread-safe (one shared renderer): page generation and the griffe extension call it from one thread.
    Cached: the validation asks for the same text's rendering several times (its tags, what the sanitiser keeps).
    """
    renderer = _renderer()
    try:
        return renderer.convert(text)
    finally:
        renderer.reset()


class _Tags(HTMLParser):
    """The start tags of an HTML fragment with their attributes, in order, and its comments (text ignored)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.comments = 0

    def handle_comment(self, data: str) -> None:
        self.comments += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: (value or "").strip() for name, value in attrs}))

    handle_startendtag = handle_starttag


def _parsed(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def start_tags(html: str) -> list[tuple[str, dict[str, str]]]:
    """(tag, {attribute: value}) of every start tag of an HTML fragment, in order."""
    return _parsed(html).tags


def comment_count(html: str) -> int:
    """How many comments an HTML fragment holds (`sanitize_html` removes them)."""
    return _parsed(html).comments


def unsafe_content(text: str) -> list[str]:
    """What the sanitiser would remove from this Markdown once rendered, in words; empty when it is safe.

    Compares the tags and attributes of the rendered HTML with those left after `sanitize_html`, so the answer
    does not depend on how either serialises entities or quotes.
    """
    return list(_unsafe_content(text))


@functools.lru_cache(maxsize=4096)
def _unsafe_content(text: str) -> tuple[str, ...]:
    # A page build asks about the same title and blocks several times (page, home, navigation, API reference).
    rendered = render_markdown(text)
    before = start_tags(rendered)
    after = start_tags(sanitize_html(rendered))
    problems: list[str] = []
    remaining = list(after)
    for tag, attrs in before:
        match = next((i for i, (kept, _) in enumerate(remaining) if kept == tag), None)
        if match is None:
            problems.append(f"<{tag}> element")
            continue
        kept_attrs = remaining.pop(match)[1]
        for name, value in attrs.items():
            if name not in kept_attrs:
                if name in ("href", "src") and value:
                    problems.append(f"{name}={value!r} URL on <{tag}>")
                else:
                    problems.append(f"{name} attribute on <{tag}>")
    # Text inside removed elements (<script>alert(1)</script>) disappears with them; the element is reported.
    return tuple(dict.fromkeys(problems))
