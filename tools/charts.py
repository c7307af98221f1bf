"""Small SVG figures drawn at build time by hand (no plotting library): coverage badges and learning curves.

- `badge(label, value, percent)`: a flat two-part badge ("日本語 | 100%"), coloured by the percentage, for the
  README and the translation status page.
- `learning_curve(series, labels)`: a line chart of one column of a CSV file against another (the trainer's
  `metrics.csv`: game score against environment steps), each update as a thin line and a moving average on top,
  with the title, axis labels and legend in the page's language.

The output is deterministic (same input, same bytes), uses no external font, image or script, and escapes every
text it draws. Text widths are estimated (a badge has no browser to measure it), wide for CJK characters.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path, PurePosixPath

from tools.errors import UserError

# Badge colours by percentage, the usual shields palette: (at least, colour).
_BADGE_COLOURS = ((100.0, "#4c1"), (90.0, "#97ca00"), (75.0, "#a4a61d"), (50.0, "#dfb317"), (25.0, "#fe7d37"),
                  (0.0, "#e05d44"))
_FONT = "Verdana,DejaVu Sans,Noto Sans CJK JP,Noto Sans CJK SC,sans-serif"


def text_width(text: str, size: float = 11.0) -> float:
    """An estimate of the width of `text` in pixels at font size `size` (Verdana-like Latin, full-width CJK)."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            width += 1.0
        elif char in "il.,:;|!'` ":
            width += 0.33
        elif char in "mwMW%@":
            width += 0.9
        elif char.isupper() or char.isdigit():
            width += 0.68
        else:
            width += 0.58
    return width * size


def wrap(text: str, width: float, size: float, lines: int) -> list[str]:
    """`text` cut at spaces into at most `lines` lines that fit `width` pixels at font size `size`; the last line
    ends with "…" when the text does not fit (a single long word is cut too)."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}", size) <= width:
            line = f"{line} {words.pop(0)}"
        if text_width(line, size) > width or (words and len(out) == lines - 1):
            while line and text_width(line + " …", size) > width:
                line = line[:-1]
            line = line.rstrip() + " …"
            words = []
        out.append(line)
    return out


def badge_colour(percent: float) -> str:
    """The colour of a badge for a percentage: green at 100%, through yellow, to red near 0%."""
    return next(colour for low, colour in _BADGE_COLOURS if percent >= low)


def badge(label: str, value: str, percent: float) -> str:
    """A flat badge: `label` on grey, `value` on the colour of `percent`."""
    left = round(text_width(label) + 12)
    right = round(text_width(value) + 12)
    total = left + right
    colour = badge_colour(percent)
    title = escape(f"{label}: {value}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        f'<rect width="{total}" height="20" fill="url(#s)"/></g>'
        f'<g fill="#fff" text-anchor="middle" font-family="{_FONT}" font-size="11">'
        f'<text x="{left / 2:g}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:g}" y="14">{escape(value)}</text></g></svg>\n'
    )


# --- learning curves ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurveSpec:
    """Which figures to draw: every `data` file under the source root becomes `figure` beside it, `y` against `x`
    (both column names of the CSV file)."""

    data: str = "metrics.csv"
    figure: str = "learning-curve.svg"
    x: str = "global_step"
    y: str = "episodic_return"


def curve_spec(value: Mapping[str, object] | None, origin: Path | str, where: str = "learning_curves",
               ) -> CurveSpec | None:
    """The `learning_curves` setting (`data`, `figure`, `x`, `y`, each a string; defaults for those left out) as a
    `CurveSpec`; None when it is absent. Anything else is a `UserError` naming the file and the setting."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise UserError(f"{origin}: {where} must be a mapping (data, figure, x, y)")
    names = set(CurveSpec.__dataclass_fields__)
    unknown = sorted(set(value) - names)
    if unknown:
        raise UserError(f"{origin}: {where}: unknown setting {', '.join(map(str, unknown))} "
                        f"(known: {', '.join(sorted(names))})")
    for key, item in value.items():
        if not isinstance(item, str) or not item:
            raise UserError(f"{origin}: {where}.{key} must be a non-empty string")
    spec = CurveSpec(**{str(key): str(item) for key, item in value.items()})
    for key in ("data", "figure"):
        if "/" in getattr(spec, key) or "\\" in getattr(spec, key):
            raise UserError(f"{origin}: {where}.{key} must be a file name, not a path")
    return spec


