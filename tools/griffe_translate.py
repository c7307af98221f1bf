"""A griffe extension that shows the API reference in the page's language.

mkdocstrings renders the API reference from docstrings that griffe reads from the source. This extension runs once
the package is loaded and replaces every docstring of `reference_impl/` by its translation from the catalogs,
block by block, exactly as the annotated pages do (same split, same catalog entries, same English fallback marked
`lang="en"`, same refusal of unsafe translations). It also makes module docstrings fit the reference: their YAML
front matter and `# Title` line go (the page has its own title) and links to sibling files point at their pages.

Configured per language build (`tools/build.py` sets `lang`):

    plugins:
      - mkdocstrings:
          handlers:
            python:
              options:
                extensions:
                  - tools.griffe_translate:TranslateDocstrings: {lang: ja}
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path, PurePosixPath
from typing import Any

import griffe

from tools.document import split_blocks
from tools.paths import SOURCE_ROOT, TRANSLATIONS
from tools.site_config import DEFAULT_SOURCE

# Not under "mkdocs": a refused translation is reported but does not fail a strict build (the English is shown).
log = logging.getLogger("annotated_ppo.translate")


def strip_module_header(docstring: str) -> str:
    """A module docstring without its front matter and its leading `# Title` block."""
    from tools.extract import split_front_matter

    _, body, _ = split_front_matter(inspect.cleandoc(docstring), "module docstring")
    blocks = split_blocks(body.strip("\n"))
    if blocks and blocks[0].text.startswith("# ") and "\n" not in blocks[0].text:
        blocks = blocks[1:]
    return "\n\n".join(block.text for block in blocks)


class TranslateDocstrings(griffe.Extension):
    """Replace each docstring of the source package by its translation into `lang`."""

    def __init__(self, lang: str = DEFAULT_SOURCE, translations: str | None = None, source_root: str | None = None,
                 labels: str | None = None) -> None:
        super().__init__()
        self.lang = lang
        self.translations = Path(translations) if translations else TRANSLATIONS
        self.source_root = Path(source_root).resolve() if source_root else SOURCE_ROOT.resolve()
        self.labels_file = Path(labels) if labels else None
        self._translators: dict[PurePosixPath, Any] = {}
        self._known: list[PurePosixPath] | None = None
        self._settings: Any = None
        self._labels: dict[str, str] | None = None
        self._literals: dict[str, dict[int, str]] = {}

    # --- griffe hook ---

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Translate every docstring of the package once it is fully loaded."""
        self._visit(pkg, set())

    def _visit(self, obj: griffe.Object, seen: set[str]) -> None:
        if obj.is_alias or obj.path in seen:
            return
        seen.add(obj.path)
        if obj.docstring is not None:
            source = self._source_of(obj)
            if source is not None:
                # As written in the file, like the annotated page (a non-raw docstring's \b is TeX, not a backspace).
                written = self._written(obj.filepath).get(obj.docstring.lineno or 0, obj.docstring.value)
                obj.docstring.value = self.translate(written, source, is_module=obj.is_module)
        for member in list(obj.members.values()):
            self._visit(member, seen)

    def _written(self, filepath: Any) -> dict[int, str]:
        from tools.extract import literal_docstrings

        key = str(filepath)
        if key not in self._literals:
            self._literals[key] = literal_docstrings(Path(key)) if isinstance(filepath, Path) else {}
        return self._literals[key]

    def _source_of(self, obj: griffe.Object) -> PurePosixPath | None:
        filepath = obj.filepath
        if isinstance(filepath, list):  # namespace packages: no single file
            return None
        try:
            return PurePosixPath(Path(filepath).resolve().relative_to(self.source_root).as_posix())
        except ValueError:
            return None

    # --- translation ---

    def translate(self, docstring: str, source: PurePosixPath, is_module: bool = False) -> str:
        """One docstring of `source` in this extension's language, links pointed at the site's pages."""
        from tools.links import api_page_path, rewrite_links

        text = strip_module_header(docstring) if is_module else docstring
        translator = self._translator(source)
        translated = translator.note(text)
        for warning in translator.warnings:
            log.info("%s", warning)  # page generation has reported it already
        translator.warnings.clear()
        return rewrite_links(translated, source, api_page_path(source), self._known_sources(), self._site())

    def _site(self) -> Any:
        from tools.site_config import load_settings

        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    def _known_sources(self) -> list[PurePosixPath]:
        from tools.extract import source_assets, source_files

        if self._known is None:  # the pages and the files beside them (images, figures) that links may point at
            self._known = [PurePosixPath(p.relative_to(self.source_root).as_posix())
                           for p in [*source_files(self.source_root), *source_assets(self.source_root)]]
            curves = self._site().curves
            if curves is not None:
                from tools.charts import figure_sources

                self._known += list(figure_sources(self.source_root, curves))
        return self._known

    def _translator(self, source: PurePosixPath) -> Any:
        from tools.catalog import load_translations
        from tools.localize import Localizer
        from tools.site_config import project, site_labels

        if self._labels is None:
            all_labels = site_labels(self.labels_file or project().labels_file)
            self._labels = all_labels.get(self.lang, all_labels[DEFAULT_SOURCE])
        if source not in self._translators:
            table = {} if self.lang == DEFAULT_SOURCE else load_translations(self.lang, source, self.translations)
            origin = f"translations/{self.lang}/{source}.json"
            self._translators[source] = Localizer(self.lang, table, origin, self._labels, docstring_sections=True)
        return self._translators[source]
