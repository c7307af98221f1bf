"""The block localizer: the notes of one source file in one language, block by block, with English as the
fallback.

Notes are split with `tools.document.split_blocks` (the same split that made the catalogs). A block with no usable
translation stays English inside `<div class="ap-untranslated" lang="en">`, which the stylesheet marks; a
translation that the policy of `tools.validate` refuses (the one `check` applies) is shown the same way, and the
build says which entry was refused and why. (Not to be confused with the machine-translation clients of
`tools.translate`, which fill the catalogs.)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tools.build_cache import Memo, code_version, memo
from tools.document import split_blocks
from tools.site_config import DEFAULT_SOURCE
from tools.validate import refusals

# The title line of a docstring section that griffe's Google-style parser reads ("Args:", "Returns:", ...).
_SECTION_TITLE = re.compile(
    r"^(Args|Arguments|Params|Parameters|Keyword Args|Keyword Arguments|Other Parameters|Returns|Return|Yields|"
    r"Yield|Receives|Raises|Raise|Exceptions|Warns|Warnings|Attributes|Functions|Methods|Classes|Modules|"
    r"Examples?|Notes?|Deprecated|Type Aliases)\s*(\([^)]*\))?:\s*$")


def _refusals(english: str, translated: str, plain: bool) -> list[str]:
    return refusals(english, translated, plain=plain)


@functools.cache
def _version() -> str:
    return code_version("markdown", "pymdown-extensions", "nh3")


def _verdicts() -> Memo:
    """The verdicts of the policy on each translation, kept between builds: most translations do not change."""
    return memo("verdicts", _version())


@dataclass
class Localizer:
    """Translates the notes of one source file into one language, block by block, with English as the fallback."""

    lang: str
    translations: Mapping[str, Any]  # English message → tools.catalog.Translation (text, machine)
    origin: str  # the catalog, for messages
    labels: Mapping[str, str]
    # For docstrings: a block that opens a section griffe parses ("Args:", "Returns:") is never wrapped, or the
    # parser would not find it (its English is shown as is).
    docstring_sections: bool = False
    warnings: list[str] = field(default_factory=list)
    missing: int = 0

    def _usable(self, english: str, plain: bool = False) -> tuple[str, bool] | None:
        entry = self.translations.get(english)
        if entry is None or not getattr(entry, "text", "").strip():
            return None
        problems = _verdicts().get(_refusals, english, entry.text, plain)  # what `check` reports too
        if problems:
            short = english if len(english) <= 60 else english[:57] + "..."
            self.warnings.append(f"{self.origin}: refused the translation of {short!r}: {'; '.join(problems)}; "
                                 "showing English")
            return None
        return entry.text, bool(getattr(entry, "machine", False))

    def text(self, english: str) -> str:
        """A plain-text string (title, summary): the translation if usable and free of markup, else English."""
        if not english:
            return english
        return self.lookup(english, plain=True)[0]

    def lookup(self, english: str, plain: bool = False) -> tuple[str, str]:
        """One translatable block (`plain`: a title or summary): (Markdown, kind), kind `translated`, `machine`
        or `english` (the fallback)."""
        if self.lang == DEFAULT_SOURCE:  # the sources' own language: nothing to look up
            return english, "translated"
        found = self._usable(english, plain)
        if found is None:
            self.missing += 1
            return english, "english"
        text, machine = found
        return text, "machine" if machine else "translated"

    def block(self, english: str) -> str:
        """One translatable block as Markdown: translated, or English marked as untranslated."""
        text, kind = self.lookup(english)
        return self._wrap([text], kind)

    def _bare(self, text: str) -> bool:
        if self.docstring_sections and _SECTION_TITLE.match(text.split("\n", 1)[0]):
            return True
        # An indented block continues a list item: a wrapper would turn it into a code block, so it stays bare.
        return text[:1].isspace()

    def _wrap(self, texts: list[str], kind: str) -> str:
        body = "\n\n".join(texts)
        if kind not in ("english", "machine") or not texts:
            return body
        if self._bare(texts[0]):
            return texts[0] + ("\n\n" + self._wrap(texts[1:], kind) if texts[1:] else "")
        bare = next((i for i, text in enumerate(texts) if self.docstring_sections and i and self._bare(text)
                     and not text[:1].isspace()), None)
        if bare is not None:
            return self._wrap(texts[:bare], kind) + "\n\n" + self._wrap(texts[bare:], kind)
        css_class, label = (("ap-untranslated", self.labels["untranslated"]) if kind == "english"
                            else ("ap-machine", self.labels["machine"]))
        lang_attr = f' lang="{DEFAULT_SOURCE}"' if kind == "english" else ""
        label_attr = label.replace("&", "&amp;").replace('"', "&quot;")
        return f'<div class="{css_class}"{lang_attr} data-label="{label_attr}" markdown>\n\n{body}\n\n</div>'

    def note(self, note: str) -> str:
        """A whole note, block by block; consecutive fallback (or machine) blocks share one marked wrapper.

        Display maths and code blocks have nothing to translate; between two blocks of the same kind they join
        that kind's wrapper, so an English paragraph, its formula and the next English paragraph read as one.
        """
        items: list[tuple[str, str]] = []
        for block in split_blocks(note):
            items.append(self.lookup(block.text) if block.translatable else (block.text, "neutral"))
        kinds = [kind for _, kind in items]
        for index, kind in enumerate(kinds):
            if kind != "neutral":
                continue
            before = next((k for k in reversed(kinds[:index]) if k != "neutral"), None)
            after = next((k for k in kinds[index + 1:] if k != "neutral"), None)
            kinds[index] = before if before == after and before in ("english", "machine") else "translated"
        parts: list[str] = []
        group: list[str] = []
        group_kind = ""
        for (text, _), kind in zip(items, kinds, strict=True):
            if group and kind != group_kind:
                parts.append(self._wrap(group, group_kind))
                group = []
            group.append(text)
            group_kind = kind
        if group:
            parts.append(self._wrap(group, group_kind))
        return "\n\n".join(parts)

