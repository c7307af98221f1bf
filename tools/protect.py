"""Placeholders that carry maths, code, URLs and tags unharmed through a machine translator.

Catalog keys stay readable Markdown; only while a message travels to a translation service are the parts a
translator must not touch replaced by numbered placeholders `[[N]]`:

- display and inline maths (`$$..$$`, `$..$`, `\\(..\\)`, `\\[..\\]`, `\\begin{env}..\\end{env}`),
- code spans and fenced code, images, bare URLs and autolinks,
- HTML tags (each tag on its own, so the text between them stays translatable) and labml placeholders,
- Markdown links: `[text](url)` becomes `[[1]]text[[2]]`, so the link text is translated and the URL is not.

`restore` puts them back and refuses a result whose placeholders came back missing, duplicated, invented, or with a
link's end before its start. Services sometimes add spaces or turn brackets full-width (`［［3］］`); those variants
are accepted. The same scanner (`scan`) tells `tools.check` what must be preserved in a translation.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

# A placeholder as sent, and as it may come back (spaces, full-width or lenticular brackets).
_OPEN = "\\[［【"
_CLOSE = "\\]］】"
PLACEHOLDER_RE = re.compile(rf"[{_OPEN}]\s*[{_OPEN}]\s*(\d+)\s*[{_CLOSE}]\s*[{_CLOSE}]")
LABML_PLACEHOLDER_RE = re.compile(r"_\^_\d+_\^_")
# A tag: `<name`, then nothing, `/`, or whitespace and anything but angle brackets, then `>`. (No lazy repeat
# before an optional tail: that backtracked quadratically on `<a` followed by spaces.) Comments are found apart.
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_AUTOLINK_RE = re.compile(r"<(?:https?|ftp|mailto):[^<>\s]+>")
_URL_RE = re.compile(r"(?:https?|ftp)://[^\s<>\"'`]+")
_ENVIRONMENT_RE = re.compile(r"\\begin\{([A-Za-z*]+)\}")
_END_ENVIRONMENT_RE = re.compile(r"\\end\{([A-Za-z*]+)\}")
_FENCE_RE = re.compile(r" *(?:```|~~~)")
_BACKTICKS_RE = re.compile(r"`+")
# Where a span can start: the scanner skips everything else in one step.
_SPAN_START_RE = re.compile(r"[\\$`\[!［【<_hf\n]")

KINDS = ("math", "code", "url", "tag", "image", "placeholder", "link_open", "link_close")


@dataclass(frozen=True)
class Span:
    """A piece of a message that must survive translation unchanged (`link_open`/`link_close` come in pairs)."""

    kind: str
    start: int
    end: int
    text: str
    url: str = ""  # for link_close and image: the link target


class _Text:
    """One message being scanned, with what the scanner looks up in it, each found once.

    `scan` is linear in the length of the message: every search for a closing delimiter (a backtick run, `\\)`,
    `$$`, `\\end{env}`, `-->`) is a lookup in positions listed in one pass, and brackets are matched along one
    walk that records the partner of every bracket it passes, so no stretch of text is read again for them.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._runs: tuple[list[int], list[int], dict[int, list[int]]] | None = None
        self._occurrences: dict[str, list[int]] = {}
        self._environments: dict[str, list[int]] | None = None
        self._partners: dict[str, dict[int, int]] = {}  # opening bracket → {its index: its partner's, or -1}

    # --- backtick runs ---

    def _backtick_runs(self) -> tuple[list[int], list[int], dict[int, list[int]]]:
        if self._runs is None:
            starts, ends, by_length = [], [], {}
            for match in _BACKTICKS_RE.finditer(self.text):
                starts.append(match.start())
                ends.append(match.end())
                by_length.setdefault(match.end() - match.start(), []).append(match.start())
            self._runs = (starts, ends, by_length)
        return self._runs

    def run_length(self, index: int) -> int:
        """How many backticks start at `index` (which may be inside a run)."""
        starts, ends, _ = self._backtick_runs()
        at = bisect.bisect_right(starts, index) - 1
        return max(0, ends[at] - index) if at >= 0 else 0

    def closing_backticks(self, start: int, run: int) -> int:
        """The start of the first run of exactly `run` backticks after the run at `start`, or -1."""
        candidates = self._backtick_runs()[2].get(run, [])
        at = bisect.bisect_left(candidates, start + run)
        return candidates[at] if at < len(candidates) else -1

    # --- closing delimiters ---

    def find(self, needle: str, start: int) -> int:
        """`text.find(needle, start)`, from positions listed once per needle."""
        if needle.startswith("\\end{"):
            if self._environments is None:
                self._environments = {}
                for match in _END_ENVIRONMENT_RE.finditer(self.text):
                    self._environments.setdefault(match.group(), []).append(match.start())
            positions = self._environments.get(needle, [])
        else:
            if needle not in self._occurrences:
                self._occurrences[needle] = [m.start() for m in re.finditer(f"(?={re.escape(needle)})", self.text)]
            positions = self._occurrences[needle]
        at = bisect.bisect_left(positions, start)
        return positions[at] if at < len(positions) else -1

    # --- brackets ---

    def matching(self, start: int, opening: str, closing: str) -> int:
        """Index of the bracket closing the one at `start`, skipping escapes and code spans, or -1 (a blank line
        or the end comes first)."""
        partners = self._partners.setdefault(opening, {})  # int keys: no tuples for the garbage collector to walk
        if start in partners:
            return partners[start]
        text, length = self.text, len(self.text)
        stops = re.compile(f"[\\\\`\n{re.escape(opening)}{re.escape(closing)}]")
        open_brackets: list[int] = []
        index = start
        while index < length:
            char = text[index]
            if char == "\\":
                index += 2
                continue
            if char == "`":
                run = self.run_length(index)
                end = self.closing_backticks(index, run)
                if end != -1:
                    index = end + run
                    continue
            if char == opening:
                open_brackets.append(index)
            elif char == closing:
                partners[open_brackets.pop()] = index
                if not open_brackets:
                    break
            elif char == "\n" and text.startswith("\n\n", index):
                break
            found = stops.search(text, index + 1)
            index = found.start() if found else length
        for unclosed in open_brackets:
            partners[unclosed] = -1
        return partners[start]


