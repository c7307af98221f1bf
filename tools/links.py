"""Where each document's pages go, and the links between them: source paths become page paths, and links written
in the notes (to sibling source files, to a remote badge) become links the built site can follow."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from tools.site_config import SiteSettings

# Remote images a reader's browser would fetch from elsewhere, and the vendored copy served instead.
LOCAL_IMAGES = {"https://colab.research.google.com/assets/colab-badge.svg": "assets/colab-badge.svg"}
_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
# An inline Markdown link or image target: ](target) or ](target "title").
_LINK = re.compile(r"(\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")


def _package() -> str:
    from tools.site_config import project

    return project().source_root.name


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
    """The importable name of a module of the source package (`ppo/gae.py` → `reference_impl.ppo.gae`)."""
    parts = [package or _package(), *source.with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def url_dir(page: PurePosixPath) -> PurePosixPath:
    """The folder a page is served from with directory URLs (`ppo/gae.md` → `ppo/gae`, `ppo/index.md` → `ppo`)."""
    return page.parent if page.name == "index.md" else page.parent / page.stem


def _relative(target: PurePosixPath, from_page: PurePosixPath) -> str:
    return posixpath.relpath(str(target), str(from_page.parent) or ".")


def rewrite_links(text: str, source: PurePosixPath, from_page: PurePosixPath, known: Iterable[PurePosixPath],
                  settings: SiteSettings) -> str:
    """Point links to sibling source files (`[GAE](gae.py)`) at their pages.

    `source` is the file the text comes from (links are relative to it) and `from_page` the page it is shown on.
    A link to a `.py`/`.md` file that is not a page of the site goes to the file on GitHub. A known remote
    image (the Colab badge) is replaced by the site's own copy, so that no page loads anything from elsewhere.
    """
    known_set = set(known)

    def local_image(match: re.Match[str]) -> str:
        local = LOCAL_IMAGES.get(match.group(2))
        if local is None:
            return match.group(0)
        return match.group(1) + _relative(PurePosixPath(local), from_page) + match.group(3)

    text = _IMAGE.sub(local_image, text)

    def replace(match: re.Match[str]) -> str:
        target = match.group(2)
        if "://" in target or target.startswith(("#", "/", "mailto:")):
            return match.group(0)
        path, _, fragment = target.partition("#")
        if not path.endswith((".py", ".md")):
            return match.group(0)
        resolved = PurePosixPath(posixpath.normpath(posixpath.join(str(source.parent), path)))
        if resolved in known_set:
            new = _relative(page_path(resolved, settings.package), from_page)
        elif not str(resolved).startswith(".."):
            new = settings.blob_url(f"{settings.source_folder}/{resolved}")
        else:
            return match.group(0)
        if fragment:
            new += "#" + fragment
        return match.group(1) + new + match.group(3)

    return _LINK.sub(replace, text)

