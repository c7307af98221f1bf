"""Extraction: a source file of the literate package (`reference_impl/` here) becomes a `tools.document.Document`.

Python modules follow the literate conventions of the nn.labml.ai pages:

- The module docstring opens the page. YAML front matter between `---` lines at its top gives the `title` and
  `summary`; the rest of the docstring is the note of the first section, and the code that follows it without a
  comment of its own (the imports) belongs to that section.
- A block of full-line comments directly above code annotates that code and starts a new section. The comment text
  is the Markdown of the note (`# ` stripped; a bare `#` inside a block is a paragraph break).
- A block made only of bare `#` lines starts a new section with no note: it splits code that needs no comment.
- Code with no comment above it continues the current section.
- A class, function or attribute docstring is the note of a section whose code is the definition line(s) (with
  decorators), the docstring removed; the body follows in the same section until the next comment. A comment block
  directly above such a definition and its docstring form one note.
- Docstrings are normalised with `inspect.cleandoc`, as griffe does, so the translated API reference finds the same
  catalog messages as the annotated pages.

Markdown pages (`readme.md`) have optional front matter (else the title is the first `# ` heading) and one section
per `## ` heading (the text before the first one is a section too), none with code.

Docstrings are read as written in the file: in a non-raw docstring Python reads `\\begin` as a backspace and
"egin", but a literate author means TeX (labml's sources are written so). Where the string Python evaluates differs
from the text in the file, the text wins and the document carries a one-line warning naming the file and line
(`r\"\"\"` silences it). Comments are read as written anyway.

Everything is read with `ast` and `tokenize`; a pattern only looks at the escapes inside a string literal.
"""

from __future__ import annotations

import ast
import inspect
import io
import itertools
import re
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from tools.document import Document, Section, fence_marker
from tools.errors import UserError
from tools.paths import SOURCE_ROOT

# Full-line comments that are tool directives, not prose: they stay in the code.
_DIRECTIVES = ("!", "-*-", "noqa", "type:", "pragma", "fmt:", "ruff:", "isort:", "pylint:", "mypy:")
_SKIPPED_DIRS = ("__pycache__", ".ipynb_checkpoints")


# libyaml's loader where PyYAML has it: the same documents, several times faster than the pure-Python one
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

def _packages_of(root: Path) -> tuple[str, ...]:
    """The configured source folders below `root`, when `root` is the folder of several (else all of `root`)."""
    from tools.site_config import project

    try:
        where = project()
    except UserError:  # no configuration here: the folder is all there is
        return ()
    return where.packages if Path(root).resolve() == where.source_root else ()


def _skipped(relative: Path, packages: tuple[str, ...]) -> bool:
    if any(part in _SKIPPED_DIRS or part.startswith(".") for part in relative.parts):
        return True
    return bool(packages) and not any(relative.as_posix().startswith(package + "/") for package in packages)


