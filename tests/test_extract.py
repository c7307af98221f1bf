"""Extraction: literate Python modules and Markdown pages become documents with the right sections."""

from __future__ import annotations

import textwrap
from pathlib import Path, PurePosixPath

import pytest

from tools.catalog import document_messages
from tools.document import messages
from tools.errors import UserError
from tools.extract import extract_document, source_files

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs" / "src"


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def extract(tmp_path: Path, text: str, name: str = "pkg/mod.py"):
    return extract_document(write(tmp_path, name, text), tmp_path)


def test_source_files_lists_python_and_markdown_sorted_without_caches(tmp_path: Path) -> None:
    for name in ["b.py", "a/readme.md", "a/z.py", "a/__pycache__/z.cpython-311.py", "a/experiment.ipynb",
                 "a/.ipynb_checkpoints/x.py", "data.csv"]:
        write(tmp_path, name, "x = 1\n")
    found = [path.relative_to(tmp_path).as_posix() for path in source_files(tmp_path)]
    assert found == ["a/readme.md", "a/z.py", "b.py"]


def test_module_docstring_gives_front_matter_and_first_note(tmp_path: Path) -> None:
    doc = extract(tmp_path, '''
        r"""
        ---
        title: Clipped loss
        summary: The PPO objective.
        ---

        # The loss

        See [PPO](https://arxiv.org/abs/1707.06347).
        """

        import torch
    ''')
    assert doc.path == PurePosixPath("pkg/mod.py")
    assert (doc.title, doc.summary) == ("Clipped loss", "The PPO objective.")
    first = doc.sections[0]
    assert first.note == "# The loss\n\nSee [PPO](https://arxiv.org/abs/1707.06347)."
    assert first.code == "import torch"
    assert (first.start_line, first.end_line) == (1, 12)
    assert first.context == "module docstring"


def test_title_falls_back_to_first_heading_then_file_name(tmp_path: Path) -> None:
    assert extract(tmp_path, '"""\n# Heading title\n\nText.\n"""\n').title == "Heading title"
    assert extract(tmp_path, "x = 1\n", name="pkg/__init__.py").title == "pkg"
    assert extract(tmp_path, "x = 1\n", name="pkg/util.py").title == "util"


def test_comment_block_above_code_starts_a_section_and_annotates_it(tmp_path: Path) -> None:
    doc = extract(tmp_path, """
        import math

        # Discounted reward $\\gamma r$
        #
        # with a second paragraph
        y = 0.99 * 2  # trailing comments stay in the code
        z = y + 1
        # Next step
        w = z
    """)
    assert [s.note for s in doc.sections] == ["", "Discounted reward $\\gamma r$\n\nwith a second paragraph",
                                              "Next step"]
    assert doc.sections[0].code == "import math"
    assert doc.sections[1].code == "y = 0.99 * 2  # trailing comments stay in the code\nz = y + 1"
    assert [(s.start_line, s.end_line) for s in doc.sections] == [(1, 1), (3, 7), (8, 9)]


def test_bare_hash_line_starts_a_section_without_a_note(tmp_path: Path) -> None:
    doc = extract(tmp_path, """
        # Setup
        a = 1
        #
        b = 2
        c = 3
    """)
    assert [(s.note, s.code) for s in doc.sections] == [("Setup", "a = 1"), ("", "b = 2\nc = 3")]


def test_docstrings_are_notes_of_their_definitions(tmp_path: Path) -> None:
    doc = extract(tmp_path, '''
        class GAE:
            r"""
            ## Estimator

            Computes $\\hat{A}_t$.
            """

            def __call__(self, x):
                """Return x."""
                # Double it
                y = 2 * x
                return y
    ''')
    notes = [(s.note, s.code, s.context) for s in doc.sections]
    assert notes == [
        ("## Estimator\n\nComputes $\\hat{A}_t$.", "class GAE:", "GAE docstring"),
        ("Return x.", "    def __call__(self, x):", "GAE.__call__ docstring"),
        ("Double it", "        y = 2 * x\n        return y", "comment in GAE.__call__"),
    ]
    assert (doc.sections[1].start_line, doc.sections[1].end_line) == (8, 9)


def test_comment_above_decorated_definition_joins_its_docstring(tmp_path: Path) -> None:
    doc = extract(tmp_path, '''
        x = 1

        # A helper
        @staticmethod
        def helper(value):
            """Identity."""
            return value
    ''')
    assert doc.sections[-1].note == "A helper\n\nIdentity."
    assert doc.sections[-1].code == "@staticmethod\ndef helper(value):\n    return value"
    assert doc.sections[-1].start_line == 3


def test_attribute_docstrings_annotate_their_assignment(tmp_path: Path) -> None:
    doc = extract(tmp_path, '''
        from dataclasses import dataclass


        @dataclass
        class Config:
            """Hyperparameters."""

            lr: float = 2.5e-4
            """Adam learning rate."""
            clip: float = 0.1
            r"""Clip range $\\epsilon$."""
    ''')
    sections = [(s.note, s.code.strip(), s.context) for s in doc.sections[1:]]
    assert sections == [
        ("Hyperparameters.", "@dataclass\nclass Config:", "Config docstring"),
        ("Adam learning rate.", "lr: float = 2.5e-4", "Config.lr docstring"),
        ("Clip range $\\epsilon$.", "clip: float = 0.1", "Config.clip docstring"),
    ]


