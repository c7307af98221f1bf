"""The site configuration: what the generator reads from `mkdocs.yml` (repository, branch, paper, notebook, the
languages in switcher order) and the site's own words per language (`site/labels.yml`), checked once for every
command that needs them."""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tools.errors import UserError
from tools.paths import CONFIG_FILE, LABELS_FILE

PLACEHOLDER_REPO = "https://github.com/annotated-ppo/annotated-ppo"


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

