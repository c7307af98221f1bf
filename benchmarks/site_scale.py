"""How the site build scales with the size of the literate package.

Generates a project (a `mkdocs.yml` with only the generator's block, and a synthetic literate package of N
modules: default 50, 100 and 250, about 30 messages each, with maths, code, links to sibling modules and API
docstrings), runs the generator in its folder as a maintainer would, translates every message (a marked copy of
the English, so that every language renders whole pages), and times, in one run and on the same machine:

- `extract`: reading the sources and writing the catalogs (what `python -m tools extract` does);
- `generate`: writing the pages of the three languages (`tools.pages`);
- `full`: the full three-language build, `python -m tools build`, from nothing (generation included, no caches);
- `no-op`: the same build again, nothing changed;
- `one string`: the build after one Chinese translation changed;
- `plain`: a plain single-language `mkdocs build` of the same generated English pages: the Material theme, search and
  stock mkdocstrings, without our plugins (no translated docstrings, no sanitiser hook, no overrides).

It prints each figure as wall-clock seconds and, in brackets, CPU seconds (this process and its workers: on a
shared machine the steadier one), and the ratios the project aims at, for both clocks: full <= 1.5 x plain, one
string <= 10 % of full, and extraction + generation per module at the largest size within 1.3 x of that at the
smallest.

    python benchmarks/site_scale.py [--modules 50 100 250] [--jobs N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "synthetic"
TOPICS = ("advantage", "value", "policy", "entropy", "clipping", "rollout", "return", "gradient", "batch", "reward")


def project_config() -> str:
    """This repository's `mkdocs.yml` with the block pointed at the synthetic package (no reading order, the
    default notebook): the same theme, extensions and plugins as the repository's own site."""
    lines, skipping = [], False
    for line in (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if skipping and (stripped.startswith("- ") or not stripped):
            continue
        skipping = stripped == "reading_order:"
        if skipping or stripped.startswith("notebook:"):
            continue
        lines.append(line.replace("sources: [reference_impl]", f"sources: [{PACKAGE}]"))
    return "\n".join(lines) + "\n"


# --- the synthetic package ------------------------------------------------------------------------------------


def module_source(number: int, modules: int) -> str:
    """One literate module: front matter, maths, code, links to its neighbours, classes and functions."""
    topic = TOPICS[number % len(TOPICS)]
    previous, following = f"module_{(number - 1) % modules:03d}.py", f"module_{(number + 1) % modules:03d}.py"
    classes = []
    for index in range(3):
        name = f"{topic.capitalize()}Estimator{number}x{index}"
        classes.append(f'''
class {name}:
    r"""
    ## {topic.capitalize()} estimator {index} of module {number}

    It estimates the {topic} $\\hat{{A}}_t$ of step $t$ from the rewards $r_t$ and the values $V(s_t)$, as
    the [previous module]({previous}) explains; the [next one]({following}) uses it.

    $$\\hat{{A}}_t = \\sum_{{l=0}}^{{\\infty}} (\\gamma \\lambda)^l \\delta_{{t+l}} \\quad ({number}.{index})$$

    Args:
        gamma: the discount factor $\\gamma$ of estimator {index}.
        lambda_: the trade-off $\\lambda$ between bias and variance.
    """

    def __init__(self, gamma: float = 0.99, lambda_: float = 0.95) -> None:
        # Keep the discount $\\gamma$ and the trade-off $\\lambda$ of estimator {index}.
        self.gamma = gamma
        self.lambda_ = lambda_

    def __call__(self, rewards: list[float], values: list[float]) -> list[float]:
        r"""
        The {topic} of every step, computed backwards from the last one (module {number}, estimator {index}).

        Returns:
            one estimate per step, as a list of `float` values.
        """
        estimates = [0.0] * len(rewards)
        running = 0.0
        # Walk backwards: $\\delta_t = r_t + \\gamma V(s_{{t+1}}) - V(s_t)$ for step $t$ of estimator {index}.
        for t in reversed(range(len(rewards))):
            following = values[t + 1] if t + 1 < len(values) else 0.0
            delta = rewards[t] + self.gamma * following - values[t]
            # Accumulate $\\hat{{A}}_t = \\delta_t + \\gamma \\lambda \\hat{{A}}_{{t+1}}$ ({topic}, {number}.{index}).
            running = delta + self.gamma * self.lambda_ * running
            estimates[t] = running
        return estimates
''')
    return f'''r"""
---
title: {topic.capitalize()} module {number}
summary: Module {number} of the synthetic package, about the {topic} of a rollout.
---

# {topic.capitalize()} module {number}

This module implements the {topic} estimate of the paper
[Proximal Policy Optimization Algorithms](https://arxiv.org/abs/1707.06347) for part {number} of the package.
It follows the [previous module]({previous}) and comes before the [next one]({following}).

The estimate of module {number} is $\\hat{{A}}_t = \\delta_t + \\gamma \\lambda \\hat{{A}}_{{t+1}}$, where
$\\delta_t$ is the temporal-difference error of step $t$.

| symbol | meaning in module {number} |
|---|---|
| $\\gamma$ | discount |
| $\\lambda$ | trade-off |
"""

from __future__ import annotations

# The default discount of module {number}: $\\gamma = 0.99$.
DEFAULT_GAMMA = 0.99
{"".join(classes)}

def mean_{topic}_{number}(values: list[float]) -> float:
    r"""
    The mean $\\bar{{x}} = \\frac{{1}}{{n}} \\sum_i x_i$ of the {topic} values of module {number}.

    Args:
        values: the values $x_i$.

    Returns:
        their mean, `0.0` for an empty list.
    """
    # An empty list has mean $0$ by convention in module {number}.
    return sum(values) / len(values) if values else 0.0
'''


def write_project(folder: Path, modules: int) -> Path:
    """A project in `folder`: `mkdocs.yml` (just the generator's block) and the package of `modules` modules."""
    source = folder / PACKAGE
    shutil.rmtree(folder, ignore_errors=True)
    source.mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(project_config(), encoding="utf-8")
    # The site's own files (home pages, labels, templates, hooks, assets), not its generated pages.
    shutil.copytree(ROOT / "site", folder / "site", ignore=shutil.ignore_patterns("generated"))
    (source / "__init__.py").write_text('"""\n# Synthetic package\n\nA package made up to measure the site build.\n"""\n')
    (source / "readme.md").write_text("# Synthetic package\n\nIt starts with [module 0](module_000.py).\n")
    for number in range(modules):
        (source / f"module_{number:03d}.py").write_text(module_source(number, modules))
    return folder


# --- the phases: each runs in the project's folder, as a maintainer runs the generator -------------------------

# Each snippet does one phase's work in a fresh interpreter and prints its wall-clock and CPU seconds (imports left
# out), so the figures are the phase's own.
_TIMER = """
import json, resource, sys, time
def cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
def report(started, used):
    print("TIMES", json.dumps([time.perf_counter() - started, cpu() - used]))
"""
EXTRACT = """
import argparse
from tools import extract_cmd
started, used = time.perf_counter(), cpu()
extract_cmd.run(argparse.Namespace(prune=False))
report(started, used)
"""
# Every message gets a marked copy of its English as a reviewed translation (tables and display maths stay as they
# are), so that every language renders whole pages.
TRANSLATE = """
from tools import catalog as catalogs
from tools.paths import TRANSLATIONS
started, used = time.perf_counter(), cpu()
for source, template in catalogs.english_templates(TRANSLATIONS):
    for lang in catalogs.TARGET_LANGUAGES:
        catalog = catalogs.Catalog.load(lang, source, TRANSLATIONS)
        catalog.entries = {key: key if key.startswith(("$$", "|")) else f"{key} ({lang})" for key in template}
        catalog.save()
report(started, used)
"""
GENERATE = """
from tools.pages import generate_language, load_documents
from tools.paths import GENERATED, SOURCE_ROOT, TRANSLATIONS
from tools.site_config import load_site
started, used = time.perf_counter(), cpu()
config, settings, labels = load_site()
documents = load_documents(SOURCE_ROOT)
for lang in settings.languages:
    generate_language(lang, documents, GENERATED / lang, settings, labels, TRANSLATIONS)
report(started, used)
"""
# The plain build: the generated English pages, the site's Markdown extensions, Material with its search, stock
# mkdocstrings; no overrides, no hooks, no docstring translation (its links to sibling modules stay unresolved,
# hence not strict). It reports the time of its preparation, which `plain` takes from the whole run's: what is
# left is what `mkdocs build` costs, interpreter start and imports included, as for `python -m tools build`.
PLAIN = """
import logging, os
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
from tools.build import language_overrides
from tools.pages import generate_language, load_documents
from tools.paths import CONFIG_FILE, ROOT, SOURCE_ROOT, TRANSLATIONS
from tools.site_config import load_site
logging.basicConfig(level=logging.ERROR, format="plain build: %(levelname)s %(message)s")
started, used = time.perf_counter(), cpu()
config, settings, labels = load_site()
docs, out = ROOT / "plain-docs", ROOT / "plain-site"
generated = generate_language("en", load_documents(SOURCE_ROOT), docs, settings, labels, TRANSLATIONS)
overrides = language_overrides(config, settings, "en", docs_dir=docs, site_dir=out, nav=generated.nav,
                               labels=labels["en"], translations=TRANSLATIONS, source_root=SOURCE_ROOT)
overrides["theme"].pop("custom_dir", None)
overrides["hooks"] = []
overrides["strict"] = False
for entry in overrides["plugins"]:
    if isinstance(entry, dict) and "mkdocstrings" in entry:
        entry["mkdocstrings"]["handlers"]["python"]["options"].pop("extensions", None)
mkdocs_config = load_config(config_file=str(CONFIG_FILE), **overrides)
report(started, used)
build(mkdocs_config)
"""
# A translator rewords one comment note of the first module, in the last language.
CHANGE = """
from tools import catalog as catalogs
from tools.paths import TRANSLATIONS
started, used = time.perf_counter(), cpu()
catalog = catalogs.Catalog.load(catalogs.TARGET_LANGUAGES[-1], "module_000.py", TRANSLATIONS)
key = next(key for key in catalog.entries if key.startswith("Keep the discount"))
catalog.entries[key] += " (changed)"
catalog.save()
report(started, used)
"""


def _environment() -> dict[str, str]:
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=os.pathsep.join(filter(None, paths)))


