"""Page generation: documents and catalogs become the Markdown pages of one language of the site.

For every source file of `reference_impl/` this writes, into a language's docs folder (`site/generated/<lang>/`):

- an annotated page (`ppo/gae.py` → `ppo/gae.md`, `ppo/__init__.py` → `ppo/index.md`): the notes beside the code
  they explain, one row per section with an anchor (`#section-3`), a "view code" link to the lines on GitHub, and a
  bar of links (paper, source, Colab) under the title;
- for Python modules, an API reference page (`api/ppo/gae.md`) that mkdocstrings fills from the docstrings, which
  `tools.griffe_translate` swaps for their translations;

plus the home page (`index.md`, the hand-written `site/home/<lang>.md` with the links and the list of pages) and the
static assets (our CSS/JS/badge from `site/assets/`, KaTeX from `node_modules/katex/dist`).

Notes are translated block by block (`tools.document.split_blocks`, the same split that made the catalogs). A block
with no usable translation stays English inside `<div class="ap-untranslated" lang="en">`, which the stylesheet
marks; a translation that the sanitiser would have to change is refused the same way (`tools.sanitize`). Files are
rewritten only when their content changes, so a rebuild and the live preview see only real changes.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from tools.document import Document, split_blocks
from tools.errors import UserError
from tools.files import write_atomic
from tools.paths import CONFIG_FILE, LABELS_FILE, ROOT, SITE, SOURCE_ROOT, TRANSLATIONS
from tools.sanitize import unsafe_content

HOME_DIR = SITE / "home"
ASSETS_DIR = SITE / "assets"
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
SOURCE_FOLDER = "reference_impl"  # the source root's path inside the repository, for GitHub links
PLACEHOLDER_REPO = "https://github.com/annotated-ppo/annotated-ppo"

_ARXIV = re.compile(r"https?://arxiv\.org/abs/([0-9]{4}\.[0-9]{4,5})(?:v\d+)?")
# The title line of a docstring section that griffe's Google-style parser reads ("Args:", "Returns:", ...).
_SECTION_TITLE = re.compile(
    r"^(Args|Arguments|Params|Parameters|Keyword Args|Keyword Arguments|Other Parameters|Returns|Return|Yields|"
    r"Yield|Receives|Raises|Raise|Exceptions|Warns|Warnings|Attributes|Functions|Methods|Classes|Modules|"
    r"Examples?|Notes?|Deprecated|Type Aliases)\s*(\([^)]*\))?:\s*$")
# Remote images a reader's browser would fetch from elsewhere, and the vendored copy served instead.
LOCAL_IMAGES = {"https://colab.research.google.com/assets/colab-badge.svg": "assets/colab-badge.svg"}
_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
# An inline Markdown link or image target: ](target) or ](target "title").
_LINK = re.compile(r"(\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")


# --- settings -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSettings:
    """What page generation needs from `mkdocs.yml`."""

    site_name: str
    site_url: str
    repo_url: str
    branch: str
    paper: str
    notebook: str
    languages: dict[str, str]  # code → name, in switcher order
    reading_order: tuple[str, ...] = ()  # source paths in the order a reader should meet them

    @property
    def colab_url(self) -> str:
        """The notebook opened in Colab straight from GitHub."""
        prefix = "https://github.com/"
        repo = self.repo_url.rstrip("/")
        slug = repo[len(prefix):] if repo.startswith(prefix) else PLACEHOLDER_REPO[len(prefix):]
        return f"https://colab.research.google.com/github/{slug}/blob/{self.branch}/{self.notebook}"

    def blob_url(self, repo_path: str) -> str:
        """The file on GitHub at the configured branch."""
        return f"{self.repo_url.rstrip('/')}/blob/{self.branch}/{repo_path}"


def yaml_problem(path: Path, error: BaseException) -> UserError:
    """A YAML syntax error as one line: `file:line:column: invalid YAML: what`."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, yaml.YAMLError):
        cause = cause.__cause__ or cause.__context__  # MkDocs wraps PyYAML's error in its own
    mark = getattr(cause, "problem_mark", None)
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
    problem = getattr(cause, "problem", None) or str(cause or error)
    return UserError(f"{where}: invalid YAML: {problem}".replace("\n", " "))