# The most points of a line a figure draws (it is 640 pixels wide): beyond, every k-th point.
MAX_POINTS = 1200
# The labels a learning curve needs from `site/labels.yml`, by role.
CURVE_LABELS = ("curve_title", "curve_x", "curve_y", "curve_each", "curve_average")


def read_series(path: Path, x: str, y: str) -> list[tuple[float, float]]:
    """The (x, y) pairs of a CSV file, in file order; rows with an empty `y` (no game ended in that update) are
    left out. A missing column or a value that is not a number is a `UserError` naming the file and line."""
    try:
        with path.open(newline="", encoding="utf-8") as stream:
            reader = csv.DictReader(stream)
            missing = [name for name in (x, y) if name not in (reader.fieldnames or [])]
            if missing:
                raise UserError(f"{path}: no column {', '.join(missing)} (the header has "
                                f"{', '.join(reader.fieldnames or []) or 'nothing'})")
            points = []
            for row in reader:
                if not (row.get(y) or "").strip():
                    continue
                try:
                    point = (float(row[x]), float(row[y]))
                except (TypeError, ValueError):
                    raise UserError(f"{path}:{reader.line_num}: {x}={row.get(x)!r}, {y}={row.get(y)!r} "
                                    "is not a pair of numbers") from None
                if not all(math.isfinite(value) for value in point):
                    raise UserError(f"{path}:{reader.line_num}: {x} and {y} must be finite numbers")
                points.append(point)
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from None
    if not points:
        raise UserError(f"{path}: no row with a value for {y}: nothing to draw")
    return points


def nice_ticks(low: float, high: float, most: int = 8) -> list[float]:
    """Round tick values covering [low, high]: the finest step of 1, 2 or 5 times a power of ten that needs at most
    `most` intervals."""
    if high - low <= 1e-9 * max(1.0, abs(low), abs(high)):  # one value (or nearly): a range around it
        pad = max(abs(low) * 0.1, 1.0)
        low, high = low - pad, high + pad
    power = 10 ** math.floor(math.log10((high - low) / most))
    for step in (m * power for m in (1, 2, 5, 10, 20, 50)):
        first, last = math.floor(low / step), math.ceil(high / step - 1e-9)
        if last - first <= most:
            return [index * step for index in range(first, max(last, first + 1) + 1)]
    raise AssertionError("unreachable: a step of 50 powers covers the range in under 8 intervals")


