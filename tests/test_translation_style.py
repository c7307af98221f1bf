"""The glossary's rules that `check` cannot see entry by entry, on the repository's catalogs.

A rendering written with the English in brackets (zh 轮（epoch）, 经验收集（rollout）) is the form of the term's first
use on a page: a reader meets the English once, then reads the short form.
"""

from __future__ import annotations

import json
import re

import pytest

from tools import catalog as catalogs
from tools.catalog import document_messages
from tools.extract import extract_document, source_files
from tools.paths import SOURCE_ROOT, TRANSLATIONS

GLOSSED = re.compile(r"^(?P<short>[^（]+)（(?P<english>[A-Za-z][A-Za-z -]*)）$")


def glossed_terms(lang: str) -> list[tuple[str, re.Pattern[str], str]]:
    """(term, its pattern in English, the glossed rendering) for the renderings of `lang` in that form."""
    terms = json.loads((TRANSLATIONS / "glossary.json").read_text(encoding="utf-8"))["terms"]
    return [(english, re.compile(rf"(?<![A-Za-z]){re.escape(english)}(?:s|es)?(?![A-Za-z])", re.IGNORECASE),
             entry[lang])
            for english, entry in terms.items() if GLOSSED.match(entry.get(lang, ""))]


@pytest.mark.parametrize("lang", catalogs.TARGET_LANGUAGES)
def test_a_term_glossed_with_its_english_has_the_gloss_at_its_first_use_on_each_page(lang: str) -> None:
    terms = glossed_terms(lang)
    faults = []
    for path in source_files(SOURCE_ROOT):
        document = extract_document(path, SOURCE_ROOT)
        table = catalogs.read_string_map(catalogs.catalog_path(lang, document.path, TRANSLATIONS))
        # The summary is the page's description, not its text: the page starts at its title
        messages = [message for message, where in document_messages(document) if not where.endswith("· summary")]
        for english, pattern, glossed in terms:
            first = next((message for message in messages if pattern.search(message)), None)
            if first is not None and table.get(first) and glossed not in table[first]:
                faults.append(f"{lang}/{document.path}: the first {english!r} should read {glossed}: {table[first]!r}")
    assert not faults, "\n".join(faults)