def source_files(root: Path = SOURCE_ROOT) -> list[Path]:
    """Every `*.py` and `*.md` file under `root` (of the configured source folders, when `root` holds several),
    sorted by relative path; caches and notebooks are skipped."""
    if not root.is_dir():
        return []
    packages = _packages_of(root)
    found = []
    for path in root.rglob("*"):
        if path.suffix not in (".py", ".md") or not path.is_file():
            continue
        if _skipped(path.relative_to(root), packages):
            continue
        found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def source_assets(root: Path = SOURCE_ROOT, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """The files beside the sources that their pages show or link (images: `tools.links.ASSET_SUFFIXES`)."""
    from tools.links import ASSET_SUFFIXES

    suffixes = suffixes or ASSET_SUFFIXES
    if not root.is_dir():
        return []
    packages = _packages_of(root)
    found = [path for path in root.rglob("*") if path.suffix.lower() in suffixes and path.is_file()
             and not _skipped(path.relative_to(root), packages)]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def extract_document(path: Path, root: Path = SOURCE_ROOT) -> Document:
    """Parse one source file into its document; `Document.path` is relative to `root`."""
    path = Path(path)
    try:
        relative = PurePosixPath(path.resolve().relative_to(Path(root).resolve()).as_posix())
    except ValueError:
        raise UserError(f"{path}: not under the source root {root}") from None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read: {error}") from None
    if path.suffix == ".md":
        return _markdown_document(text, relative, path)
    return _python_document(text, relative, path)


# --- front matter -------------------------------------------------------------------------------------------


def split_front_matter(text: str, origin: Path | str) -> tuple[dict[str, str], str, int]:
    """Split YAML front matter (between `---` lines at the very top) from Markdown.

    Returns the metadata, the rest of the text and how many lines the front matter took (0 without any).
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 0
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            try:
                data = yaml.load("\n".join(lines[1:index]), Loader=_YAML_LOADER) or {}
            except yaml.YAMLError as error:
                raise UserError(f"{origin}: invalid YAML front matter: {error}".replace("\n", " ")) from None
            if not isinstance(data, dict):
                raise UserError(f"{origin}: front matter must be a YAML mapping (title: ..., summary: ...)")
            meta = {str(key): "" if value is None else str(value).strip() for key, value in data.items()}
            return meta, "\n".join(lines[index + 1 :]), index + 1
    raise UserError(f"{origin}: front matter opened with '---' is never closed")


def _outside_fences(lines: list[str]) -> list[bool]:
    """For each line, whether it is outside fenced code (the fence lines themselves count as inside)."""
    outside, fence = [], None
    for line in lines:
        marker = fence_marker(line)
        outside.append(fence is None and marker is None)
        if fence is None:
            fence = marker
        elif marker == fence:
            fence = None
    return outside


def _first_heading(markdown: str) -> str:
    lines = markdown.split("\n")
    for line, outside in zip(lines, _outside_fences(lines), strict=True):
        if outside and line.strip().startswith("# "):
            return line.strip()[2:].strip()
    return ""


def _default_title(relative: PurePosixPath) -> str:
    if relative.name == "__init__.py" and len(relative.parts) > 1:
        return relative.parent.name
    return relative.stem


# --- Markdown pages -----------------------------------------------------------------------------------------


def _markdown_document(text: str, relative: PurePosixPath, origin: Path) -> Document:
    meta, body, offset = split_front_matter(text, origin)
    title = meta.get("title") or _first_heading(body) or _default_title(relative)
    sections: list[Section] = []
    chunk: list[str] = []
    chunk_start = offset + 1
    heading = ""

    def flush() -> None:
        # Trim blank lines around the chunk, keeping the line numbers honest.
        first = next((i for i, line in enumerate(chunk) if line.strip()), None)
        if first is None:
            return
        last = max(i for i, line in enumerate(chunk) if line.strip())
        note = "\n".join(chunk[first : last + 1])
        context = f"{relative.name}: {heading}" if heading else f"{relative.name}: introduction"
        sections.append(Section(note, "", chunk_start + first, chunk_start + last, context))

    lines = body.split("\n")
    for index, (line, outside) in enumerate(zip(lines, _outside_fences(lines), strict=True)):
        if outside and line.startswith("## "):
            flush()
            chunk, chunk_start, heading = [], offset + index + 1, line.strip()
        chunk.append(line)
    flush()
    return Document(relative, title, meta.get("summary", ""), sections)


# --- Python modules -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Definition:
    """A definition with a docstring: its first line, the docstring's lines and text."""

    start: int  # first line of the definition, decorators included
    doc_start: int
    doc_end: int
    docstring: str
    context: str


@dataclass
class _Builder:
    note: list[str]
    code: list[str]
    start: int
    end: int
    context: str
    first: bool = False  # the module docstring's section: comments never merge into it

    def has_code(self) -> bool:
        return any(line.strip() for line in self.code)

    def build(self) -> Section:
        code = list(self.code)
        while code and not code[-1].strip():
            code.pop()
        while code and not code[0].strip():
            code.pop(0)
        return Section("\n\n".join(part for part in self.note if part), "\n".join(code), self.start, self.end,
                       self.context)


# Escapes an author writes on purpose in a non-raw string (`\\\\` for one backslash, an escaped quote, a
# line continuation): a string with only these means what Python reads.
_DELIBERATE_ESCAPES = {"\\", '"', "'", "\n"}


class SourceLines:
    """A file's text split into lines once, for the source segments of many nodes: `ast.get_source_segment` splits
    the whole text again on every call, which made reading a module's docstrings quadratic in its length."""

    # Lines as Python's parser counts them: ended by \r\n, \r or \n (not by the form feeds of `str.splitlines`)
    _LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

    def __init__(self, text: str) -> None:
        self.lines = self._LINE.findall(text)

    def segment(self, node: ast.expr) -> str:
        """The text of `node`, as `ast.get_source_segment` gives it (columns are UTF-8 byte offsets)."""
        if node.end_lineno is None or node.end_col_offset is None or node.end_lineno > len(self.lines):
            return ""
        first, last = node.lineno - 1, node.end_lineno - 1
        if first == last:
            return self.lines[first].encode()[node.col_offset:node.end_col_offset].decode()
        return "".join([self.lines[first].encode()[node.col_offset:].decode(), *self.lines[first + 1:last],
                        self.lines[last].encode()[:node.end_col_offset].decode()])


def as_written(source: str | SourceLines, constant: ast.Constant) -> tuple[str, bool]:
    """A string literal's text as written in the file (its escapes not evaluated) and whether Python's value
    differs from it. Raw, byte and f-strings, and implicitly concatenated ones, are taken as Python reads them."""
    segment = (source if isinstance(source, SourceLines) else SourceLines(source)).segment(constant)
    prefix = ""
    while segment[len(prefix):len(prefix) + 1].isalpha():
        prefix += segment[len(prefix)]
    quote = segment[len(prefix):len(prefix) + 3]
    width = 3 if quote in ('"""', "'''") else 1
    body = segment[len(prefix) + width:len(segment) - width]
    if set(prefix.lower()) - {"u"} or not segment.endswith(quote[:width]) or _string_tokens(segment) != 1:
        return constant.value, False
    if body == constant.value:
        return constant.value, False
    escapes = set(re.findall(r"\\(.)", body, re.S))
    if escapes <= _DELIBERATE_ESCAPES:  # `\\theta`: the author escaped the backslash, Python's value is meant
        return constant.value, False
    return body, True


def _string_tokens(segment: str) -> int:
    try:
        return sum(token.type == tokenize.STRING for token in tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, SyntaxError):
        return 0


def literal_docstrings(path: Path) -> dict[int, str]:
    """Line of each docstring of a module → its text as written, cleaned like griffe's (`inspect.cleandoc`): for
    the API reference, which must show the same text as the annotated page (`tools.griffe_translate`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError):
        return {}
    found: dict[int, str] = {}
    source = SourceLines(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value, differs = as_written(source, node)
            if differs:
                found[node.lineno] = inspect.cleandoc(value)
    return found


def _string_expr(node: ast.stmt) -> ast.Constant | None:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
        return node.value
    return None


def _attribute_name(node: ast.stmt) -> str | None:
    """The documented name of an assignment that griffe would give an attribute docstring."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    if len(targets) != 1:
        return None
    target = targets[0]
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
        return target.attr
    return None


class _Scopes(ast.NodeVisitor):
    """Collects definitions with docstrings and the line span of every class and function."""

    def __init__(self, text: str = "", origin: Path | str = "") -> None:
        self.text, self.origin = text, origin
        self.source = SourceLines(text)
        self.warnings: list[str] = []  # docstrings whose Python value differs from their text in the file
        self.definitions: dict[int, _Definition] = {}
        self.spans: list[tuple[int, int, str]] = []  # (first line, last line, qualified name)
        self._names: list[str] = []

    def docstring(self, constant: ast.Constant) -> str:
        """A docstring as written (see the module docstring), cleaned as griffe cleans it."""
        value, differs = as_written(self.source, constant) if self.text else (constant.value, False)
        if differs:
            self.warnings.append(f"{self.origin}:{constant.lineno}: a non-raw docstring whose escapes Python reads "
                                 "differently (\\b, \\f, \\t, ...): read as written; make it r\"\"\" to say so")
        return inspect.cleandoc(value)

    def visit_Module(self, node: ast.Module) -> None:
        self._attributes(node.body, owner="", self_attributes=False)
        self.generic_visit(node)

    def _definition(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        qualname = ".".join([*self._names, node.name])
        start = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
        self.spans.append((start, node.end_lineno or node.lineno, qualname))
        constant = _string_expr(node.body[0]) if node.body else None
        if constant is not None and constant.lineno > node.lineno:
            self.definitions[start] = _Definition(
                start, constant.lineno, constant.end_lineno or constant.lineno, self.docstring(constant),
                f"{qualname} docstring")
        is_class = isinstance(node, ast.ClassDef)
        if is_class:
            self._attributes(node.body, owner=qualname, self_attributes=False)
        elif node.name == "__init__" and self._names:
            self._attributes(node.body, owner=".".join(self._names), self_attributes=True)
        self._names.append(node.name)
        self.generic_visit(node)
        self._names.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _definition

    def _attributes(self, body: list[ast.stmt], owner: str, self_attributes: bool) -> None:
        for node, following in itertools.pairwise(body):
            name = _attribute_name(node)
            constant = _string_expr(following)
            if name is None or constant is None:
                continue
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target  # type: ignore[attr-defined]
            if isinstance(target, ast.Attribute) != self_attributes:
                continue
            qualname = f"{owner}.{name}" if owner else name
            self.definitions[node.lineno] = _Definition(
                node.lineno, constant.lineno, constant.end_lineno or constant.lineno,
                self.docstring(constant), f"{qualname} docstring")

    def scope_at(self, line: int) -> str:
        best = ""
        best_start = 0
        for first, last, name in self.spans:
            if first <= line <= last and first >= best_start:
                best, best_start = name, first
        return best


def _comment_lines(text: str, origin: Path) -> dict[int, str]:
    """Line number → comment text (without `#` and one space) for every full-line prose comment."""
    comments: dict[int, str] = {}
    lines = text.split("\n")
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.COMMENT:
                continue
            row, column = token.start
            if lines[row - 1][:column].strip():
                continue  # a trailing comment belongs to its code line
            body = token.string[1:]
            if body.lstrip().startswith(_DIRECTIVES) or (row == 1 and body.startswith("!")):
                continue
            comments[row] = body[1:] if body.startswith(" ") else body
    except (tokenize.TokenError, SyntaxError) as error:
        raise UserError(f"{origin}: cannot tokenize: {error}") from None
    return comments


def _python_document(text: str, relative: PurePosixPath, origin: Path) -> Document:
    try:
        with warnings.catch_warnings():  # invalid escapes in non-raw strings are the linter's business
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=str(origin))
    except SyntaxError as error:
        raise UserError(f"{origin}:{error.lineno}:{error.offset}: syntax error: {error.msg}") from None
    scopes = _Scopes(text, origin)
    scopes.visit(tree)
    comments = _comment_lines(text, origin)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    meta: dict[str, str] = {}
    sections: list[_Builder] = []
    skip_until = 0
    module_doc = _string_expr(tree.body[0]) if tree.body else None
    if module_doc is not None:
        meta, note, _ = split_front_matter(scopes.docstring(module_doc), origin)
        end = module_doc.end_lineno or module_doc.lineno
        sections.append(_Builder([note.strip("\n")], [], 1, end, "module docstring", first=True))
        skip_until = end

    def current() -> _Builder | None:
        return sections[-1] if sections else None

    def open_section(note: str, start: int, end: int, context: str) -> None:
        section = current()
        if section is not None and not section.has_code() and not section.first:
            # Nothing to annotate yet: this note joins the previous one (a comment above a docstring).
            section.note.append(note)
            section.end = end
            if note and not section.context.endswith("docstring"):
                section.context = context
            return
        sections.append(_Builder([note], [], start, end, context))

    number = skip_until + 1
    while number <= len(lines):
        definition = scopes.definitions.get(number)
        if definition is not None:
            open_section(definition.docstring, definition.start, definition.doc_end, definition.context)
            section = sections[-1]
            section.code.extend(lines[definition.start - 1 : definition.doc_start - 1])
            section.end = definition.doc_end
            number = definition.doc_end + 1
            continue
        if number in comments:
            block_end = number
            while block_end + 1 in comments:
                block_end += 1
            block = [comments[row] for row in range(number, block_end + 1)]
            note = "\n".join(block).strip("\n")
            scope = scopes.scope_at(number)
            context = f"comment in {scope}" if scope else "comment"
            if note.strip():
                open_section(note, number, block_end, context)
            elif current() is not None and current().has_code():
                sections.append(_Builder([], [], number, block_end, context))
            number = block_end + 1
            continue
        line = lines[number - 1]
        section = current()
        if section is None:
            if not line.strip():
                number += 1
                continue
            sections.append(_Builder([], [], number, number, "code"))
            section = sections[-1]
        section.code.append(line)
        if line.strip():
            section.end = number
        number += 1

    title = meta.get("title") or (_first_heading(sections[0].note[0]) if module_doc is not None else "")
    built = [section.build() for section in sections]
    built = [section for section in built if section.note.strip() or section.code.strip()]
    return Document(relative, title or _default_title(relative), meta.get("summary", ""), built,
                    warnings=scopes.warnings)
