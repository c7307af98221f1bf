"""Which maths symbol of the notes stands for which identifier of the code: the links that click-to-highlight uses.

When a reader highlights `advantages` in the code, the page also lights up $\\hat{A}_t$ in the notes. The links are
read from the (English) document, where the notes state them; each way of stating one is a named finder in
`FINDERS`:

- `named`: the identifier in backticks, then the symbol: "`rewards` $r_t$", "`values` ($V(s_t)$)";
- `called`: the symbol, then the identifier: "$d_t$ is `terminated`", "Writing $e_t$ for `episode_ends`";
- `assigned`: a word that the section's code assigns to, then the symbol: "The advantages $\\hat{A}_t$" above
  `advantages = ...`.

Translations keep the TeX of the notes, so the links found in English hold for every language. A symbol is kept as
its base (`\\hat{A}` for `\\hat{A}_t`, `c_1` as it is), so that `\\hat{A}_{t+1}` is the same symbol at another step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tools.document import Document, Section

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_MATHS = r"\$([^$\n]{1,40})\$"
_NAMED = re.compile(rf"`({_NAME})`\s*\(?{_MATHS}")
_CALLED = re.compile(rf"{_MATHS}\s+(?:is|for|denotes|stands for)\s+`({_NAME})`")
_WORD_MATHS = re.compile(rf"\b({_NAME})\s+\(?{_MATHS}")
_ASSIGNED = re.compile(rf"^\s*({_NAME})(?:\[[^\]\n]*\])?\s*(?:[-+*/@]|//)?=(?!=)", re.MULTILINE)
# A trailing subscript that names a step (t, t+1, T, k): the step, not the symbol. Others (c_1, c_2) stay.
_STEP = re.compile(r"_(?:\{[tTk][^{}]*\}|[tTk])$")

Finder = Callable[[Section], Iterator[tuple[str, str]]]


def _named(section: Section) -> Iterator[tuple[str, str]]:
    for match in _NAMED.finditer(section.note):
        yield match.group(1), match.group(2)


def _called(section: Section) -> Iterator[tuple[str, str]]:
    for match in _CALLED.finditer(section.note):
        yield match.group(2), match.group(1)


def _assigned(section: Section) -> Iterator[tuple[str, str]]:
    targets = set(_ASSIGNED.findall(section.code))
    for match in _WORD_MATHS.finditer(section.note):
        if match.group(1) in targets:
            yield match.group(1), match.group(2)


FINDERS: dict[str, Finder] = {"named": _named, "called": _called, "assigned": _assigned}


def symbol_base(tex: str) -> str:
    """The symbol without the step it is taken at: `\\hat{A}_t` → `\\hat{A}`, `r_{t+1}` → `r`."""
    tex = tex.strip()
    base = _STEP.sub("", tex)
    return base or tex


def symbol_links(document: Document, finders: dict[str, Finder] = FINDERS) -> dict[str, list[str]]:
    """Identifier → the symbols (TeX, as bases) the document's notes use for it; only identifiers of its code."""
    code = "\n".join(section.code for section in document.sections)
    names = set(re.findall(_NAME, code))
    links: dict[str, set[str]] = {}
    for section in document.sections:
        for finder in finders.values():
            for name, tex in finder(section):
                base = symbol_base(tex)
                if name in names and base and "=" not in base:
                    links.setdefault(name, set()).add(base)
    return {name: sorted(texts) for name, texts in sorted(links.items())}
