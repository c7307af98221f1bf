"""The document model: what extraction produces and page generation consumes.

A source file becomes a `Document`: its front matter (title, summary) and an ordered list of `Section`s,
each a Markdown note with the code it annotates and the source lines it covers. A note is translated block by
block (`split_blocks`): a block is the unit a translator sees in a catalog, so extraction and page generation
must split notes the same way, which is why the splitting lives here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Section:
    """One note and the code it annotates.

    `start_line`/`end_line` are 1-based and inclusive, covering the note's comment lines (or docstring) and the
    code; they are what a "view code" link points at.
    """

    note: str
    code: str
    start_line: int
    end_line: int
    # What the note documents, for translators: "module docstring", "GAE.__call__ docstring",
    # "comment in GAE.__call__", "readme.md: ## Training". Shown beside each message in the catalogs.
    context: str = ""


@dataclass(frozen=True)
class Document:
    """One source file of the literate package, as a reader will see it."""

    path: PurePosixPath  # relative to the package's folder, e.g. ppo/gae.py
    title: str
    summary: str
    sections: list[Section] = field(default_factory=list)
    # What the author should know about how the file was read ("file:line: ..."), one line each.
    warnings: list[str] = field(default_factory=list, compare=False)


@dataclass(frozen=True)
class Block:
    """A piece of a note: translatable prose, or display maths / fenced code that is kept verbatim."""

    text: str
    translatable: bool


def fence_marker(line: str) -> str | None:
    """The marker (```` ``` ```` or `~~~`) when `line` opens or closes a fenced code block, else None."""
    stripped = line.lstrip()
    for marker in ("```", "~~~"):
        if stripped.startswith(marker):
            return marker
    return None


def split_blocks(markdown: str) -> list[Block]:
    """Split a note into blocks at blank lines, keeping fenced code and `$$` maths whole.

    A block that is only display maths or only a fenced code block has nothing to translate; every other block
    is one catalog message. Joining the block texts with a blank line gives the note back (modulo runs of blank
    lines and surrounding whitespace).
    """
    blocks: list[Block] = []
    current: list[str] = []
    fence: str | None = None  # the marker of an open code fence
    in_math = False  # inside a $$ ... $$ display that spans lines

    def flush() -> None:
        if current:
            text = "\n".join(current).strip("\n")
            if text.strip():
                blocks.append(Block(text, _is_translatable(text)))
            current.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        if fence is None and not in_math and not stripped:
            flush()
            continue
        current.append(line)
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
        elif in_math:
            if stripped.endswith("$$"):
                in_math = False
        elif (marker := fence_marker(line)) is not None:
            fence = marker
        elif stripped.startswith("$$") and not (len(stripped) > 2 and stripped.endswith("$$")):
            in_math = True
    flush()
    return blocks


def _is_translatable(text: str) -> bool:
    stripped = text.strip()
    if stripped.startswith("$$") and stripped.endswith("$$"):
        return False
    marker = fence_marker(stripped)
    if marker and stripped.endswith(marker) and stripped.count("\n") >= 1:
        return False
    # Only inline maths or code (e.g. a lone `$\delta_t = r_t + \gamma V_{t+1} - V_t$`): nothing to translate.
    return any(char.isalpha() for char in _without_spans(stripped))


def _without_spans(text: str) -> str:
    """The text with `$..$`, `$$..$$` and backtick code spans removed (unclosed delimiters are kept)."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            out.append(text[index : index + 2])
            index += 2
            continue
        if char in "$`":
            run = len(text[index:]) - len(text[index:].lstrip(char))  # `$$` or ``` `` ``` opens a longer span
            delimiter = char * run
            end = text.find(delimiter, index + run)
            if end != -1:
                index = end + run
                continue
        out.append(char)
        index += 1
    return "".join(out)


def messages(markdown: str) -> list[str]:
    """The catalog messages of a note: its translatable blocks, in order."""
    return [block.text for block in split_blocks(markdown) if block.translatable]
