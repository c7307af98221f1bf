"""Fuzzy matching over many strings: the word index finds what comparing with every candidate finds."""

from __future__ import annotations

import random

from tools.similar import EXHAUSTIVE_BELOW, SimilarIndex, closest, similarity


def _sentences(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(600)]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(4, 30))) for _ in range(count)]


def _typos(text: str, rng: random.Random) -> str:
    letters = list(text)
    for _ in range(max(1, len(letters) // 15)):
        letters[rng.randrange(len(letters))] = "x"
    return "".join(letters)


def test_index_finds_the_same_match_as_comparing_every_candidate() -> None:
    candidates = _sentences(EXHAUSTIVE_BELOW * 3)
    index = SimilarIndex(candidates)
    rng = random.Random(1)
    queries = [_typos(rng.choice(candidates), rng) for _ in range(60)] + _sentences(20, seed=99)
    found = [index.closest(query, 0.75) for query in queries]
    assert found == [closest(query, candidates, 0.75) for query in queries]
    assert sum(match is not None for match in found) >= 60  # every edited sentence is found again
    assert all(match is None or similarity(match, query) >= 0.75 for match, query in zip(found, queries, strict=True))


def test_equal_scores_go_to_the_first_candidate_and_nothing_below_the_cutoff_is_offered() -> None:
    assert closest("abcd", ["abce", "abcf"], 0.6) == "abce"
    assert SimilarIndex(["abcf", "abce"]).closest("abcd", 0.6) == "abcf"
    assert closest("proximal policy", ["value loss"], 0.6) is None
