"""Finding the most similar string among many: the fuzzy matching behind `extract` and `import-labml`.

Similarity is rapidfuzz's normalised Indel similarity, 2·LCS / (len(a) + len(b)): the measure difflib's `ratio`
approximates, computed exactly in C++. Comparing every query with every candidate is still quadratic (15,000
labml blocks against 8,000 messages are 120 million comparisons), so a large candidate set is indexed by its words:
a query is compared only with the few candidates that share the most of its rarest words. Two texts that are
similar enough to be offered as the same message share nearly all their words, so the shortlist holds the match;
small sets (one file's obsolete strings) are compared exhaustively.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable

from rapidfuzz import fuzz, process

# Below this many candidates every one is compared: the index would not pay for itself.
EXHAUSTIVE_BELOW = 200
RARE_WORDS = 8  # the query's rarest words that choose the shortlist
SHORTLIST = 24  # candidates compared exactly per query
_WORD = re.compile(r"\w+")


def similarity(a: str, b: str) -> float:
    """How alike two strings are, from 0 to 1 (1: identical)."""
    return fuzz.ratio(a, b) / 100


def _best(text: str, candidates: list[str], cutoff: float) -> str | None:
    """The first candidate with the highest similarity ≥ cutoff (rapidfuzz keeps the first of equal scores)."""
    found = process.extractOne(text, candidates, scorer=fuzz.ratio, score_cutoff=cutoff * 100)
    return found[0] if found else None


def closest(text: str, candidates: Iterable[str], cutoff: float) -> str | None:
    """The candidate most similar to `text` (similarity ≥ cutoff), ties broken by order; compares with each one."""
    return _best(text, list(candidates), cutoff)


class SimilarIndex:
    """Many candidates, indexed once, to be searched for the most similar to each of many queries."""

    def __init__(self, candidates: Iterable[str]) -> None:
        self.candidates = list(dict.fromkeys(candidates))
        self._postings: dict[str, list[int]] = {}
        if len(self.candidates) >= EXHAUSTIVE_BELOW:
            for number, candidate in enumerate(self.candidates):
                for word in set(_WORD.findall(candidate.casefold())):
                    self._postings.setdefault(word, []).append(number)

    def closest(self, text: str, cutoff: float) -> str | None:
        """The candidate most similar to `text` (similarity ≥ cutoff), ties broken by candidate order."""
        if not self._postings:
            return _best(text, self.candidates, cutoff)
        postings = sorted((self._postings[word] for word in set(_WORD.findall(text.casefold()))
                           if word in self._postings), key=len)[:RARE_WORDS]
        if not postings:  # no word in common with any candidate: nothing can be similar enough
            return None
        hits = Counter(itertools.chain.from_iterable(postings))
        # Similar strings have similar lengths: 2·min / (a + b) ≥ cutoff bounds the ratio of the two.
        shortest = len(text) * cutoff / (2 - cutoff)
        longest = len(text) * (2 - cutoff) / cutoff if cutoff else float("inf")
        shortlist = sorted(number for number, _ in hits.most_common(SHORTLIST * 4)
                           if shortest <= len(self.candidates[number]) <= longest)
        ranked = sorted(shortlist, key=lambda number: -hits[number])[:SHORTLIST]
        return _best(text, [self.candidates[number] for number in sorted(ranked)], cutoff)
