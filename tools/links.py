"""Where each document's pages go, and the links between them: source paths become page paths, and links written
in the notes (to sibling source files, to a remote badge) become links the built site can follow."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from tools.site_config import SiteSettings

# Remote images a reader's browser would fetch from elsewhere, and the vendored copy served instead.
LOCAL_IMAGES = {"https://colab.research.google.com/assets/colab-badge.svg": "assets/colab-badge.svg"}
_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
# An inline Markdown link or image target: ](target) or ](target "title").
# A link or image in raw HTML: <img src="gae.svg">, <a href="gae.html">.
_HTML_LINK = re.compile(r"(<(?:a|img)\b[^>]*?\s(?:href|src)=\")([^\"]+)(\")")
_LINK = re.compile(r"(\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")


def _package() -> str:
    from tools.site_config import project

    return project().package


def page_path(source: PurePosixPath, package: str | None = None) -> PurePosixPath:
    """The annotated page of a source file, relative to the docs folder (`ppo/__init__.py` → `ppo/index.md`).

    `package` is the source package's name (default: the configured one), which names its `__init__.py`'s page.
    """
    if source.name == "__init__.py":
        # The top package's page is named after it: index.md at the top is the home page.
        return source.parent / "index.md" if source.parent.parts else PurePosixPath(f"{package or _package()}.md")
    if source.suffix == ".py":
        return source.with_suffix(".md")
    if source.name.lower() == "index.md":
        return source.parent / "index-page.md"  # never clash with a package's __init__ page
    return source


def api_page_path(source: PurePosixPath, package: str | None = None) -> PurePosixPath:
    """The API reference page of a Python module (`ppo/gae.py` → `api/ppo/gae.md`)."""
    return PurePosixPath("api") / page_path(source, package)


def module_name(source: PurePosixPath, package: str | None = None) -> str:
    """The importable name of a module of the source package (`ppo/gae.py` → `reference_impl.ppo.gae`); with
    several packages (`package` ""), paths start with the package's name already."""
    package = _package() if package is None else package
    parts = [*([package] if package else []), *source.with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def url_dir(page: PurePosixPath) -> PurePosixPath:
    """The folder a page is served from with directory URLs (`ppo/gae.md` → `ppo/gae`, `ppo/index.md` → `ppo`)."""
    return page.parent if page.name == "index.md" else page.parent / page.stem


def _relative(target: PurePosixPath, from_page: PurePosixPath) -> str:
    return posixpath.relpath(str(target), str(from_page.parent) or ".")


# Files beside the sources that their pages show or link (`![](style_gan.svg)`): published with the pages.
ASSET_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif")

LinkMapper = Callable[[PurePosixPath], list[PurePosixPath]]


def _source_link(path: PurePosixPath) -> list[PurePosixPath]:
    return [path]  # ours: [GAE](gae.py), [the package](__init__.py)


def _built_page_link(path: PurePosixPath) -> list[PurePosixPath]:
    # labml's: the URL of the built page, gae.html for gae.py (or gae.md), index.html for the folder's
    # __init__.py (or readme.md); a folder link (ppo/) reads as its index.html.
    if path.name in ("index.html", ""):
        folder = path.parent if path.name else path
        return [folder / "__init__.py", folder / "readme.md", folder / "index.md"]
    stem = path.with_suffix("")
    return [stem.with_suffix(".py"), stem.with_suffix(".md"), stem / "__init__.py", stem / "readme.md"]


# How a link to a page may be written, by the end of its path: each maps a target (resolved against the linking
# file's folder) to the source files it may mean, the first one that exists wins.
LINK_MAPPERS: dict[str, LinkMapper] = {".py": _source_link, ".md": _source_link, ".html": _built_page_link,
                                       "/": _built_page_link}


@dataclass(frozen=True)
class LinkOrigin:
    """Where a text was written, for the message about a broken link in it: the file (as the maintainer names
    it), the line the text starts on and the file's lines (to find the link's own line; a translation's lines
    are not the file's)."""

    file: str
    line: int
    lines: tuple[str, ...] = ()

    def line_of(self, target: str, offset: int) -> int:
        """The line of the file, from `line` on, that writes the link to `target`; else `line + offset`."""
        needle = f"]({target}"
        for number in range(max(self.line, 1), len(self.lines) + 1):
            if needle in self.lines[number - 1]:
                return number
        return self.line + offset


def rewrite_links(text: str, source: PurePosixPath, from_page: PurePosixPath, known: Iterable[PurePosixPath],
                  settings: SiteSettings, broken: list[str] | None = None, origin: LinkOrigin | None = None) -> str:
    """Point links to sibling source files (`[GAE](gae.py)`, labml's `gae.html`) and to files beside them
    (`style_gan.svg`) at their pages and published copies.

    `source` is the file the text comes from (links are relative to it), `from_page` the page it is shown on and
    `known` the source files and assets of the site. A link to a `.py`/`.md` file that is not a page of the site
    goes to the file on GitHub. A link that means a page or file the site does not have is left as written and,
    with `broken`, reported there as one line naming `origin` (file and line). A known remote image (the Colab
    badge) is replaced by the site's own copy, so that no page loads anything from elsewhere.
    """
    known_set = set(known)

    def local_image(match: re.Match[str]) -> str:
        local = LOCAL_IMAGES.get(match.group(2))
        if local is None:
            return match.group(0)
        return match.group(1) + _relative(PurePosixPath(local), from_page) + match.group(3)

    def report(match: re.Match[str], what: str) -> None:
        if broken is not None:
            where = origin or LinkOrigin(settings.repo_path(str(source)), 0)
            line = where.line_of(match.group(2), text.count("\n", 0, match.start()))
            broken.append(f"{where.file}:{line}: {what} {match.group(2)!r}")

    def mapped(match: re.Match[str], html: bool) -> str:
        # In Markdown a link is relative to the page's file (MkDocs rewrites it); in raw HTML to the page's URL.
        def to(target: PurePosixPath, page: bool) -> str:
            if not html:
                return _relative(page_path(target, settings.package) if page else target, from_page)
            if not page:
                return posixpath.relpath(str(target), str(url_dir(from_page)))
            return posixpath.relpath(str(url_dir(page_path(target, settings.package))), str(url_dir(from_page))) + "/"

        target = match.group(2)
        if "://" in target or target.startswith(("#", "/", "mailto:", "data:")):
            return match.group(0)
        path, _, fragment = target.partition("#")
        path = path.split("?", 1)[0]
        if not path:
            return match.group(0)
        resolved = PurePosixPath(posixpath.normpath(posixpath.join(str(source.parent), path)))
        outside = str(resolved).startswith("..")
        suffix = "/" if path.endswith("/") else PurePosixPath(path).suffix.lower()
        if suffix in ASSET_SUFFIXES:
            if resolved in known_set:
                return match.group(1) + to(resolved, page=False) + match.group(3)
            if not outside:
                report(match, "no such file beside the sources:")
            return match.group(0)
        if suffix == ".ipynb" and not outside:  # a notebook of the package: opened in Colab, from the repository
            return match.group(1) + settings.colab_url_of(settings.repo_path(str(resolved))) + match.group(3)
        mapper = LINK_MAPPERS.get(suffix)
        if mapper is None:
            return match.group(0)
        hit = next((candidate for candidate in mapper(resolved) if candidate in known_set), None)
        if hit is not None:
            new = to(hit, page=True)
        elif suffix in (".py", ".md") and not outside:
            new = settings.blob_url(settings.repo_path(str(resolved)))
        else:
            if not outside or suffix not in (".py", ".md"):
                report(match, "a link to a page the site does not have:")
            return match.group(0)
        if fragment:
            new += "#" + fragment
        return match.group(1) + new + match.group(3)

    text = _LINK.sub(lambda match: mapped(match, html=False), text)
    text = _HTML_LINK.sub(lambda match: mapped(match, html=True), text)
    # Last: the local copy of a remote image is not a file beside the sources.
    return _IMAGE.sub(local_image, text)