def _children_cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def snippet(project: Path, code: str, *, rest: bool = False) -> tuple[float, float]:
    """Run one phase's snippet in `project`; (wall, CPU) seconds of the work it times, or with `rest` of
    everything else the run did."""
    started, used = time.perf_counter(), _children_cpu()
    result = subprocess.run([sys.executable, "-c", _TIMER + code], cwd=project, env=_environment(), check=True,
                            capture_output=True, text=True)
    total = time.perf_counter() - started, _children_cpu() - used
    line = next(line for line in result.stdout.splitlines() if line.startswith("TIMES "))
    wall, cpu = json.loads(line[len("TIMES "):])
    return (total[0] - wall, total[1] - cpu) if rest else (wall, cpu)


def command(project: Path, *args: str) -> tuple[float, float]:
    """Run `python -m tools ARGS` in `project` as a maintainer would; (wall, CPU) seconds, workers included."""
    started, used = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-m", "tools", *args], cwd=project, env=_environment(), check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, _children_cpu() - used


PHASES = ("extract", "generate", "full", "noop", "one", "plain")


def measure(modules: int, folder: Path, jobs: int) -> dict[str, Any]:
    """Every phase's (wall, CPU) seconds for a project of `modules` modules in `folder`."""
    project = write_project(folder, modules)
    figures: dict[str, Any] = {"modules": modules}
    figures["extract"] = snippet(project, EXTRACT)
    snippet(project, TRANSLATE)
    figures["messages"] = sum(len(json.loads(path.read_text(encoding="utf-8")))
                              for path in (project / "translations" / "en").rglob("*.json"))
    figures["generate"] = snippet(project, GENERATE)
    shutil.rmtree(project / "site" / "generated", ignore_errors=True)  # a clean build: no stamps, no caches
    build = ("build", "--out", "site-out", "--jobs", str(jobs))
    figures["full"] = command(project, *build)
    figures["noop"] = command(project, *build)
    snippet(project, CHANGE)
    figures["one"] = command(project, *build)
    figures["plain"] = snippet(project, PLAIN, rest=True)
    return figures


