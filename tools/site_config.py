"""The site configuration: the one block of `mkdocs.yml` the generator reads (`extra.literate`), and the site's
own words per language (`site/labels.yml`), checked once for every command that needs them.

Like `mkdocs`, the generator works on the `mkdocs.yml` of the current folder, or on the file named by `-f` (the
command line puts it into the environment as `LITERATE_CONFIG`, so that child processes read the same file). Every
path of the block is relative to the folder of that file. The block:

    extra:
      literate:
        site_url: https://owner.github.io/project/   # each language below it: <site_url>en/, <site_url>ja/
        repo_url: https://github.com/owner/project   # "view code" links, Colab; also MkDocs' repo_url
        branch: main
        sources: [my_package]                        # the literate package(s): every .py and .md is a page
        translations: translations                   # <translations>/<lang>/<source path>.json
        languages: {en: English, ja: 日本語}          # switcher order; the first is the sources' language
        notebook: my_package/experiment.ipynb        # the default Colab notebook ...
        notebook_name: experiment.ipynb              # ... unless a module's folder has one of this name
        paper: https://arxiv.org/abs/...             # for pages that link no arXiv paper of their own
        links: strict                                # or `warn`: a link to no page fails the build, or is listed
        reading_order: [readme.md, ...]              # these pages first in the navigation
        labels: site/labels.yml                      # optional: the site's own words per language
        home: site/home                              # optional: <lang>.md, the introduction of each home page

Everything else is derived from it: the command line's language choices, the catalogs, the builds (one per
language), the switcher, the search language, the labels and the root page.
"""

from __future__ import annotations

import functools
import json
import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from tools.charts import CurveSpec, curve_spec
from tools.errors import UserError
from tools.segment import SEGMENTERS as SEARCH_SEGMENTERS
from tools.segment import segmenter_for

CONFIG_ENV = "LITERATE_CONFIG"  # the configuration file, when not ./mkdocs.yml (set by -f)
BLOCK = "extra.literate"  # where the generator's settings live in mkdocs.yml
# The generator's own files are package data of `tools` (pyproject.toml), found beside this file in a checkout and
# in an installed wheel alike: templates, the sanitising hook, assets, labels, default settings and, in a wheel, KaTeX.
TOOL_ROOT = Path(__file__).resolve().parent.parent  # the folder `tools` is imported from: a checkout, or site-packages
TOOL_SITE = Path(__file__).resolve().parent / "theme"
TOOL_DEFAULTS = TOOL_SITE / "defaults.yml"  # what a project's mkdocs.yml may leave out (DEFAULTED)
TOOL_KATEX = TOOL_SITE / "katex"  # KaTeX's dist, which setup.py copies into a wheel from node_modules
PLACEHOLDER_REPO = "https://github.com/annotated-ppo/annotated-ppo"
PLACEHOLDER_SITE = "https://annotated-ppo.github.io/annotated-ppo/"
# Defaults of the block. The only language codes written in Python are these, the theme's own fallback and the
# tables of per-language handlers (search segmenters, machine-translation codes), which list what they know about.
DEFAULT_SOURCE = "en"
DEFAULT_LANGUAGES = {DEFAULT_SOURCE: "English"}
# The language of Material's (and lunr's) words for a language they have no translation of: Material shows its
# English, which the site marks as such (lang="en", tools/chrome.py) on the pages of any other language.
THEME_FALLBACK = "en"
# A label `theme.<key>` is the site's own word for one of Material's (its partials/languages/en.html keys): it comes
# before Material's translation (tools/theme/overrides/partials/language.html). No language needs one.
THEME_LABEL = "theme."
# The module of each language's search segmenter (the table is tools.segment.SEGMENTERS). Material's search imports
# jieba whenever it can, and jieba would cut Japanese kanji apart: each build runs with the others blocked.
SEGMENTERS = {lang: segmenter.module for lang, segmenter in SEARCH_SEGMENTERS.items()}
LINK_POLICIES = ("strict", "warn")


def config_path() -> Path:
    """The configuration the generator works on: `$LITERATE_CONFIG`, else `mkdocs.yml` in the current folder."""
    named = os.environ.get(CONFIG_ENV)
    return Path(named).resolve() if named else Path.cwd().resolve() / "mkdocs.yml"