def _inline_math_end(text: str, start: int) -> int:
    """End (exclusive) of `$..$` opened at `start` (pandoc's rule: no space inside the delimiters), or -1."""
    if start + 1 >= len(text) or text[start + 1].isspace():
        return -1
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "\n" and index + 1 < len(text) and text[index + 1] == "\n":
            return -1
        if char == "$":
            if text[index - 1].isspace() or (index + 1 < len(text) and text[index + 1].isdigit()):
                return -1
            return index + 1
        index += 1
    return -1


def _link_target(scanned: _Text, close_bracket: int) -> tuple[int, str] | None:
    """For `](url)` at `close_bracket`, the end of `)` and the URL (without a title)."""
    text = scanned.text
    if not text.startswith("](", close_bracket):
        return None
    end = scanned.matching(close_bracket + 1, "(", ")")
    if end == -1:
        return None
    target = text[close_bracket + 2 : end].strip()
    url = target.split()[0] if target else ""
    return end + 1, url.strip("<>")


def scan(text: str) -> list[Span]:
    """The protected spans of a Markdown message, in order and not overlapping (link pairs enclose text).

    Linear in the length of the message (see `_Text`).
    """
    scanned = _Text(text)
    length = len(text)
    spans: list[Span] = []
    pending: list[tuple[int, int, str]] = []  # open links: (index of "]", end of ")", url)
    index = 0
    at_line_start = True
    while index < length:
        if pending and index == pending[-1][0]:
            close, end, url = pending.pop()
            spans.append(Span("link_close", close, end, text[close:end], url))
            index = end
            at_line_start = False
            continue
        char = text[index]
        # No span may cross the end of the link whose text we are in.
        limit = pending[-1][0] if pending else length
        fence = _FENCE_RE.match(text, index) if at_line_start and not pending else None
        if fence:
            fence_start = fence.end() - 3
            marker = text[fence_start : fence_start + 3]
            close = text.find("\n" + marker, fence_start + 3)
            if close == -1:
                end = length
            else:
                line_end = text.find("\n", close + 1)
                end = length if line_end == -1 else line_end
            spans.append(Span("code", index, end, text[index:end]))
            index = end
            continue
        at_line_start = char == "\n"
        match = None
        if char == "\\":
            environment = _ENVIRONMENT_RE.match(text, index)
            if environment:
                closing = f"\\end{{{environment.group(1)}}}"
                close = scanned.find(closing, environment.end())
                if close != -1 and close + len(closing) <= limit:
                    end = close + len(closing)
                    spans.append(Span("math", index, end, text[index:end]))
                    index = end
                    continue
            if text.startswith(("\\(", "\\["), index):
                closing = "\\)" if text[index + 1] == "(" else "\\]"
                close = scanned.find(closing, index + 2)
                if close != -1 and close + 2 <= limit:
                    spans.append(Span("math", index, close + 2, text[index : close + 2]))
                    index = close + 2
                    continue
            index += 2  # an escaped character is plain text
            continue
        if char == "$":
            if text.startswith("$$", index):
                close = scanned.find("$$", index + 2)
                if close != -1 and close + 2 <= limit:
                    spans.append(Span("math", index, close + 2, text[index : close + 2]))
                    index = close + 2
                    continue
            else:
                end = _inline_math_end(text, index)
                if end != -1 and end <= limit:
                    spans.append(Span("math", index, end, text[index:end]))
                    index = end
                    continue
        elif char == "`":
            run = scanned.run_length(index)
            close = scanned.closing_backticks(index, run)
            if close != -1 and close + run <= limit:
                spans.append(Span("code", index, close + run, text[index : close + run]))
                index = close + run
                continue
            index += run
            continue
        elif char in "[!［【":
            # Text that already looks like a placeholder is protected, so it cannot be confused with ours.
            match = PLACEHOLDER_RE.match(text, index)
            if match and match.end() <= limit:
                spans.append(Span("placeholder", index, match.end(), match.group()))
                index = match.end()
                continue
            bracket = index + 1 if char == "!" else index
            if text.startswith("[", bracket):
                close = scanned.matching(bracket, "[", "]")
                target = _link_target(scanned, close) if close != -1 else None
                if target is not None and target[0] > limit:
                    target = None
                if target is not None and char == "!":
                    spans.append(Span("image", index, target[0], text[index : target[0]], target[1]))
                    index = target[0]
                    continue
                if target is not None:
                    spans.append(Span("link_open", index, index + 1, "["))
                    pending.append((close, target[0], target[1]))
                    index += 1
                    continue
        elif char == "<":
            match = _AUTOLINK_RE.match(text, index)
            if match and match.end() <= limit:
                spans.append(Span("url", index, match.end(), match.group(), match.group()[1:-1]))
                index = match.end()
                continue
            if text.startswith("<!--", index):
                close = scanned.find("-->", index + 4)
                if close != -1 and close + 3 <= limit:
                    spans.append(Span("tag", index, close + 3, text[index : close + 3]))
                    index = close + 3
                    continue
            match = _TAG_RE.match(text, index)
            if match and match.end() <= limit:
                spans.append(Span("tag", index, match.end(), match.group()))
                index = match.end()
                continue
        elif char == "_":
            match = LABML_PLACEHOLDER_RE.match(text, index)
            if match and match.end() <= limit:
                spans.append(Span("placeholder", index, match.end(), match.group()))
                index = match.end()
                continue
        elif char in "hf" and (index == 0 or not (text[index - 1].isascii() and text[index - 1].isalnum())):
            # (CJK text runs straight into a URL: only a Latin letter or digit before it makes it a word.)
            match = _URL_RE.match(text, index, limit)
            if match:
                url = match.group().rstrip(".,;:!?")
                if url.endswith(")") and url.count("(") < url.count(")"):
                    url = url[:-1]
                spans.append(Span("url", index, index + len(url), url, url))
                index += len(url)
                continue
        index += 1
        if not at_line_start:  # plain text up to the next character that can start a span (or end the link)
            found = _SPAN_START_RE.search(text, index, limit)
            index = found.start() if found else limit
    return spans


