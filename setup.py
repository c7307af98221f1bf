"""setuptools' build (the settings are in pyproject.toml), plus one step: a wheel or sdist carries KaTeX.

The generator copies KaTeX (script, stylesheet, fonts) into every site it builds, so that no page loads it from a
CDN. In a checkout it reads `node_modules/katex/dist`, installed by `npm ci` at the version package-lock.json
locks; a wheel copies those files (and KaTeX's MIT licence) into `tools/theme/katex/`, where an installed
generator finds them (`tools.site_config.katex_dist`). An sdist carries them in the same place, so a wheel built
from it needs no npm. Building without them stops with one line saying what to run. An editable install reads
the checkout's node_modules like the checkout itself, and copies nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.errors import SetupError

HERE = Path(__file__).resolve().parent
NPM_KATEX = HERE / "node_modules" / "katex"
VENDORED = Path("tools", "theme", "katex")  # in the package: tools.site_config.TOOL_KATEX
FONTS = (".woff2", ".woff", ".ttf")


def katex_files() -> dict[str, Path]:
    """KaTeX's files as the package carries them (name below `tools/theme/katex/` → source): those of an
    unpacked sdist where it has them, else node_modules'."""
    if (HERE / VENDORED / "katex.min.js").is_file():
        return {}  # an unpacked sdist: they are in the package already, and package data carries them
    dist = NPM_KATEX / "dist"
    files = {"katex.min.js": dist / "katex.min.js", "katex.min.css": dist / "katex.min.css",
             "LICENSE": NPM_KATEX / "LICENSE"}
    if not all(path.is_file() for path in files.values()) or not (dist / "fonts").is_dir():
        raise SetupError(f"{dist}: KaTeX is missing; run `npm ci` before building the package (it carries KaTeX "
                         "from node_modules, at the version package-lock.json locks)")
    files.update({f"fonts/{font.name}": font for font in sorted((dist / "fonts").iterdir()) if font.suffix in FONTS})
    return files


def copy_katex(target: Path) -> None:
    for name, source in katex_files().items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / name)


class BuildPy(build_py):
    """build_py, then KaTeX into the built package (not for an editable install)."""

    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            copy_katex(Path(self.build_lib) / VENDORED)


class Sdist(sdist):
    """sdist, with KaTeX in the package's folder of the source tree it packs."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        copy_katex(Path(base_dir) / VENDORED)


setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
