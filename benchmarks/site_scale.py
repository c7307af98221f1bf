"""How the site build scales with the size of the literate package.

Generates a synthetic literate package of N modules (default 50, 100 and 250; about 30 messages each, with maths,
code, links to sibling modules and API docstrings), translates every message (a marked copy of the English, so
that every language renders full pages), and times, in one run and on the same machine:

- `extract`: reading the sources and writing the catalogs (`python -m tools extract`);
- `generate`: writing the pages of the three languages (`tools.pages`);
- `full`: the full three-language build from a clean output folder (`python -m tools build`, generation included);
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
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import catalog as catalogs  # noqa: E402
from tools.build import build_site, language_overrides  # noqa: E402
from tools.extract import extract_document, source_files  # noqa: E402
from tools.pages import generate_language, load_site  # noqa: E402

PACKAGE = "reference_impl"  # the source folder's name the site's links and API pages expect
TARGETS = catalogs.TARGET_LANGUAGES
LANGUAGES = ("en", *TARGETS)
TOPICS = ("advantage", "value", "policy", "entropy", "clipping", "rollout", "return", "gradient", "batch", "reward")


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


def write_package(folder: Path, modules: int) -> Path:
    """The package `folder/reference_impl/` of `modules` modules and a readme; returns its folder."""
    source = folder / PACKAGE
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    (source / "__init__.py").write_text('"""\n# Synthetic package\n\nA package made up to measure the site build.\n"""\n')
    (source / "readme.md").write_text("# Synthetic package\n\nIt starts with [module 0](module_000.py).\n")
    for number in range(modules):
        (source / f"module_{number:03d}.py").write_text(module_source(number, modules))
    return source


def translate_all(translations: Path) -> int:
    """Give every message a (marked) translation in every target language, reviewed; returns the messages."""
    count = 0
    for source, template in catalogs.english_templates(translations):
        count += len(template)
        for lang in TARGETS:
            catalog = catalogs.Catalog.load(lang, source, translations)
            catalog.entries = {key: f"{key} ({lang})" if not key.startswith(("$$", "|")) else key for key in template}
            catalog.save()
    return count


# --- the phases -----------------------------------------------------------------------------------------------


@dataclass
class Workspace:
    folder: Path
    source: Path
    translations: Path
    generated: Path
    out: Path


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the build's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action: Callable[[], Any]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) of `action`."""
    started, cpu = time.perf_counter(), cpu_seconds()
    action()
    return time.perf_counter() - started, cpu_seconds() - cpu


def extract(space: Workspace) -> None:
    documents = [extract_document(path, space.source) for path in source_files(space.source)]
    catalogs.update_all(documents, root=space.translations)


def generate(space: Workspace) -> None:
    from tools.pages import load_documents

    _, settings, labels = load_site()
    documents = load_documents(space.source)
    for lang in LANGUAGES:
        generate_language(lang, documents, space.generated / lang, settings, labels, space.translations)


def build(space: Workspace, jobs: int) -> None:
    build_site(space.out, jobs=jobs, work_dir=space.generated, source_root=space.source,
               translations=space.translations, emit=lambda line: None)


def plain_build(space: Workspace) -> tuple[float, float]:
    """A plain `mkdocs build` of the generated English pages: Material, search and stock mkdocstrings only."""
    from tools.pages import load_documents

    config, settings, labels = load_site()
    documents = load_documents(space.source)
    docs = space.folder / "plain-docs"
    generated = generate_language("en", documents, docs, settings, labels, space.translations)
    overrides = language_overrides(config, settings, "en", docs_dir=docs, site_dir=space.folder / "plain-site",
                                   nav=generated.nav, labels=labels["en"], translations=space.translations,
                                   source_root=space.source)
    overrides["theme"].pop("custom_dir", None)
    for entry in overrides["plugins"]:
        if isinstance(entry, dict) and "mkdocstrings" in entry:
            entry["mkdocstrings"]["handlers"]["python"]["options"].pop("extensions", None)
    overrides["hooks"] = []
    overrides["strict"] = False  # stock mkdocstrings leaves the docstrings' links to sibling modules unresolved
    script = textwrap.dedent("""
        import json, logging, sys
        from mkdocs.commands.build import build
        logging.basicConfig(level=logging.ERROR, format="plain build: %(levelname)s %(message)s")
        from mkdocs.config import load_config
        build(load_config(config_file=sys.argv[1], **json.loads(sys.argv[2])))
    """)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    return timed(lambda: subprocess.run([sys.executable, "-c", script, str(ROOT / "mkdocs.yml"),
                                         json.dumps(overrides)], cwd=ROOT, env=env, check=True,
                                        stdout=subprocess.DEVNULL))


def change_one_string(space: Workspace) -> None:
    """A translator rewords one comment note of the first module, in the last language."""
    catalog = catalogs.Catalog.load(TARGETS[-1], f"module_{0:03d}.py", space.translations)
    key = next(key for key in catalog.entries if key.startswith("Keep the discount"))
    catalog.entries[key] += " (changed)"
    catalog.save()


PHASES = ("extract", "generate", "full", "noop", "one", "plain")


def measure(modules: int, folder: Path, jobs: int) -> dict[str, Any]:
    """Every phase's (wall, CPU) seconds for a package of `modules` modules built in `folder`."""
    space = Workspace(folder, write_package(folder, modules), folder / "translations", folder / "generated",
                      folder / "site")
    figures: dict[str, Any] = {"modules": modules}
    figures["extract"] = timed(lambda: extract(space))
    figures["messages"] = translate_all(space.translations)
    figures["generate"] = timed(lambda: generate(space))
    shutil.rmtree(space.out, ignore_errors=True)
    shutil.rmtree(space.generated, ignore_errors=True)  # a clean build: no stamps, no caches
    figures["full"] = timed(lambda: build(space, jobs))
    figures["noop"] = timed(lambda: build(space, jobs))
    change_one_string(space)
    figures["one"] = timed(lambda: build(space, jobs))
    figures["plain"] = plain_build(space)
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