def load_config_dict(path: Path = CONFIG_FILE) -> dict[str, Any]:
    """The root `mkdocs.yml` as MkDocs reads it (its YAML tags resolved)."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    try:
        with open(path, encoding="utf-8") as stream:
            data = yaml_load(stream)
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from None
    except (yaml.YAMLError, ConfigurationError) as error:
        raise yaml_problem(path, error) from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of MkDocs settings, found {type(data).__name__}")
    return data


_KINDS = {str: "a string", dict: "a mapping", list: "a list"}


def setting(config: Mapping[str, Any], dotted: str, kind: type, default: Any, origin: Path = CONFIG_FILE) -> Any:
    """The value at `dotted` (`extra.languages`) in the configuration, `default` when absent; a wrong type is a
    `UserError` naming the file and the setting (a typo in `mkdocs.yml` should not surface as a traceback)."""
    value: Any = config
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
        if value is None:
            return default
    if not isinstance(value, kind):
        raise UserError(f"{origin}: {dotted} must be {_KINDS.get(kind, kind.__name__)}, found {type(value).__name__} "
                        f"{json.dumps(value, ensure_ascii=False, default=str)[:40]}")
    return value


def load_settings(config: Mapping[str, Any] | None = None, origin: Path = CONFIG_FILE) -> SiteSettings:
    """Read the site settings (repository, branch, paper, notebook, languages) from `mkdocs.yml`.

    The sections the build rewrites per language (`theme`, `plugins`, `extra`) are checked for their type too.
    """
    config = load_config_dict(origin) if config is None else config
    for name, kind in (("plugins", list), ("extra", dict), ("markdown_extensions", list)):
        setting(config, name, kind, None, origin)
    if not isinstance(config.get("theme") or {}, (dict, str)):
        setting(config, "theme", dict, None, origin)
    languages = setting(config, "extra.languages", dict, {"en": "English"}, origin)
    if not languages or not all(isinstance(code, str) and isinstance(name, str) and code and name
                                for code, name in languages.items()):
        raise UserError(f"{origin}: extra.languages must map language codes to names (en: English, ja: 日本語, ...)")
    reading_order = setting(config, "extra.reading_order", list, [], origin)
    if not all(isinstance(path, str) for path in reading_order):
        raise UserError(f"{origin}: extra.reading_order must be a list of source paths (ppo/gae.py, ...)")
    site_url = setting(config, "site_url", str, "", origin)
    if not site_url:
        raise UserError(f"{origin}: site_url is required (canonical URLs, hreflang and the sitemap use it)")
    return SiteSettings(
        site_name=setting(config, "site_name", str, "", origin) or "Annotated PPO",
        site_url=site_url if site_url.endswith("/") else site_url + "/",
        repo_url=setting(config, "repo_url", str, "", origin) or PLACEHOLDER_REPO,
        branch=setting(config, "extra.branch", str, "", origin) or "main",
        paper=setting(config, "extra.paper", str, "", origin) or "https://arxiv.org/abs/1707.06347",
        notebook=setting(config, "extra.notebook", str, "", origin) or "reference_impl/ppo/experiment.ipynb",
        languages=dict(languages),
        reading_order=tuple(reading_order),
    )


def load_labels(path: Path = LABELS_FILE) -> dict[str, dict[str, str]]:
    """The site's own words per language (`site/labels.yml`).

    Every language has every key of English, each a string, with the same `{placeholders}` as the English one.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"{path}: cannot read labels: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from None
    except yaml.YAMLError as error:
        raise yaml_problem(path, error) from None
    if not isinstance(data, dict) or not isinstance(data.get("en"), dict):
        raise UserError(f"{path}: expected a mapping of language → labels with an 'en' entry")
    english = data["en"]
    labels: dict[str, dict[str, str]] = {}
    for lang, entries in data.items():
        if not isinstance(entries, dict):
            raise UserError(f"{path}: {lang}: expected a mapping of label → text, found {type(entries).__name__}")
        missing = sorted(set(english) - set(entries))
        if missing:
            raise UserError(f"{path}: language '{lang}' lacks labels: {', '.join(missing)}")
        for key, value in entries.items():
            if not isinstance(value, str):
                raise UserError(f"{path}: {lang}.{key} must be a string, found {type(value).__name__}")
            if key in english and _fields(value) != _fields(english[key]):
                raise UserError(f"{path}: {lang}.{key} has the placeholders {sorted(_fields(value))}, English has "
                                f"{sorted(_fields(english[key]))}")
        labels[str(lang)] = dict(entries)
    return labels