def use_config(path: Path | str) -> Path:
    """Work on `path` from now on, in this process and the processes it starts (what `-f` does)."""
    resolved = Path(path).resolve()
    os.environ[CONFIG_ENV] = str(resolved)
    project.cache_clear()
    return resolved


@dataclass(frozen=True)
class Project:
    """Where a project's files are, read from the block of its configuration (no MkDocs import needed)."""

    config_file: Path
    root: Path  # the folder of the configuration; the block's paths are relative to it
    source_root: Path  # the literate package (or the folder of several): documents are named by their path below it
    translations: Path
    labels_file: Path
    home_dir: Path
    generated: Path  # generated pages, one docs folder per language (git-ignored)
    languages: tuple[str, ...]  # switcher order; the first is the language of the sources
    packages: tuple[str, ...] = ()  # with several sources: their folders below source_root (else the root itself)

    @property
    def package(self) -> str:
        """The importable name of the one source package; "" with several (their paths start with their names)."""
        return "" if self.packages else self.source_root.name

    @property
    def import_root(self) -> Path:
        """The folder the source packages are imported from (where griffe looks for them)."""
        return self.source_root if self.packages else self.source_root.parent

    @property
    def source_language(self) -> str:
        """The language the sources are written in (the catalogs' keys)."""
        return self.languages[0]

    @property
    def target_languages(self) -> tuple[str, ...]:
        """The languages translated into."""
        return self.languages[1:]


class _BlockLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: tags it does not know (`!!python/name:`, `!ENV`) read as null."""


_BlockLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_BlockLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _read_yaml(path: Path, loader: type = _BlockLoader) -> Any:
    try:
        with open(path, encoding="utf-8") as stream:
            return yaml.load(stream, Loader=loader)  # a SafeLoader subclass
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from None
    except yaml.YAMLError as error:
        raise yaml_problem(path, error) from None


@functools.cache
def project(path: Path | None = None) -> Project:
    """The project of `path` (default: `config_path()`), its block checked."""
    path = Path(path).resolve() if path is not None else config_path()
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of MkDocs settings, found {type(data).__name__}")
    root = path.parent
    block = block_of(data, path)
    sources = setting(block, "sources", list, ["reference_impl"], path, BLOCK)
    if not sources or not all(isinstance(source, str) and source for source in sources):
        raise UserError(f"{path}: {BLOCK}.sources must list the package folder(s), relative to this file")
    folders = [(root / source).resolve() for source in sources]
    source_root = folders[0]
    packages: tuple[str, ...] = ()
    if len(folders) > 1:  # named by their path below the folder that holds them all
        source_root = Path(os.path.commonpath(folders))
        packages = tuple(folder.relative_to(source_root).as_posix() for folder in folders)
        if "." in packages:
            raise UserError(f"{path}: {BLOCK}.sources: one source folder holds another ({', '.join(sources)})")
    return Project(
        config_file=path,
        root=root,
        source_root=source_root,
        packages=packages,
        translations=(root / setting(block, "translations", str, "translations", path, BLOCK)).resolve(),
        labels_file=_labels_file(root, setting(block, "labels", str, "", path, BLOCK)),
        home_dir=(root / setting(block, "home", str, "site/home", path, BLOCK)).resolve(),
        generated=(root / "site" / "generated").resolve(),
        languages=tuple(languages_of(block, path)),
    )


def _labels_file(root: Path, named: str) -> Path:
    # The project's own labels where it has them, else the generator's (en, and the languages it ships).
    if named:
        return (root / named).resolve()
    own = root / "site" / "labels.yml"
    return own.resolve() if own.is_file() else TOOL_SITE / "labels.yml"


def block_of(config: Mapping[str, Any], origin: Path) -> Mapping[str, Any]:
    """The generator's block of a configuration (empty when absent: every setting has a default)."""
    setting(config, "extra", dict, None, origin)
    return setting(config, BLOCK, dict, {}, origin)


