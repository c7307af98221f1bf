"""Placeholder protection: maths, code and link targets survive a trip through a machine translator."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.check import translation_faults
from tools.protect import PLACEHOLDER_RE, DamagedPlaceholders, protect, restore, scan

PROSE = st.text(alphabet="abcxyzABC 0123456789.,;:()-+=*/_!#<>&方策価値优势函数", min_size=1, max_size=12).map(str.strip).filter(
    bool)
MATH_BODY = st.text(alphabet="abxyz0123456789+-=^_{}()\\ ", min_size=1, max_size=12).map(str.strip).filter(
    lambda body: body and not body.endswith("\\"))
INLINE_MATH = MATH_BODY.map(lambda body: f"${body}$")
DISPLAY_MATH = MATH_BODY.map(lambda body: f"$$ {body} $$")
CODE = st.text(alphabet="abxyz01[]()*_$<>= .", min_size=1, max_size=10).filter(lambda s: s.strip()).map(
    lambda body: f"`{body}`")
URL = st.text(alphabet="abcxyz0123456789/-_.", min_size=1, max_size=12).map(
    lambda path: f"https://example.org/{path.strip('.')}")
PROTECTED = st.one_of(INLINE_MATH, DISPLAY_MATH, CODE, URL)
LINK_TEXT = st.lists(st.one_of(PROSE, INLINE_MATH, CODE), min_size=1, max_size=3).map(" ".join)
LINK = st.tuples(LINK_TEXT, URL).map(lambda pair: f"[{pair[0]}]({pair[1]})")
PIECES = st.lists(st.one_of(PROSE, PROTECTED, LINK), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(PIECES)
def test_protect_then_restore_is_exact_for_any_mix_of_maths_code_and_links(pieces: list[str]) -> None:
    text = " ".join(pieces)
    protected = protect(text)
    assert restore(protected.masked, protected) == text
    # A translator that reflows spacing and widens brackets still gets everything back.
    widened = PLACEHOLDER_RE.sub(lambda m: f"［［ {m.group(1)} ］］", protected.masked)
    assert restore(widened, protected) == text
    # Whatever a translator does to the prose, what protection restores passes the checks.
    reworded = PLACEHOLDER_RE.sub(lambda m: f"訳{m.group()}", protected.masked.upper())
    assert translation_faults(text, restore(reworded, protected)) == []
    for piece in pieces:
        if piece.startswith(("$", "`", "https://")):
            assert piece not in protected.masked
    for value in protected.table.values():
        assert value in text


def test_link_text_stays_translatable_and_url_is_protected() -> None:
    protected = protect("Read [the *paper*](https://arxiv.org/abs/1707.06347 \"PPO\") and `ppo.py`.")
    assert protected.masked == "Read [[0]]the *paper*[[1]] and [[2]]."
    assert protected.table[1] == '](https://arxiv.org/abs/1707.06347 "PPO")'
    translated = "[[0]]論文[[1]]と[[2]]を読む。"
    assert restore(translated, protected) == '[論文](https://arxiv.org/abs/1707.06347 "PPO")と`ppo.py`を読む。'


def test_tags_maths_environments_and_labml_placeholders_are_protected() -> None:
    text = ("<b>Bold</b> \\begin{align}a &= b\\end{align} \\(x\\) <span translate=no>_^_0_^_</span> "
            "<https://a.org> ![badge](https://a.org/b.svg) cost 5$ and 6$")
    kinds = [span.kind for span in scan(text)]
    assert kinds == ["tag", "tag", "math", "math", "tag", "placeholder", "tag", "url", "image"]
    assert "5$ and 6$" in protect(text).masked


@pytest.mark.parametrize(("translated", "fault"), [
    ("[[0]]x y", "missing [[1]], [[2]]"),
    ("[[0]]x[[1]] [[2]] [[2]]", "repeated [[2]]"),
    ("[[0]]x[[1]] [[2]] [[7]]", "unexpected [[7]]"),
    ("[[1]]x[[0]] [[2]]", "link end [[1]] before its start [[0]]"),
])
def test_damaged_placeholders_are_rejected(translated: str, fault: str) -> None:
    protected = protect("[x](https://a.org) $y$")
    with pytest.raises(DamagedPlaceholders, match=fault.replace("[", r"\[").replace("]", r"\]")):
        restore(translated, protected)


class _Tally(str):
    """A message that counts the characters copied out of it by slicing."""

    copied = 0

    def __getitem__(self, key):  # type: ignore[override]
        piece = str.__getitem__(self, key)
        _Tally.copied += len(piece)
        if _Tally.copied > 4 * len(self):
            raise AssertionError(f"scanning copied {_Tally.copied:,} characters of a {len(self):,}-character message")
        return piece


def test_scanning_a_10_mb_value_copies_it_at_most_a_few_times() -> None:
    """A 10 MB translation is scanned in time linear in its size: the old scanner sliced off the rest of the text
    at every character (3.7 s for 300k characters, a hang for 10 MB), and its tag pattern backtracked
    quadratically over the spaces after an unclosed `<a` (4,000 spaces took minutes)."""
    paragraph = ("方策勾配は $r_t(\\theta)$ をクリップし、`clip` と [PPO](https://arxiv.org/abs/1707.06347) を使う。"
                 "<b>太字</b> " + "価値関数の推定。" * 500 + "<a" + " " * 2000 + "終わらないタグ\n\n")
    text = _Tally(paragraph * (10_000_000 // len(paragraph)))
    _Tally.copied = 0
    spans = scan(text)
    assert len(spans) == 6 * (10_000_000 // len(paragraph))
    assert _Tally.copied <= 4 * len(text)


def _steps(text: str) -> int:
    """Lines of `tools.protect` executed while scanning `text`: the scanner's work, whatever the machine."""
    import sys

    import tools.protect

    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename != tools.protect.__file__:
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        scan(text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("unit", ["[", "[a](", "\\(", "\\begin{x}", "<!--", "`` ` ", "$a ", "![", "[[", "]("])
def test_hostile_repetitions_take_linear_work(unit: str) -> None:
    small, large = _steps(unit * 500), _steps(unit * 2000)
    assert large <= 4.5 * small, (small, large)  # quadratic work would be 16 times as much