def report(rows: list[dict[str, Any]]) -> str:
    """The figures (wall clock, CPU in brackets) and the ratios of the goals, for each clock."""
    header = (f"{'modules':>7} {'messages':>8} " + " ".join(f"{name:>13}" for name in
              ("extract", "generate", "full 3-lang", "no-op", "1 string", "plain 1-lang")))
    lines = [header]
    for row in rows:
        cells = " ".join(f"{row[name][0]:>6.1f}s[{row[name][1]:>4.1f}]" for name in PHASES)
        lines.append(f"{row['modules']:>7} {row['messages']:>8} {cells}")
    for clock, index in (("wall", 0), ("CPU", 1)):
        first, last = rows[0], rows[-1]

        def per_module(row: dict[str, Any], index: int = index) -> float:
            return (row["extract"][index] + row["generate"][index]) / row["modules"]

        full = max(row["full"][index] / row["plain"][index] for row in rows)
        one = max(row["one"][index] / row["full"][index] for row in rows)
        lines.append(f"goals ({clock}): full <= 1.5x plain: {full:.2f}x; one string <= 10% of full: {one:.0%}; "
                     f"extract+generate per module at {last['modules']} vs {first['modules']} modules <= 1.3x: "
                     f"{per_module(last) / per_module(first):.2f}x")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, nargs="+", default=[50, 100, 250])
    parser.add_argument("--jobs", type=int, default=0, help="parallel language builds (0: one per core)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        base = args.keep or Path(temporary)
        for modules in args.modules:
            rows.append(measure(modules, base / f"n{modules}", args.jobs))
            print(report(rows[-1:]).splitlines()[1], flush=True)  # as it comes
    print(report(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