def languages_of(block: Mapping[str, Any], origin: Path) -> dict[str, str]:
    """The configured languages, code → name, in switcher order; each a code Babel knows.

    Written as a mapping (`ja: 日本語`) or a list of codes (the name is then the language's own, from Babel).
    """
    from babel import Locale, UnknownLocaleError

    value = block.get("languages")
    if value is None:
        value = dict(DEFAULT_LANGUAGES)
    if isinstance(value, list):
        value = {code: None for code in value}
    if not isinstance(value, dict) or not value:
        raise UserError(f"{origin}: {BLOCK}.languages must map language codes to names (en: English, ja: 日本語, ...)"
                        f", found {type(value).__name__} {json.dumps(value, ensure_ascii=False, default=str)[:40]}")
    languages: dict[str, str] = {}
    for code, name in value.items():
        if not isinstance(code, str) or not code or not (name is None or (isinstance(name, str) and name)):
            raise UserError(f"{origin}: {BLOCK}.languages must map language codes to names (en: English, ...)")
        try:
            locale = Locale.parse(code.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            raise UserError(f"{origin}: {BLOCK}.languages: {code!r} is not a language code Babel knows "
                            "(ISO 639: en, ja, zh, ko, pt-BR, ...)") from None
        languages[code] = name or (locale.get_display_name(locale) or code)
    return languages


@dataclass(frozen=True)
class SiteSettings:
    """What page generation needs from the block of `mkdocs.yml`."""

    site_name: str
    site_url: str
    repo_url: str
    branch: str
    paper: str
    notebook: str  # the default notebook, relative to the repository root
    languages: dict[str, str]  # code → name, in switcher order
    reading_order: tuple[str, ...] = ()  # source paths in the order a reader should meet them
    source_folder: str = "reference_impl"  # the source folder's path in the repository (GitHub links)
    package: str = "reference_impl"  # its importable name (API pages, its __init__.py's page); "" for several
    notebook_name: str = "experiment.ipynb"  # a notebook of this name beside a module is that module's notebook
    links: str = "strict"  # a link to no page: "strict" fails the build, "warn" lists it
    notebook_folders: tuple[str, ...] = ()  # folders of the package (posix, "." for its root) with a notebook_name
    curves: CurveSpec | None = None  # learning curves drawn from CSV files beside the sources (tools.charts)

    @property
    def placeholder(self) -> bool:
        """Whether the site and repository URLs are still the generator's placeholders."""
        return self.repo_url.rstrip("/") == PLACEHOLDER_REPO or self.site_url == PLACEHOLDER_SITE

    @property
    def colab_url(self) -> str:
        """The default notebook opened in Colab straight from GitHub."""
        return self.colab_url_of(self.notebook)

    def colab_for(self, source: PurePosixPath) -> str:
        """The Colab link of a source file's page: its folder's notebook where it has one, else the default."""
        folder = source.parent.as_posix()
        if folder in self.notebook_folders:
            return self.colab_url_of(self.repo_path(f"{folder}/{self.notebook_name}"))
        return self.colab_url

    def repo_path(self, source: str) -> str:
        """A path below the source folder as a path in the repository (`ppo/gae.py` → `reference_impl/ppo/gae.py`)."""
        parts = [part for part in (*self.source_folder.split("/"), *source.split("/")) if part not in ("", ".")]
        return "/".join(parts)

    def colab_url_of(self, notebook: str) -> str:
        """A notebook of the repository (path from its root) opened in Colab straight from GitHub."""
        return f"https://colab.research.google.com/github/{self.repo_slug}/blob/{self.branch}/{notebook}"

    @property
    def repo_slug(self) -> str:
        """`owner/name` of a GitHub repository URL (the placeholder's for another host)."""
        prefix = "https://github.com/"
        repo = self.repo_url.rstrip("/")
        return repo[len(prefix):] if repo.startswith(prefix) else PLACEHOLDER_REPO[len(prefix):]

    @property
    def repo_name(self) -> str:
        """The repository's name as the header shows it (`owner/name`)."""
        return self.repo_slug

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


# What a project's mkdocs.yml may leave out: the generator's defaults (`TOOL_DEFAULTS`, the same sections as this
# repository's mkdocs.yml) supply it, so that a maintainer's file can be as short as site_name and the block.
DEFAULTED = ("theme", "markdown_extensions", "plugins", "extra_css", "extra_javascript")


def defaults_for(path: Path) -> dict[str, Any]:
    """The settings of the generator's defaults that the configuration at `path` does not have (none for the
    generator's own site, which has them all): `theme` (Material, its palette and features), the Markdown
    extensions (maths, CJK-friendly anchors), the plugins (search, mkdocstrings with the docstring translation)
    and the assets. (The build adds the template overrides and the sanitising hook to every project's settings,
    unless it names its own: `tools.build.language_overrides`.)"""
    project_keys = _read_yaml(Path(path)) or {}
    if all(key in project_keys for key in DEFAULTED):
        return {}
    defaults = _load_mkdocs_yaml(TOOL_DEFAULTS)
    return {key: defaults[key] for key in DEFAULTED if key in defaults and key not in project_keys}


def katex_dist() -> Path:
    """KaTeX's dist folder (katex.min.js, katex.min.css, fonts/): the one an installed wheel carries, else the
    checkout's `node_modules/katex/dist` (installed by `npm ci` from package-lock.json)."""
    return TOOL_KATEX if (TOOL_KATEX / "katex.min.js").is_file() else TOOL_ROOT / "node_modules" / "katex" / "dist"


def load_config_dict(path: Path | None = None) -> dict[str, Any]:
    """The root `mkdocs.yml` as MkDocs reads it (its YAML tags resolved), with the generator's defaults for what
    it leaves out (`defaults_for`)."""
    path = path or config_path()
    data = _load_mkdocs_yaml(path)
    return {**defaults_for(path), **data}


def _load_mkdocs_yaml(path: Path) -> dict[str, Any]:
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


def setting(config: Mapping[str, Any], dotted: str, kind: type, default: Any, origin: Path, prefix: str = "",
            ) -> Any:
    """The value at `dotted` (`extra.literate`) in the configuration, `default` when absent; a wrong type is a
    `UserError` naming the file and the setting (a typo in `mkdocs.yml` should not surface as a traceback).
    `prefix` is where `config` sits in the file (`extra.literate` for the block), for the message."""
    value: Any = config
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
        if value is None:
            return default
    if not isinstance(value, kind):
        where = f"{prefix}.{dotted}" if prefix else dotted
        raise UserError(f"{origin}: {where} must be {_KINDS.get(kind, kind.__name__)}, found {type(value).__name__} "
                        f"{json.dumps(value, ensure_ascii=False, default=str)[:40]}")
    return value


def load_settings(config: Mapping[str, Any] | None = None, origin: Path | None = None) -> SiteSettings:
    """Read the site settings (the block: repository, branch, paper, notebook, languages) from `mkdocs.yml`.

    The sections the build rewrites per language (`theme`, `plugins`, `extra`) are checked for their type too.
    """
    origin = origin or config_path()
    config = load_config_dict(origin) if config is None else config
    for name, kind in (("plugins", list), ("extra", dict), ("markdown_extensions", list)):
        setting(config, name, kind, None, origin)
    if not isinstance(config.get("theme") or {}, (dict, str)):
        setting(config, "theme", dict, None, origin)
    block = block_of(config, origin)
    languages = languages_of(block, origin)
    reading_order = setting(block, "reading_order", list, [], origin, BLOCK)
    if not all(isinstance(path, str) for path in reading_order):
        raise UserError(f"{origin}: {BLOCK}.reading_order must be a list of source paths (ppo/gae.py, ...)")
    site_url = setting(block, "site_url", str, "", origin, BLOCK)
    if not site_url:
        raise UserError(f"{origin}: {BLOCK}.site_url is required (canonical URLs, hreflang and the sitemap use it)")
    links = setting(block, "links", str, "strict", origin, BLOCK)
    if links not in LINK_POLICIES:
        raise UserError(f"{origin}: {BLOCK}.links must be one of {', '.join(LINK_POLICIES)}, found {links!r}")
    notebook_name = setting(block, "notebook_name", str, "", origin, BLOCK) or "experiment.ipynb"
    where = project(origin)
    try:
        source_folder = where.source_root.relative_to(where.root).as_posix()
    except ValueError:  # a package outside the project's folder: name it by its folder
        source_folder = where.source_root.name
    return SiteSettings(
        site_name=setting(config, "site_name", str, "", origin) or "Annotated PPO",
        site_url=site_url if site_url.endswith("/") else site_url + "/",
        repo_url=setting(block, "repo_url", str, "", origin, BLOCK) or PLACEHOLDER_REPO,
        branch=setting(block, "branch", str, "", origin, BLOCK) or "main",
        paper=setting(block, "paper", str, "", origin, BLOCK) or "https://arxiv.org/abs/1707.06347",
        notebook=setting(block, "notebook", str, "", origin, BLOCK) or f"{source_folder}/experiment.ipynb",
        languages=languages,
        reading_order=tuple(reading_order),
        source_folder=source_folder,
        package=where.package,
        notebook_name=notebook_name,
        links=links,
        notebook_folders=tuple(sorted(path.parent.relative_to(where.source_root).as_posix()
                                      for path in where.source_root.rglob(notebook_name)
                                      if ".ipynb_checkpoints" not in path.parts)),
        curves=curve_spec(setting(block, "learning_curves", dict, None, origin, BLOCK), origin,
                          f"{BLOCK}.learning_curves"),
    )


def load_labels(path: Path | None = None, base: Mapping[str, Mapping[str, str]] | None = None,
                ) -> dict[str, dict[str, str]]:
    """The site's own words per language (`site/labels.yml`), over `base` (the generator's, for a project that
    brings labels for some languages only: by default, for any file but the generator's own).

    Every language has every key of English, each a string, with the same `{placeholders}` as the English one
    (but `theme.<key>`, the site's own words for Material's, which any language may have or not).
    """
    path = path or project().labels_file
    builtin = TOOL_SITE / "labels.yml"
    if base is None and Path(path).resolve() != builtin.resolve() and builtin.is_file():
        base = load_labels(builtin)  # a project's file may hold only the languages it added (add-language)
    data = _read_yaml(path, yaml.SafeLoader)
    if isinstance(data, dict) and base:
        data = {**{lang: dict(entries) for lang, entries in base.items()},
                **{lang: {**base.get(lang, {}), **entries} if isinstance(entries, dict) else entries
                   for lang, entries in data.items()}}
    if not isinstance(data, dict) or not isinstance(data.get(DEFAULT_SOURCE), dict):
        raise UserError(f"{path}: expected a mapping of language → labels with an 'en' entry")
    english = data[DEFAULT_SOURCE]
    labels: dict[str, dict[str, str]] = {}
    for lang, entries in data.items():
        if not isinstance(entries, dict):
            raise UserError(f"{path}: {lang}: expected a mapping of label → text, found {type(entries).__name__}")
        missing = sorted(key for key in set(english) - set(entries) if not key.startswith(THEME_LABEL))
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


UNTRANSLATED_COMMENT = "# untranslated"  # how add-language marks a label it wrote in English
_UNTRANSLATED = re.compile(r"\s*#\s*untranslated\b")  # after a label's value: the comment, however spaced


def untranslated_labels(path: Path, lang: str) -> list[str]:
    """The keys of `lang`'s labels in `path` marked `# untranslated` (written in English by add-language, for a
    translator to find): the pages show them marked as English. [] where the file or the language is absent."""
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []  # load_labels says what is wrong
    lines = text.split("\n")
    found: list[str] = []
    for key, value in document.value if isinstance(document, yaml.MappingNode) else []:
        if key.value != lang or not isinstance(value, yaml.MappingNode):
            continue
        for label, entry in value.value:
            rest = lines[entry.end_mark.line][entry.end_mark.column:] if entry.end_mark.line < len(lines) else ""
            if _UNTRANSLATED.match(rest):
                found.append(str(label.value))
    return found


def _fields(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:  # an unmatched brace
        return {"<unmatched brace>"}


def site_labels(labels_file: Path) -> dict[str, dict[str, str]]:
    """The labels a site is built with: the project's (`labels_file`), over the generator's for the languages and
    keys it has not written (a project's file may hold just the language `add-language` appended)."""
    return load_labels(labels_file if labels_file.is_file() else TOOL_SITE / "labels.yml")


def load_site(config_file: Path | None = None, labels_file: Path | None = None,
              ) -> tuple[dict[str, Any], SiteSettings, dict[str, dict[str, str]]]:
    """Everything a build or preview reads first: `mkdocs.yml` (raw and as settings) and the labels, checked
    against each other (labels for a language the site does not have are a typo waiting to happen; the
    generator's own labels, used when a project has none, may know more languages than it uses)."""
    origin = config_file or config_path()
    config = load_config_dict(origin)
    settings = load_settings(config, origin)
    where = project(origin)
    labels_file = labels_file or where.labels_file
    labels = site_labels(labels_file)
    if labels_file == TOOL_SITE / "labels.yml":
        own = list(labels) if where.root == TOOL_ROOT else []  # the generator's own site: all of them are its
    else:
        own = list(_read_yaml(labels_file) or {}) if labels_file.is_file() else []
    labels = {lang: entries for lang, entries in labels.items() if lang in settings.languages or lang in own}
    unknown = [lang for lang in own if lang not in settings.languages]
    if unknown:
        raise UserError(f"{labels_file}: labels for {', '.join(unknown)}, which {origin.name}'s "
                        f"{BLOCK}.languages does not list ({', '.join(settings.languages)})")
    return config, settings, labels


@dataclass(frozen=True)
class LanguageHandlers:
    """What a language needs from the theme and search: the nearest language each knows, and a segmenter."""

    theme: str  # Material's (and mkdocstrings') language for their own words
    search: str  # lunr's language for stemming and stop words
    segmenter: str | None  # a module Material's search uses to split words, if the language wants one
    theme_translated: bool = True  # whether Material has the language (or its base): else `theme` is the fallback
    direction: str = "ltr"  # the language's writing direction (Babel), for the theme where it has no translation

    @property
    def marks_fallback(self) -> bool:
        """Whether the pages of the language mark the theme's words shown in its fallback language (English) as
        such: on the pages of every language but the fallback's own (en, en-GB, ...)."""
        return self.theme != THEME_FALLBACK or not self.theme_translated


def base_language(lang: str) -> str:
    """The language of a code without its region or script: `pt-BR` → `pt`, `zh_Hant` → `zh`."""
    return lang.split("-")[0].split("_")[0]


def language_handlers(lang: str) -> LanguageHandlers:
    """The handlers of `lang`: the code itself where Material and lunr know it, else its base language (pt-BR:
    pt), else English (the pages are still in `lang`; only the chrome and the search's word rules are not: the
    chrome is marked as English, and lunr's English rules as Material sets them stem nothing, they only drop
    English stop words)."""
    import importlib.util

    from babel import Locale, UnknownLocaleError

    spec = importlib.util.find_spec("material")
    templates = Path(spec.origin).parent / "templates" if spec and spec.origin else Path("/nonexistent")

    def nearest(folder: Path, pattern: str) -> str | None:
        for code in (lang, base_language(lang)):
            if (folder / pattern.format(code)).is_file():
                return code
        return None

    theme = nearest(templates / "partials" / "languages", "{}.html")
    try:
        direction = "rtl" if Locale.parse(lang.replace("-", "_")).character_order == "right-to-left" else "ltr"
    except (UnknownLocaleError, ValueError, TypeError):
        direction = "ltr"
    return LanguageHandlers(
        theme=theme or THEME_FALLBACK,
        search=(nearest(templates / "assets" / "javascripts" / "lunr" / "min", "lunr.{}.min.js") or THEME_FALLBACK)
        if lang != DEFAULT_SOURCE else DEFAULT_SOURCE,
        segmenter=segmenter.module if (segmenter := segmenter_for(lang)) else None,
        theme_translated=theme is not None,
        direction=direction,
    )


def key_line(lines: list[str], dotted: str) -> tuple[int, int] | None:
    """The line of the key `dotted` (`extra.literate.languages`) in the lines of a block-style YAML file, and its
    indentation; None if absent. For editing mkdocs.yml line by line, its comments and layout untouched."""
    import re

    wanted = dotted.split(".")
    path: list[tuple[int, str]] = []  # (indentation, key) of the enclosing mappings
    for index, line in enumerate(lines):
        match = re.match(r"^( *)([A-Za-z_][\w-]*):", line)
        if not match:
            continue
        indent = len(match.group(1))
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, match.group(2)))
        if [key for _, key in path] == wanted:
            return index, indent
    return None
