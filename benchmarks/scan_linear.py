"""Time of `tools.protect.scan` per megabyte at two sizes, for ordinary and hostile text, measured in one run.

A linear scanner takes the same time per megabyte at 1 MB and at 4 MB: the printed ratio (time per MB at the large
size / at the small size) stays near 1; a quadratic one would show 4. The texts are the shapes that made the old
scanner quadratic (or worse): ordinary prose, unclosed brackets, link texts without their target, `\\(` without
`\\)`, comments that never end, an unclosed tag followed by spaces.

Usage: `python benchmarks/scan_linear.py [--small MB] [--large MB]`
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.protect import scan

SHAPES = {
    "prose with markup": "方策勾配は $r_t(\\theta)$ をクリップし、`clip` と [PPO](https://arxiv.org/abs/1707.06347) を使う。\n\n",
    "unclosed brackets": "[",
    "link text without target": "[a](",
    "unclosed \\(": "\\(",
    "unclosed comments": "<!--",
    "tag and spaces": "<a" + " " * 1000,
}


def seconds_per_megabyte(unit: str, megabytes: float) -> float:
    text = unit * int(megabytes * 1_000_000 / len(unit))
    start = time.perf_counter()
    scan(text)
    return (time.perf_counter() - start) / megabytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=float, default=0.25, help="megabytes of the small text")
    parser.add_argument("--large", type=float, default=1.0, help="megabytes of the large text")
    args = parser.parse_args()
    print(f"{'text':<26} {'s/MB small':>11} {'s/MB large':>11} {'ratio':>6}")
    for name, unit in SHAPES.items():
        small, large = seconds_per_megabyte(unit, args.small), seconds_per_megabyte(unit, args.large)
        print(f"{name:<26} {small:>11.3f} {large:>11.3f} {large / small:>6.2f}")


if __name__ == "__main__":
    main()
