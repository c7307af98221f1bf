"""Word segmentation for search, per language: a table of named segmenters for languages written without spaces.

Material's search (lunr, in the reader's browser) finds words between separators. Japanese and Chinese put no
space between words, so their text is cut into words when the site is built and the words are joined with a
zero-width space (U+200B), which the language's search separator then splits at. The browser cuts a query the
same way: `tools/theme/assets/search-words.js` splits each run of the segmenter's script in the query into the longest words
the index holds (the index's vocabulary is what this module produced), so アドバンテージ推定 finds the pages that
say アドバンテージ推定.

A language is added by one entry in `SEGMENTERS`; a language without one is indexed as Material indexes it. Material
segments Chinese with jieba by itself whenever it can import it; the build lets each language import only its own
segmenter's module (`tools.site_config.SEGMENTERS`), and cutting a text already cut changes nothing.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.build_cache import code_version, memo
from tools.errors import UserError
from tools.files import write_atomic

WORD_BREAK = "\u200b"  # zero-width space: invisible in search results, a separator for lunr

# Character classes written with escapes only, so that Python's `re` and the browser's RegExp read them alike.
HAN = r"\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANA = r"\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"


@dataclass(frozen=True)
class Segmenter:
    """How one language's text is cut into words for its search index."""

    module: str  # the library that cuts (its import name): a build blocks the other languages' (tools.build)
    script: str  # a regex character class (without brackets) of the characters it cuts; the rest is left alone
    load: Callable[[], Callable[[str], list[str]]]  # imports the library: a run of `script` → its words
    # The lunr languages the browser loads for this site; None keeps the site's own. Japanese needs this: lunr's
    # Japanese support cuts every indexed word again with its own segmenter, which would break words that the
    # query is cut into.
    browser_languages: tuple[str, ...] | None = None

    def join(self, run: str) -> str:
        """The words of `run`, joined by `WORD_BREAK`."""
        return WORD_BREAK.join(word for word in self.cut(run) if word)

    @functools.cached_property
    def cut(self) -> Callable[[str], list[str]]:
        """The loaded segmenter (imported on first use: a language without segmentation never imports it)."""
        return self.load()

    @functools.cached_property
    def runs(self) -> re.Pattern[str]:
        """A run of the characters this segmenter cuts."""
        return re.compile(f"[{self.script}]+")


def _tinysegmenter() -> Callable[[str], list[str]]:
    try:
        import tinysegmenter
    except ImportError:
        raise UserError("the Japanese search index needs tinysegmenter: pip install tinysegmenter "
                        "(part of the project's [docs] extra)") from None
    return tinysegmenter.TinySegmenter().tokenize


def _jieba() -> Callable[[str], list[str]]:
    try:
        import jieba
    except ImportError:
        raise UserError("the Chinese search index needs jieba: pip install jieba "
                        "(part of the project's [docs] extra)") from None
    jieba.setLogLevel(60)  # it announces its dictionary on stderr, in every build
    return lambda text: list(jieba.cut(text))


SEGMENTERS: dict[str, Segmenter] = {
    # TinySegmenter: a small statistical model (pure Python), the one lunr's Japanese support ships for browsers.
    "ja": Segmenter("tinysegmenter", HAN + KANA + r"\u30fc", _tinysegmenter, browser_languages=("en",)),
    "zh": Segmenter("jieba", HAN, _jieba),
}


def segment(text: str, segmenter: Segmenter) -> str:
    """`text` with every run of the segmenter's script cut into words joined by `WORD_BREAK`.

    A text already cut (words with `WORD_BREAK` between them) comes back unchanged, word by word. The words of
    each run are remembered between builds (`tools.build_cache.memo`): loading jieba's dictionary alone takes
    longer than reading them back.
    """
    words = memo("segments", _version(segmenter.module))

    def cut(match: re.Match[str]) -> str:
        return WORD_BREAK + words.get(segmenter.join, match.group(0)) + WORD_BREAK

    cut_text = segmenter.runs.sub(cut, text)
    # One break between words, none at the edges of the text (as Material writes it for jieba).
    return re.sub(f"{WORD_BREAK}{{2,}}", WORD_BREAK, cut_text).strip(WORD_BREAK)


def segmenter_for(lang: str, segmenters: dict[str, Segmenter] = SEGMENTERS) -> Segmenter | None:
    """The segmenter of `lang`: its own, else its base language's (ja-JP: Japanese's), else None."""
    from tools.site_config import base_language

    return segmenters.get(lang) or segmenters.get(base_language(lang))


def segment_search_index(path: Path, lang: str, segmenters: dict[str, Segmenter] = SEGMENTERS) -> bool:
    """Cut the words of Material's `search_index.json` for `lang`, if the language has a segmenter.

    Titles and texts are cut; the configuration gains `WORD_BREAK` in its separator, the script the browser cuts
    queries in (`segment`) and the segmenter's browser languages. Returns whether the language has a segmenter.
    """
    segmenter = segmenter_for(lang, segmenters)
    if segmenter is None:
        return False
    try:
        index: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        config, docs = index["config"], index["docs"]
        separator = config["separator"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UserError(f"{path}: not a search index of Material for MkDocs ({error})") from None
    for doc in docs:
        for key in ("title", "text"):
            if isinstance(doc.get(key), str):
                doc[key] = segment(doc[key], segmenter)
    config["separator"] = _with_word_break(separator)
    config["segment"] = f"[{segmenter.script}]+"
    if segmenter.browser_languages is not None:
        config["lang"] = list(segmenter.browser_languages)
    write_atomic(path, json.dumps(index, ensure_ascii=False, separators=(",", ":")), sync=False)
    return True


@functools.cache
def _version(module: str) -> str:
    return code_version(module)


def _with_word_break(separator: str) -> str:
    """The search separator (a regex) that also splits at `WORD_BREAK`."""
    if "\\u200b" in separator or WORD_BREAK in separator:
        return separator
    if separator.startswith("[") and separator.endswith("]+"):
        return separator[:-2] + "\\u200b]+"
    return f"(?:{separator})|\\u200b+"