def _fields(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:  # an unmatched brace
        return {"<unmatched brace>"}


def load_site(config_file: Path = CONFIG_FILE, labels_file: Path = LABELS_FILE,
              ) -> tuple[dict[str, Any], SiteSettings, dict[str, dict[str, str]]]:
    """Everything a build or preview reads first: `mkdocs.yml` (raw and as settings) and the labels, checked
    against each other (labels for a language the site does not have are a typo waiting to happen)."""
    config = load_config_dict(config_file)
    settings = load_settings(config, config_file)
    labels = load_labels(labels_file)
    unknown = [lang for lang in labels if lang not in settings.languages]
    if unknown:
        raise UserError(f"{labels_file}: labels for {', '.join(unknown)}, which {config_file.name}'s extra.languages "
                        f"does not list ({', '.join(settings.languages)})")
    return config, settings, labels


# --- where each document's pages go ---------------------------------------------------------------------------


def page_path(source: PurePosixPath) -> PurePosixPath:
    """The annotated page of a source file, relative to the docs folder (`ppo/__init__.py` → `ppo/index.md`)."""
    if source.name == "__init__.py":
        # The top package's page is named after it: index.md at the top is the home page.
        return source.parent / "index.md" if source.parent.parts else PurePosixPath(f"{SOURCE_FOLDER}.md")
    if source.suffix == ".py":
        return source.with_suffix(".md")
    if source.name.lower() == "index.md":
        return source.parent / "index-page.md"  # never clash with a package's __init__ page
    return source


def api_page_path(source: PurePosixPath) -> PurePosixPath:
    """The API reference page of a Python module (`ppo/gae.py` → `api/ppo/gae.md`)."""
    return PurePosixPath("api") / page_path(source)


def module_name(source: PurePosixPath) -> str:
    """The importable name of a module of the source package (`ppo/gae.py` → `reference_impl.ppo.gae`)."""
    parts = [SOURCE_FOLDER, *source.with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def url_dir(page: PurePosixPath) -> PurePosixPath:
    """The folder a page is served from with directory URLs (`ppo/gae.md` → `ppo/gae`, `ppo/index.md` → `ppo`)."""
    return page.parent if page.name == "index.md" else page.parent / page.stem


def _relative(target: PurePosixPath, from_page: PurePosixPath) -> str:
    return posixpath.relpath(str(target), str(from_page.parent) or ".")


def rewrite_links(text: str, source: PurePosixPath, from_page: PurePosixPath, known: Iterable[PurePosixPath],
                  settings: SiteSettings) -> str:
    """Point links to sibling source files (`[GAE](gae.py)`) at their pages.

    `source` is the file the text comes from (links are relative to it) and `from_page` the page it is shown on.
    A link to a `.py`/`.md` file that is not a page of the site goes to the file on GitHub. A known remote
    image (the Colab badge) is replaced by the site's own copy, so that no page loads anything from elsewhere.
    """
    known_set = set(known)

    def local_image(match: re.Match[str]) -> str:
        local = LOCAL_IMAGES.get(match.group(2))
        if local is None:
            return match.group(0)
        return match.group(1) + _relative(PurePosixPath(local), from_page) + match.group(3)

    text = _IMAGE.sub(local_image, text)

    def replace(match: re.Match[str]) -> str:
        target = match.group(2)
        if "://" in target or target.startswith(("#", "/", "mailto:")):
            return match.group(0)
        path, _, fragment = target.partition("#")
        if not path.endswith((".py", ".md")):
            return match.group(0)
        resolved = PurePosixPath(posixpath.normpath(posixpath.join(str(source.parent), path)))
        if resolved in known_set:
            new = _relative(page_path(resolved), from_page)
        elif not str(resolved).startswith(".."):
            new = settings.blob_url(f"{SOURCE_FOLDER}/{resolved}")
        else:
            return match.group(0)
        if fragment:
            new += "#" + fragment
        return match.group(1) + new + match.group(3)

    return _LINK.sub(replace, text)


# --- translation ----------------------------------------------------------------------------------------------


@dataclass
class Translator:
    """Translates the notes of one source file into one language, block by block, with English as the fallback."""

    lang: str
    translations: Mapping[str, Any]  # English message → tools.catalog.Translation (text, machine)
    origin: str  # the catalog, for messages
    labels: Mapping[str, str]
    # For docstrings: a block that opens a section griffe parses ("Args:", "Returns:") is never wrapped, or the
    # parser would not find it (its English is shown as is).
    docstring_sections: bool = False
    warnings: list[str] = field(default_factory=list)
    missing: int = 0

    def _usable(self, english: str) -> tuple[str, bool] | None:
        entry = self.translations.get(english)
        if entry is None or not getattr(entry, "text", "").strip():
            return None
        problems = unsafe_content(entry.text)
        if problems:
            short = english if len(english) <= 60 else english[:57] + "..."
            self.warnings.append(f"{self.origin}: refused the translation of {short!r}: it contains "
                                 f"{', '.join(problems)}; showing English")
            return None
        return entry.text, bool(getattr(entry, "machine", False))

    def text(self, english: str) -> str:
        """A plain-text string (title, summary): the translation if usable and free of markup, else English."""
        if not english:
            return english
        text, kind = self.lookup(english)
        if kind != "english" and text != english and ("<" in text or ">" in text):
            self.warnings.append(f"{self.origin}: refused the translation of {english!r}: markup in a title")
            return english
        return text

    def lookup(self, english: str) -> tuple[str, str]:
        """One translatable block: (Markdown, kind), kind `translated`, `machine` or `english` (the fallback)."""
        if self.lang == "en":
            return english, "translated"
        found = self._usable(english)
        if found is None:
            self.missing += 1
            return english, "english"
        text, machine = found
        return text, "machine" if machine else "translated"

    def block(self, english: str) -> str:
        """One translatable block as Markdown: translated, or English marked as untranslated."""
        text, kind = self.lookup(english)
        return self._wrap([text], kind)

    def _bare(self, text: str) -> bool:
        if self.docstring_sections and _SECTION_TITLE.match(text.split("\n", 1)[0]):
            return True
        # An indented block continues a list item: a wrapper would turn it into a code block, so it stays bare.
        return text[:1].isspace()

    def _wrap(self, texts: list[str], kind: str) -> str:
        body = "\n\n".join(texts)
        if kind not in ("english", "machine") or not texts:
            return body
        if self._bare(texts[0]):
            return texts[0] + ("\n\n" + self._wrap(texts[1:], kind) if texts[1:] else "")
        bare = next((i for i, text in enumerate(texts) if self.docstring_sections and i and self._bare(text)
                     and not text[:1].isspace()), None)
        if bare is not None:
            return self._wrap(texts[:bare], kind) + "\n\n" + self._wrap(texts[bare:], kind)
        css_class, label = (("ap-untranslated", self.labels["untranslated"]) if kind == "english"
                            else ("ap-machine", self.labels["machine"]))
        lang_attr = ' lang="en"' if kind == "english" else ""
        label_attr = label.replace("&", "&amp;").replace('"', "&quot;")
        return f'<div class="{css_class}"{lang_attr} data-label="{label_attr}" markdown>\n\n{body}\n\n</div>'

    def note(self, note: str) -> str:
        """A whole note, block by block; consecutive fallback (or machine) blocks share one marked wrapper.

        Display maths and code blocks have nothing to translate; between two blocks of the same kind they join
        that kind's wrapper, so an English paragraph, its formula and the next English paragraph read as one.
        """
        items: list[tuple[str, str]] = []
        for block in split_blocks(note):
            items.append(self.lookup(block.text) if block.translatable else (block.text, "neutral"))
        kinds = [kind for _, kind in items]
        for index, kind in enumerate(kinds):
            if kind != "neutral":
                continue
            before = next((k for k in reversed(kinds[:index]) if k != "neutral"), None)
            after = next((k for k in kinds[index + 1:] if k != "neutral"), None)
            kinds[index] = before if before == after and before in ("english", "machine") else "translated"
        parts: list[str] = []
        group: list[str] = []
        group_kind = ""
        for (text, _), kind in zip(items, kinds, strict=True):
            if group and kind != group_kind:
                parts.append(self._wrap(group, group_kind))
                group = []
            group.append(text)
            group_kind = kind
        if group:
            parts.append(self._wrap(group, group_kind))
        return "\n\n".join(parts)


# --- page rendering -------------------------------------------------------------------------------------------


def paper_url(document: Document, settings: SiteSettings) -> str:
    """The paper a page is about: the first arXiv link in its notes, else the project's paper."""
    for section in document.sections:
        match = _ARXIV.search(section.note)
        if match:
            return f"https://arxiv.org/abs/{match.group(1)}"
    return settings.paper


def _arxiv_id(url: str) -> str:
    match = _ARXIV.search(url)
    return match.group(1) if match else url


def _front_matter(**values: str) -> str:
    # JSON strings are YAML strings: quotes, colons and CJK survive exactly.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items() if value]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def links_bar(page: PurePosixPath, labels: Mapping[str, str], settings: SiteSettings, paper: str,
              source: PurePosixPath | None = None) -> str:
    """The paper, source and Colab links shown under a page's title."""
    # Raw HTML is not rewritten by MkDocs: the image path is relative to the page's URL, not to its file.
    badge = posixpath.relpath("assets/colab-badge.svg", str(url_dir(page)))
    source_url = settings.blob_url(f"{SOURCE_FOLDER}/{source}") if source else settings.repo_url
    items = [
        f'<a class="ap-link ap-paper" href="{_attr(paper)}">{labels["paper"]}: arXiv:{_arxiv_id(paper)}</a>',
        f'<a class="ap-link ap-source" href="{_attr(source_url)}">{labels["source"]}</a>',
        f'<a class="ap-link ap-colab" href="{_attr(settings.colab_url)}">'
        f'<img src="{badge}" alt="{_attr(labels["open_in_colab"])}" width="117" height="20"></a>',
    ]
    return '<div class="ap-links" data-search-exclude>\n' + "\n".join(items) + "\n</div>\n"


def _fence(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def render_annotated(document: Document, lang: str, translator: Translator, settings: SiteSettings,
                     known: Iterable[PurePosixPath]) -> str:
    """The Markdown of a document's annotated page in one language."""
    labels = translator.labels
    page = page_path(document.path)
    known = list(known)
    title = translator.text(document.title)
    summary = translator.text(document.summary)
    parts = [_front_matter(title=title, description=summary)]

    sections = list(document.sections)
    heading = f"# {title}"
    first_note = sections[0].note if sections else ""
    blocks = split_blocks(first_note)
    if blocks and blocks[0].translatable and blocks[0].text.startswith("# ") and "\n" not in blocks[0].text:
        heading = translator.block(blocks[0].text)
        first_note = "\n\n".join(b.text for b in blocks[1:])
    parts.append(rewrite_links(heading, document.path, page, known, settings) + "\n\n")
    parts.append(links_bar(page, labels, settings, paper_url(document, settings), document.path) + "\n")

    repo_path = f"{SOURCE_FOLDER}/{document.path}"
    plain = "?plain=1" if document.path.suffix == ".md" else ""
    for number, section in enumerate(sections, start=1):
        note = first_note if number == 1 else section.note
        note_md = rewrite_links(translator.note(note), document.path, page, known, settings) if note.strip() else ""
        anchor = f"section-{number}"
        view = (f"{settings.blob_url(repo_path)}{plain}#L{section.start_line}"
                + (f"-L{section.end_line}" if section.end_line != section.start_line else ""))
        view_title = labels["view_code_title"].format(path=repo_path, start=section.start_line, end=section.end_line)
        kind = "ap-section" if section.code.strip() else "ap-section ap-section--prose"
        parts.append(
            f'<div class="{kind}" id="{anchor}" markdown>\n'
            f'<div class="ap-note" markdown>\n'
            f'<div class="ap-tools" data-search-exclude>'
            f'<a class="ap-anchor" href="#{anchor}" title="{_attr(labels["section_link"])}">#</a> '
            f'<a class="ap-view-code" href="{_attr(view)}" title="{_attr(view_title)}">{labels["view_code"]}</a>'
            f"</div>\n\n{note_md}\n\n</div>\n"
        )
        if section.code.strip():
            fence = _fence(section.code)
            parts.append(f'<div class="ap-code" data-search-exclude markdown>\n\n{fence}python\n{section.code}\n'
                         f"{fence}\n\n</div>\n")
        parts.append("</div>\n\n")
    return "".join(parts)


def render_api(document: Document, translator: Translator, settings: SiteSettings) -> str:
    """The Markdown of a module's API reference page: mkdocstrings renders (translated) docstrings into it."""
    page = api_page_path(document.path)
    title = translator.text(document.title)
    return (_front_matter(title=f"{title}: API", description=translator.text(document.summary))
            + f"# {title}: API\n\n"
            + links_bar(page, translator.labels, settings, paper_url(document, settings), document.path)
            + f"\n::: {module_name(document.path)}\n")


def render_home(lang: str, documents: list[Document], translators: Mapping[PurePosixPath, Translator],
                settings: SiteSettings, labels: Mapping[str, str], home_dir: Path = HOME_DIR) -> str:
    """The home page of one language: its hand-written introduction, the links and the list of pages."""
    intro_file = home_dir / f"{lang}.md"
    try:
        intro = intro_file.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise UserError(f"{intro_file}: cannot read the home page of '{lang}': {error}") from None
    page = PurePosixPath("index.md")
    heading, _, rest = intro.partition("\n")
    if not heading.startswith("# "):
        heading, rest = f"# {settings.site_name}", intro
    lines = [_front_matter(title=settings.site_name) + heading, "", links_bar(page, labels, settings, settings.paper),
             rest.strip(), "", f"## {labels['pages']}", ""]
    for document in documents:
        translator = translators[document.path]
        title = translator.text(document.title)
        summary = translator.text(document.summary)
        entry = f"- [{title}]({page_path(document.path)})"
        lines.append(entry + (f": {summary}" if summary else ""))
    python_docs = [d for d in documents if d.path.suffix == ".py"]
    if python_docs:
        lines += ["", f"## {labels['api_reference']}", ""]
        for document in python_docs:
            title = translators[document.path].text(document.title)
            lines.append(f"- [`{module_name(document.path)}`]({api_page_path(document.path)}): {title}")
    return "\n".join(lines) + "\n"


# --- writing a language ---------------------------------------------------------------------------------------


@dataclass
class Generated:
    """What generating one language produced."""

    lang: str
    docs_dir: Path
    files: dict[str, bytes] = field(default_factory=dict)  # relative path → content
    nav: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing: int = 0  # messages shown in English for want of a usable translation
    written: int = 0
    removed: int = 0

    def digest(self) -> str:
        """A hash of every generated file: equal digests mean equal pages."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        return h.hexdigest()


def asset_files(assets_dir: Path = ASSETS_DIR, katex_dist: Path = KATEX_DIST) -> dict[str, bytes]:
    """Our own assets and the vendored KaTeX (script, stylesheet, fonts), by path in the docs folder."""
    needed = [katex_dist / "katex.min.js", katex_dist / "katex.min.css", katex_dist / "fonts"]
    if not all(path.exists() for path in needed):
        raise UserError(f"{katex_dist}: KaTeX is missing; run `npm ci` (or `make site`) to install it from "
                        "package-lock.json: the site vendors it rather than loading it from a CDN")
    files: dict[str, bytes] = {}
    for path in sorted(assets_dir.rglob("*")):
        if path.is_file():
            files[f"assets/{path.relative_to(assets_dir).as_posix()}"] = path.read_bytes()
    files["assets/katex/katex.min.js"] = (katex_dist / "katex.min.js").read_bytes()
    files["assets/katex/katex.min.css"] = (katex_dist / "katex.min.css").read_bytes()
    for font in sorted((katex_dist / "fonts").iterdir()):
        if font.suffix in (".woff2", ".woff", ".ttf"):
            files[f"assets/katex/fonts/{font.name}"] = font.read_bytes()
    return files


def _order(documents: list[Document], reading_order: tuple[str, ...] = ()) -> list[Document]:
    # The pages listed in `extra.reading_order` come first, in that order (the order of the argument, not of the
    # alphabet); the rest read top down: a package's readme, then its __init__, then the modules.
    listed = {path: index for index, path in enumerate(reading_order)}

    def key(document: Document) -> tuple[Any, ...]:
        path = document.path
        rank = 0 if path.name.lower() == "readme.md" else 1 if path.name == "__init__.py" else 2
        return (listed.get(str(path), len(listed)), path.parent.parts, rank, path.name)

    return sorted(documents, key=key)


def generate_language(lang: str, documents: list[Document], docs_dir: Path, settings: SiteSettings,
                      labels: Mapping[str, Mapping[str, str]], translations_root: Path = TRANSLATIONS,
                      home_dir: Path = HOME_DIR, assets: Mapping[str, bytes] | None = None) -> Generated:
    """Write every page of one language into `docs_dir` (stale files removed) and return what was made."""
    from tools.catalog import load_translations

    if lang not in labels:
        raise UserError(f"{LABELS_FILE}: no labels for language '{lang}'")
    lang_labels = labels[lang]
    result = Generated(lang, docs_dir)
    documents = _order(documents, settings.reading_order)
    known = [d.path for d in documents]
    translators: dict[PurePosixPath, Translator] = {}
    for document in documents:
        table = {} if lang == "en" else load_translations(lang, document.path, translations_root)
        origin = f"translations/{lang}/{document.path}.json"
        translators[document.path] = Translator(lang, table, origin, lang_labels)

    pages = [page_path(d.path) for d in documents]
    clashes = sorted({str(p) for p in pages if pages.count(p) > 1} | ({"index.md"} & {str(p) for p in pages}))
    if clashes:
        raise UserError(f"{SOURCE_ROOT}: several source files would make the page {', '.join(clashes)}")
    files: dict[str, bytes] = {}
    files["index.md"] = render_home(lang, documents, translators, settings, lang_labels, home_dir).encode()
    nav: list[Any] = [{lang_labels["home"]: "index.md"}]
    api_nav: list[Any] = []
    for document in documents:
        translator = translators[document.path]
        page = page_path(document.path)
        files[str(page)] = render_annotated(document, lang, translator, settings, known).encode()
        nav.append(str(page))
        if document.path.suffix == ".py":
            api = api_page_path(document.path)
            files[str(api)] = render_api(document, translator, settings).encode()
            api_nav.append({translator.text(document.title): str(api)})
    if api_nav:
        nav.append({lang_labels["api_reference"]: api_nav})
    files.update(asset_files() if assets is None else assets)

    for name, data in files.items():
        result.written += write_atomic(docs_dir / name, data, sync=False)
    for path in sorted(docs_dir.rglob("*"), reverse=True):
        relative = path.relative_to(docs_dir).as_posix()
        if path.is_file() and relative not in files:
            path.unlink()
            result.removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    result.files = files
    result.nav = nav
    for translator in translators.values():
        result.warnings.extend(translator.warnings)
        result.missing += translator.missing
    return result


def load_documents(source_root: Path = SOURCE_ROOT) -> list[Document]:
    """Every document of the source tree (via `tools.extract`)."""
    from tools.extract import extract_document, source_files

    return [extract_document(path, source_root) for path in source_files(source_root)]
