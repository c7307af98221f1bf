"""The notebooks follow the configuration: their "Open in Colab" badge and their install cell name the repository
of `extra.literate` (repo_url, branch), which `python -m tools set-repo` changes in one go.

A notebook's own links cannot be computed when Colab opens it, so they are written into the file: the badge's link
(`https://colab.research.google.com/github/<owner>/<name>/blob/<branch>/<path>`) and the `git+https://...git` URL
of a `pip install` line. `stale_notebooks` tells the build which notebooks disagree with the configuration (one
line each); `sync_notebooks` rewrites them.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from tools.errors import UserError
from tools.files import write_atomic
from tools.site_config import BLOCK, SiteSettings, key_line, load_settings, project, use_config

_COLAB = re.compile(r"https://colab\.research\.google\.com/github/[^\s)\"']+?\.ipynb")
_INSTALL = re.compile(r"git\+https://github\.com/[\w.-]+/[\w.-]+?\.git")


def _notebooks(source_root: Path) -> list[Path]:
    return sorted(path for path in source_root.rglob("*.ipynb") if ".ipynb_checkpoints" not in path.parts)


def _synced(path: Path, settings: SiteSettings, source_root: Path) -> tuple[str, str]:
    """The notebook's text now, and as the configuration wants it."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UserError(f"{path}: not a notebook (invalid JSON: {error})") from None
    repo_path = settings.repo_path(path.relative_to(source_root).as_posix())
    colab = settings.colab_url_of(repo_path)
    install = f"git+{settings.repo_url.rstrip('/')}.git"
    for cell in data.get("cells", []):
        source = cell.get("source", [])
        lines = source if isinstance(source, list) else [source]
        if cell.get("cell_type") == "markdown":
            lines = [_COLAB.sub(colab, line) for line in lines]
        elif cell.get("cell_type") == "code":
            lines = [_INSTALL.sub(install, line) if "pip install" in line else line for line in lines]
        cell["source"] = lines if isinstance(source, list) else "".join(lines)
    return text, json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def stale_notebooks(settings: SiteSettings, source_root: Path) -> list[str]:
    """One line per notebook of the package whose badge or install cell names another repository."""
    return [f"{path}: its Colab badge or install cell does not name {settings.repo_url} ({BLOCK}.repo_url); "
            "run python -m tools set-repo to update it"
            for path in _notebooks(source_root) if len(set(_synced(path, settings, source_root))) == 2]


def sync_notebooks(settings: SiteSettings, source_root: Path) -> list[Path]:
    """Rewrite the notebooks that disagree with the configuration; the files written."""
    written = []
    for path in _notebooks(source_root):
        now, wanted = _synced(path, settings, source_root)
        if now != wanted:
            write_atomic(path, wanted.encode())
            written.append(path)
    return written


def _set_block_value(text: str, key: str, value: str, origin: Path) -> str:
    """`text` (mkdocs.yml) with `extra.literate.<key>` set to `value`, the rest of the file untouched."""
    lines = text.split("\n")
    found = key_line(lines, f"{BLOCK}.{key}")
    if found is None:
        raise UserError(f"{origin}: no {BLOCK}.{key} line to change: add it to the block and run again")
    index, indent = found
    comment = re.search(r"\s+#.*$", lines[index].split(":", 1)[1])
    lines[index] = f"{' ' * indent}{key}: {value}" + (comment.group(0) if comment else "")
    return "\n".join(lines)


def run_set_repo(args: argparse.Namespace) -> int:
    """The `set-repo` command: where the project lives, in the configuration and in its notebooks."""
    where = project()
    old_site = load_settings().site_url
    text = where.config_file.read_text(encoding="utf-8")
    for key, value in (("repo_url", args.url), ("branch", args.branch), ("site_url", args.site_url)):
        if value:
            if not re.fullmatch(r"[\w.:/~%+-]+", value):
                raise UserError(f"{value!r}: not a URL or branch name this command writes")
            text = _set_block_value(text, key, value, where.config_file)
    write_atomic(where.config_file, text.encode())
    use_config(where.config_file)
    settings = load_settings()
    for path in sync_notebooks(settings, where.source_root):
        print(f"{path}: Colab badge and install cell now name {settings.repo_url} ({settings.branch})")
    from tools.coverage import sync_readme_badges

    if sync_readme_badges(where.root / "README.md", old_site, settings.site_url):
        print(f"{where.root / 'README.md'}: coverage badges now point at {settings.site_url}")
    note = " (still the placeholder)" if settings.placeholder else ""
    print(f"{where.config_file}: repo_url {settings.repo_url}, branch {settings.branch}, site_url "
          f"{settings.site_url}{note}")
    return 0