@dataclass
class Protected:
    """A message with its protected parts replaced by `[[N]]`, and what to put back."""

    original: str
    masked: str
    table: dict[int, str] = field(default_factory=dict)
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (open, close) numbers of each link


class DamagedPlaceholders(ValueError):
    """A translation whose placeholders did not come back exactly once each, in a valid order."""


def placeholder(number: int) -> str:
    return f"[[{number}]]"


def protect(text: str, start: int = 0) -> Protected:
    """Replace every protected span by a numbered placeholder, numbering from `start`."""
    protected = Protected(text, "")
    pieces: list[str] = []
    position = 0
    number = start
    opens: list[int] = []
    for span in scan(text):
        pieces.append(text[position : span.start])
        protected.table[number] = span.text
        pieces.append(placeholder(number))
        if span.kind == "link_open":
            opens.append(number)
        elif span.kind == "link_close":
            protected.pairs.append((opens.pop(), number))
        number += 1
        position = span.end
    pieces.append(text[position:])
    protected.masked = "".join(pieces)
    return protected


def found_placeholders(text: str) -> list[int]:
    """The numbers of the placeholders in a translated text, in order (tolerant of spacing and width)."""
    return [int(match.group(1)) for match in PLACEHOLDER_RE.finditer(text)]


def verify(translated: str, expected: set[int], pairs: list[tuple[int, int]] = ()) -> None:
    """Raise `DamagedPlaceholders` unless each expected placeholder is there exactly once, links in order."""
    found = found_placeholders(translated)
    missing = sorted(expected - set(found))
    extra = sorted(set(found) - expected)
    duplicated = sorted({n for n in found if found.count(n) > 1})
    problems = []
    if missing:
        problems.append("missing " + ", ".join(placeholder(n) for n in missing))
    if extra:
        problems.append("unexpected " + ", ".join(placeholder(n) for n in extra))
    if duplicated:
        problems.append("repeated " + ", ".join(placeholder(n) for n in duplicated))
    if not problems:
        order = {n: i for i, n in enumerate(found)}
        for opening, closing in pairs:
            if order[opening] > order[closing]:
                problems.append(f"link end {placeholder(closing)} before its start {placeholder(opening)}")
    if problems:
        raise DamagedPlaceholders("; ".join(problems))


def restore(translated: str, protected: Protected) -> str:
    """Put the protected spans back into a translation of `protected.masked`."""
    verify(translated, set(protected.table), protected.pairs)
    return PLACEHOLDER_RE.sub(lambda match: protected.table[int(match.group(1))], translated)
