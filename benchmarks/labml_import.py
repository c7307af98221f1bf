"""How long `import-labml` takes on a folder the size of labml's translate_cache.

Generates, in a temporary folder, English templates of 8,000 messages (30 per source file, with maths, code and
links) and 500 labml catalogs (ja and zh: 15,000 entries in labml's format, and 50 more in si, skipped, HTML with `_^_N_^_` placeholders):
most entries render one of our messages exactly, some an edited one (typos: close matches), some nothing of ours.
Then times one import, suggestions only, and one with `--exact-as-machine` over its result, each in a fresh
interpreter, as the command runs (no cache warmed by the other): wall clock and CPU time of the import, all threads.
On a shared machine the CPU time is the figure to compare with the goal, under 10 s.

    python benchmarks/labml_import.py [--messages 8000] [--catalogs 500] [--entries 15000]
"""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools import labml
from tools.catalog import catalog_path, dumps

LANGUAGES = ("ja", "zh")
UNCONFIGURED = "si"  # labml's folder has Sinhala too (here for one page in five), which we do not build
PER_FILE = 30


def _vocabulary(rng: random.Random) -> list[str]:
    return ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(4000)]


def _message(rng: random.Random, words: list[str], number: int) -> str:
    text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 45)))
    extras = rng.random()
    if extras < 0.3:
        text += f" where $x_{{{number}}} = \\frac{{a}}{{b}}$ holds"
    elif extras < 0.5:
        text += f" with `value_{number}`"
    elif extras < 0.65:
        text += f" (see [the module {number}](module_{number % 97}.py))"
    return text[0].upper() + text[1:] + "."


def _as_labml_html(message: str, rng: random.Random) -> str:
    """One message the way labml's catalog keys hold it: HTML, maths as a placeholder."""
    out = html.escape(message, quote=False)
    if "$" in out:
        start, end = out.index("$"), out.rindex("$")
        out = out[:start] + "<span translate=no>_^_0_^_</span>" + out[end + 1:]
    if "`" in out:
        start = out.index("`")
        end = out.index("`", start + 1)
        out = out[:start] + f"<code>{out[start + 1:end]}</code>" + out[end + 1:]
    if "](" in out:
        open_ = out.index("[")
        middle = out.index("](")
        close = out.index(")", middle)
        out = (out[:open_] + f'<a href="https://nn.labml.ai/x/{rng.randint(0, 99)}.html">{out[open_ + 1:middle]}'
               "</a>" + out[close + 1:])
    return f"<p>{out}</p>"


def _typos(text: str, rng: random.Random) -> str:
    letters = list(text)
    for _ in range(max(1, len(letters) // 25)):
        position = rng.randrange(len(letters))
        if letters[position].isalpha():
            letters[position] = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return "".join(letters)


def generate(root: Path, messages: int, catalogs: int, entries: int, seed: int = 0) -> tuple[Path, Path]:
    """English templates under `root/translations`, labml catalogs under `root/translate_cache`."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    translations, cache = root / "translations", root / "translate_cache"
    ours = [_message(rng, words, number) for number in range(messages)]
    for start in range(0, messages, PER_FILE):
        source = f"pkg/part_{start // 1000}/module_{start // PER_FILE}.py"
        template = {text: f"{source}:{i + 1} · docstring" for i, text in enumerate(ours[start:start + PER_FILE])}
        path = catalog_path("en", source, translations)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(template), encoding="utf-8")
    # labml has one catalog per page and language, all languages with the same English keys.
    pages = catalogs // len(LANGUAGES)
    per_catalog = entries // catalogs
    for page in range(pages):
        keys = []
        for _ in range(per_catalog):
            roll = rng.random()
            english = rng.choice(ours)
            if roll < 0.15:
                english = _message(rng, words, rng.randint(0, messages))  # not one of ours
            elif roll < 0.35:
                english = _typos(english, rng)  # ours, edited since labml translated it
            keys.append(_as_labml_html(english, rng))
        for lang in (*LANGUAGES, UNCONFIGURED) if page % 5 == 0 else LANGUAGES:
            data = {key: key.replace("<p>", f"<p>{lang}: ") for key in keys}
            path = cache / f"part_{page % 7}" / f"module_{page}.{lang}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, indent=1), encoding="utf-8")  # labml's files are ASCII-escaped
    return translations, cache


def _timed_import(cache: Path, translations: Path, as_machine: bool, catalogs: int, entries: int,
                  messages: int) -> str:
    started, cpu = time.perf_counter(), time.process_time()
    outcome = labml.import_directory(cache, None, translations, exact_as_machine=as_machine)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    counts = {lang: (r.exact, r.close, r.machine, r.skipped, r.rejected, r.unmatched)
              for lang, r in sorted(outcome.reports.items())}
    skipped = {lang: len(files) for lang, files in outcome.not_configured.items()}
    return (f"import-labml {'--exact-as-machine ' if as_machine else ''}{catalogs} catalogs, {entries} entries "
            f"against {messages} messages: {seconds:.1f} s ({cpu:.1f} s CPU) (exact, close, machine, skipped, "
            f"rejected, unmatched per language: {counts}; not configured: {skipped})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=8000)
    parser.add_argument("--catalogs", type=int, default=500)
    parser.add_argument("--entries", type=int, default=15000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        translations, cache = generate(Path(folder), args.messages, args.catalogs, args.entries)
        for as_machine in (False, True):
            with multiprocessing.get_context("spawn").Pool(1) as pool:  # a fresh interpreter, as the command has
                print(pool.apply(_timed_import, (cache, translations, as_machine, args.catalogs, args.entries,
                                                 args.messages)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