def tick_text(value: float) -> str:
    """A tick value for an axis: 2.5M, 300k, 12, 0.25."""
    magnitude = abs(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            return f"{value / limit:g}{suffix}"
    return f"{value:g}"


def moving_average(values: Sequence[float], window: int) -> list[float]:
    """The mean of the last `window` values at each position (fewer at the start)."""
    out, total = [], 0.0
    for index, value in enumerate(values):
        total += value
        if index >= window:
            total -= values[index - window]
        out.append(total / min(index + 1, window))
    return out


def learning_curve(points: Sequence[tuple[float, float]], labels: Mapping[str, str], subtitle: str = "",
                   width: int = 640, height: int = 360) -> str:
    """A line chart of `points` with the title, axis labels and legend of `labels` (the `CURVE_LABELS`).

    `subtitle` (the run's command, say) is printed small under the title, on as many as two lines (cut with "…"
    beyond).
    """
    missing = [key for key in CURVE_LABELS if key not in labels]
    if missing:
        raise UserError(f"labels for the learning curve are missing: {', '.join(missing)}")
    subtitle_lines = wrap(subtitle, width - 64, 10.0, 2) if subtitle else []
    left, right, top, bottom = 64, 16, 36 + 13 * len(subtitle_lines), 64
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    x_ticks = nice_ticks(min(0.0, min(xs)), max(xs))
    y_ticks = nice_ticks(min(ys), max(ys))
    x0, x1, y0, y1 = x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1]

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return top + plot_h - (y - y0) / (y1 - y0) * plot_h

    # A long run has more updates than the figure has pixels: every `stride`-th point (and the last) is drawn
    stride = max(1, math.ceil(len(points) / MAX_POINTS))
    drawn = sorted({*range(0, len(points), stride), len(points) - 1})

    def polyline(values: Sequence[float], css: str) -> str:
        coordinates = " ".join(f"{px(xs[i]):.1f},{py(values[i]):.1f}" for i in drawn)
        return f'<polyline class="{css}" points="{coordinates}"/>'

    window = max(1, len(points) // 20)
    average = moving_average(ys, window)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(labels["curve_title"])}">',
        f"<title>{escape(labels['curve_title'])}</title>",
        "<style>text{font-family:" + _FONT + ";font-size:12px;fill:#333}"
        ".grid{stroke:#ddd;stroke-width:1}.axis{stroke:#666;stroke-width:1}"
        ".each{fill:none;stroke:#9ab;stroke-width:1}.average{fill:none;stroke:#c40;stroke-width:2}"
        ".small{font-size:10px;fill:#666}</style>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{width / 2:g}" y="20" text-anchor="middle" font-weight="bold">{escape(labels["curve_title"])}</text>',
    ]
    for number, line in enumerate(subtitle_lines):
        parts.append(f'<text class="small" x="{width / 2:g}" y="{36 + 13 * number}" text-anchor="middle">'
                     f"{escape(line)}</text>")
    for tick in x_ticks:
        parts.append(f'<line class="grid" x1="{px(tick):.1f}" y1="{top}" x2="{px(tick):.1f}" y2="{top + plot_h}"/>')
        parts.append(f'<text x="{px(tick):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{tick_text(tick)}</text>')
    for tick in y_ticks:
        parts.append(f'<line class="grid" x1="{left}" y1="{py(tick):.1f}" x2="{left + plot_w}" y2="{py(tick):.1f}"/>')
        parts.append(f'<text x="{left - 6}" y="{py(tick) + 4:.1f}" text-anchor="end">{tick_text(tick)}</text>')
    # A run too short for a moving average is drawn as one line, in the strong style
    series = ([("each", ys, labels["curve_each"]),
               ("average", average, labels["curve_average"].format(window=window))]
              if window > 1 else [("average", ys, labels["curve_each"])])
    parts += [
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}"/>',
        *(polyline(values, css) for css, values, _ in series),
        f'<text x="{left + plot_w / 2:g}" y="{height - 28}" text-anchor="middle">{escape(labels["curve_x"])}</text>',
        f'<text x="16" y="{top + plot_h / 2:g}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + plot_h / 2:g})">{escape(labels["curve_y"])}</text>',
    ]
    # The legend, under the x-axis label: a short line of each style and its name, centred.
    legend_y = height - 10
    x = left + plot_w / 2 - sum(text_width(name, 12) + 46 for _, _, name in series) / 2
    for css, _, name in series:
        parts += [f'<line class="{css}" x1="{x:.1f}" y1="{legend_y - 4}" x2="{x + 20:.1f}" y2="{legend_y - 4}"/>',
                  f'<text x="{x + 26:.1f}" y="{legend_y}">{escape(name)}</text>']
        x += text_width(name, 12) + 46
    parts.append("</svg>\n")
    return "\n".join(parts)


def figure_sources(source_root: Path, spec: CurveSpec) -> dict[PurePosixPath, Path]:
    """Where each learning curve goes, below the sources as the pages name files (`ppo/results/breakout/
    learning-curve.svg`), and the data file it is drawn from: the figure lies beside its data."""
    if not source_root.is_dir():
        return {}
    found = sorted(path for path in source_root.rglob(spec.data) if path.is_file() and "__pycache__" not in path.parts)
    return {PurePosixPath(data.relative_to(source_root).with_name(spec.figure).as_posix()): data for data in found}


def learning_curves(source_root: Path, labels: Mapping[str, str], spec: CurveSpec = CurveSpec(),
                    ) -> dict[str, bytes]:
    """A figure for every `spec.data` file under `source_root`, by its path in the docs folder (see
    `figure_sources`: `ppo/results/breakout/metrics.csv` → `ppo/results/breakout/learning-curve.svg`).

    A `command.txt` beside the data (the command that made the run) is printed under the title.
    """
    figures: dict[str, bytes] = {}
    for figure, data in figure_sources(source_root, spec).items():
        command_file = data.with_name("command.txt")
        command = command_file.read_text(encoding="utf-8").strip().splitlines() if command_file.is_file() else []
        svg = learning_curve(read_series(data, spec.x, spec.y), labels, command[0] if command else "")
        figures[figure.as_posix()] = svg.encode()
    return figures