def test_multiline_docstrings_are_normalised_like_inspect_cleandoc(tmp_path: Path) -> None:
    doc = extract(tmp_path, '''
        def f():
            """First line.

                indented code example
            Last line.
            """
    ''')
    assert doc.sections[0].note == "First line.\n\n    indented code example\nLast line."


def test_markdown_page_has_one_section_per_h2_and_ignores_headings_in_fences(tmp_path: Path) -> None:
    doc = extract(tmp_path, """
        # Package

        Intro with [a link](https://example.org).

        ## Train

        ```bash
        ## not a heading
        python -m pkg train
        ```

        ## Evaluate

        Text.
    """, name="pkg/readme.md")
    assert doc.title == "Package"
    assert [(s.start_line, s.end_line, s.code) for s in doc.sections] == [(1, 3, ""), (5, 10, ""), (12, 14, "")]
    assert doc.sections[1].note.startswith("## Train")
    assert "## not a heading" in doc.sections[1].note
    assert messages(doc.sections[1].note) == ["## Train"]


def test_markdown_front_matter_is_optional_and_sets_title_and_summary(tmp_path: Path) -> None:
    doc = extract(tmp_path, """
        ---
        title: The package
        summary: What it does.
        ---
        # Heading

        Body.
    """, name="pkg/readme.md")
    assert (doc.title, doc.summary) == ("The package", "What it does.")
    assert (doc.sections[0].start_line, doc.sections[0].end_line) == (5, 7)


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"mod\.py:2:\d+: syntax error"):
        extract(tmp_path, "x = 1\ndef (:\n")


def test_unclosed_front_matter_is_reported(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="never closed"):
        extract(tmp_path, '"""\n---\ntitle: x\n"""\n')


def test_document_messages_are_in_page_order_with_locations(tmp_path: Path) -> None:
    doc = extract_document(FIXTURES / "toy" / "gae.py", FIXTURES)
    found = document_messages(doc)
    assert found[0] == ("Generalized Advantage Estimation (GAE)", "toy/gae.py:1 · title")
    assert found[1][1] == "toy/gae.py:1 · summary"
    assert ("Advantages table", "toy/gae.py:38-40 · comment in GAE.__call__") in found
    texts = [text for text, _ in found]
    assert len(texts) == len(set(texts))
    # Display maths and notes made only of inline maths are not messages.
    assert not any(text.startswith("$$") for text in texts)
    assert "$\\delta_t = r_t + \\gamma V(s_{t+1}) - V(s_t)$" not in texts


def test_griffe_sees_the_same_docstrings_as_the_catalog() -> None:
    """The translated API reference looks docstrings up in the catalog: every block must be a message."""
    import griffe  # a docs dependency: always installed for the tests, never a reason to skip this one
    module = griffe.visit("gae", filepath=FIXTURES / "toy" / "gae.py",
                          code=(FIXTURES / "toy" / "gae.py").read_text(encoding="utf-8"))
    doc = extract_document(FIXTURES / "toy" / "gae.py", FIXTURES)
    catalog = {text for text, _ in document_messages(doc)}
    docstrings = []

    def walk(obj) -> None:
        if obj.docstring is not None:
            docstrings.append(obj.docstring.value)
        for member in obj.members.values():
            if not member.is_alias:
                walk(member)

    walk(module)
    assert len(docstrings) >= 5
    for docstring in docstrings:
        body = docstring.split("\n---\n", 1)[1] if docstring.startswith("---\n") else docstring
        for message in messages(body):
            assert message in catalog


def test_tex_in_a_non_raw_docstring_is_read_as_written_and_said_once(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    # As the file reads: \frac and \begin in a plain docstring; \\theta escaped on purpose in another; a raw one.
    source.write_text('"""\n# M\n\n$\\frac{a}{b}$ and \\begin{align} x \\\\ y \\end{align}\n"""\n\n\n'
                      'def f():\n    """The value $V_\\\\theta$."""\n\n\n'
                      'def g():\n    r"""Raw $\\theta$."""\n', encoding="utf-8")
    document = extract_document(source, tmp_path)
    notes = [section.note for section in document.sections]
    assert "$\\frac{a}{b}$ and \\begin{align} x \\\\ y \\end{align}" in notes[0]
    assert "The value $V_\\theta$." in notes and "Raw $\\theta$." in notes
    assert document.warnings == [f"{source}:1: a non-raw docstring whose escapes Python reads differently "
                                 '(\\b, \\f, \\t, ...): read as written; make it r""" to say so']


def test_source_lines_give_the_segments_of_ast():
    import ast

    from tools.extract import SourceLines

    texts = [path.read_text(encoding="utf-8") for path in sorted(Path(__file__).parent.parent.glob("tools/*.py"))]
    # Line ends Python counts (\r\n, \r, \n) and those it does not (form feed), and multibyte columns
    texts += ["x = 'a'\r\ny = '''b\rc'''\n\fz = 1\n", "s = '''é\nü''' ; t = 'ß'", "u = r'''\\b\n'''"]
    compared = 0
    for text in texts:
        source = SourceLines(text)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant):
                assert source.segment(node) == ast.get_source_segment(text, node)
                compared += 1
    assert compared > 1000
