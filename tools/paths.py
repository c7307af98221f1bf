"""Where things live: the project's files, from the configuration found like `mkdocs` finds it.

The project is the folder of `mkdocs.yml` (the current folder's, or the file `-f` names; see
`tools.site_config`), not this repository: these names are looked up when first imported, so a command run from
the maintainer's folder works on the maintainer's package. The generator's own files (templates, hook, assets,
labels, defaults; KaTeX in a wheel) are package data in `tools.site_config.TOOL_SITE` (`tools/theme/`), so they are
found the same way in a checkout and in an installed wheel.
"""

from __future__ import annotations

from pathlib import Path


def __getattr__(name: str) -> Path:
    from tools.site_config import project

    where = project()
    values = {
        "ROOT": where.root,  # the project's folder
        "CONFIG_FILE": where.config_file,  # its configuration (English); the build derives one per language
        "SOURCE_ROOT": where.source_root,  # the literate code: the content of the site
        "TRANSLATIONS": where.translations,  # <translations>/<lang>/<path in the source>.json
        "LABELS_FILE": where.labels_file,  # the site's own words per language
        "HOME_DIR": where.home_dir,  # <lang>.md: each home page's introduction
        "GENERATED": where.generated,  # generated pages, one docs folder per language (git-ignored)
    }
    if name not in values:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return values[name]
