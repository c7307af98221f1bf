"""Identifier ↔ maths symbol links (tools/symbols.py) and docstring headings (tools/docstring_headings.py)."""

from __future__ import annotations

from pathlib import PurePosixPath

from tools.docstring_headings import shift_docstring_headings
from tools.document import Document, Section
from tools.symbols import symbol_base, symbol_links


def _document(*sections: tuple[str, str]) -> Document:
    return Document(PurePosixPath("ppo/x.py"), "X", "", [Section(note, code, 1, 2) for note, code in sections])


def test_links_come_from_the_ways_the_notes_name_a_symbol() -> None:
    document = _document(
        ("* `rewards` $r_t$: the reward.\n* $d_t$ is `terminated`.", "def f(rewards, terminated):"),
        ("The advantages $\\hat{A}_t$, filled in backwards", "    advantages = torch.zeros_like(deltas)"),
        ("`unknown` $u$ is not in the code", "x = 1"),
    )
    assert symbol_links(document) == {"advantages": ["\\hat{A}"], "rewards": ["r"], "terminated": ["d"]}


def test_a_symbol_is_kept_without_the_step_it_is_taken_at() -> None:
    assert symbol_base("\\hat{A}_t") == "\\hat{A}"
    assert symbol_base("\\hat{A}_{t+1}") == "\\hat{A}"
    assert symbol_base("c_1") == "c_1"
    assert symbol_base("V(s_t)") == "V(s_t)"


def test_docstring_headings_move_up_to_one_below_their_object() -> None:
    html = ('<h1 id="t">Title</h1><h3 id="f" class="doc doc-heading">f</h3><h5 id="a">A</h5><h6 id="b">B</h6>'
            '<h4 id="m" class="doc doc-heading">m</h4><h6 id="c">C</h6>')
    assert shift_docstring_headings(html) == (
        '<h1 id="t">Title</h1><h3 id="f" class="doc doc-heading">f</h3><h4 id="a">A</h4><h5 id="b">B</h5>'
        '<h4 id="m" class="doc doc-heading">m</h4><h5 id="c">C</h5>')
    assert shift_docstring_headings("<h2>Notes</h2><h4>x</h4>") == "<h2>Notes</h2><h4>x</h4>"  # no API page
