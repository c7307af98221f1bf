"""The build's hand-drawn SVG: learning curves from the trainer's metrics.csv, and coverage badges."""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_impl.ppo.runlog import METRICS
from tools import charts, extract_cmd
from tools.build import build_site
from tools.errors import UserError
from tools.site_config import load_labels

SVG = "{http://www.w3.org/2000/svg}"


def write_metrics(path: Path, returns: list[float | str], steps_per_update: int = 1024) -> None:
    """A metrics.csv as the trainer writes it: its columns, one row per update, '' where no game ended."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=METRICS)
        writer.writeheader()
        for update, value in enumerate(returns, start=1):
            row = dict.fromkeys(METRICS, 0.5)
            row.update(update=update, global_step=update * steps_per_update, games=0 if value == "" else 2,
                       episodic_return=value, episodic_length="" if value == "" else 300.0)
            writer.writerow(row)


def texts(svg: ET.Element) -> list[str]:
    return [element.text or "" for element in svg.iter(f"{SVG}text")]


@pytest.mark.parametrize("lang", ["en", "ja", "zh"])
def test_learning_curve_of_the_trainers_csv_is_labelled_in_the_pages_language(tmp_path: Path, lang: str) -> None:
    labels = load_labels()[lang]
    run = tmp_path / "src" / "ppo" / "results" / "breakout"
    # 60 updates, every third without a finished game: 40 scores, rising, the best at the end
    returns: list[float | str] = ["" if update % 3 == 0 else float(update % 7 + update / 10) for update in range(1, 60)]
    returns.append(99.0)
    write_metrics(run / "metrics.csv", returns)
    (run / "command.txt").write_text("python -m reference_impl.ppo train --env ALE/Breakout-v5 --seed 1\n")

    figures = charts.learning_curves(tmp_path / "src", labels)

    assert list(figures) == ["ppo/results/breakout/learning-curve.svg"]
    svg = ET.fromstring(figures["ppo/results/breakout/learning-curve.svg"])
    shown = texts(svg)
    for key in ("curve_title", "curve_x", "curve_y", "curve_each"):
        assert labels[key] in shown
    assert labels["curve_average"].format(window=2) in shown  # the mean of the last 41 // 20 updates
    assert "python -m reference_impl.ppo train --env ALE/Breakout-v5 --seed 1" in shown
    lines = {line.get("class"): line for line in svg.iter(f"{SVG}polyline")}
    assert set(lines) == {"each", "average"}
    points = [tuple(map(float, pair.split(","))) for pair in lines["each"].get("points", "").split()]
    # One point per update in which a game ended, left to right; the best score is the highest point (smallest y)
    assert len(points) == 41
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    assert min(points, key=lambda p: p[1]) == points[-1]


def test_a_run_too_short_for_an_average_is_one_line_with_one_legend_entry() -> None:
    labels = load_labels()["en"]
    svg = ET.fromstring(charts.learning_curve([(1024.0, 0.0), (2048.0, 1.5), (3072.0, 0.5)], labels))
    assert len(list(svg.iter(f"{SVG}polyline"))) == 1
    shown = texts(svg)
    assert labels["curve_each"] in shown and not any(text.startswith("Mean of") for text in shown)


def test_figures_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    write_metrics(tmp_path / "run" / "metrics.csv", [0.0, 5.5, 7.25])
    labels = load_labels()["en"]
    assert charts.learning_curves(tmp_path, labels) == charts.learning_curves(tmp_path, labels)


def test_bad_metrics_are_one_line_errors_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    path.write_text("update,global_step\n1,128\n")
    with pytest.raises(UserError, match=r"metrics\.csv: no column episodic_return \(the header has update, global"):
        charts.read_series(path, "global_step", "episodic_return")
    path.write_text("global_step,episodic_return\n128,1.5\n256,lots\n")
    with pytest.raises(UserError, match=r"metrics\.csv:3: global_step='256', episodic_return='lots' is not a pair"):
        charts.read_series(path, "global_step", "episodic_return")
    path.write_text("global_step,episodic_return\n128,\n")
    with pytest.raises(UserError, match="no row with a value for episodic_return: nothing to draw"):
        charts.read_series(path, "global_step", "episodic_return")


def test_text_in_a_figure_is_escaped(tmp_path: Path) -> None:
    labels = dict(load_labels()["en"], curve_title="<script>alert(1)</script> & co")
    svg = charts.learning_curve([(0.0, 1.0), (1.0, 2.0)], labels, subtitle='--out "a<b"')
    assert "<script>" not in svg
    assert "<script>alert(1)</script> & co" in texts(ET.fromstring(svg))


@given(st.floats(-1e7, 1e7), st.floats(0, 1e7))
def test_ticks_are_round_and_cover_the_data(low: float, span: float) -> None:
    high = low + span
    ticks = charts.nice_ticks(low, high)
    assert ticks[0] <= low + 1e-6 * max(1.0, abs(low)) and ticks[-1] >= high - 1e-6 * max(1.0, abs(high))
    assert 2 <= len(ticks) <= 12
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    assert all(math.isclose(step, steps[0], rel_tol=1e-6) for step in steps)  # evenly spaced
    assert f"{steps[0]:.6e}"[0] in "125"  # 1, 2 or 5 times a power of ten


def test_badge_is_coloured_by_its_share_and_wide_enough_for_cjk() -> None:
    full, partial = ET.fromstring(charts.badge("日本語", "100%", 100.0)), ET.fromstring(charts.badge("ja", "62%", 62.0))
    fills = lambda svg: {rect.get("fill") for rect in svg.iter(f"{SVG}rect")}  # noqa: E731
    assert "#4c1" in fills(full) and "#dfb317" in fills(partial)
    assert int(full.get("width", "0")) > int(partial.get("width", "0"))
    assert texts(full) == ["日本語", "100%"] and full.get("aria-label") == "日本語: 100%"


@pytest.mark.slow
def test_a_note_shows_the_curve_of_its_run_in_the_pages_language(tmp_path: Path) -> None:
    source, translations = tmp_path / "src" / "reference_impl", tmp_path / "translations"
    source.mkdir(parents=True)
    (source / "readme.md").write_text("# Toy\n\nThe score of a run:\n\n![Learning curve](results/run/learning-curve.svg)\n",
                                      encoding="utf-8")
    write_metrics(source / "results" / "run" / "metrics.csv", [1.0, 2.5, "", 4.0])
    extract_cmd.run(argparse.Namespace(prune=False, source_root=source, translations=translations))
    out = tmp_path / "out"
    build_site(out, ["ja"], work_dir=tmp_path / "generated", source_root=source, translations=translations,
               emit=lambda line: None)

    page = (out / "ja" / "readme" / "index.html").read_text(encoding="utf-8")
    src = re.search(r'<img alt="Learning curve" src="([^"]+)"', page).group(1)
    figure = (out / "ja" / "readme" / src).resolve()
    assert figure == (out / "ja" / "results" / "run" / "learning-curve.svg").resolve() and figure.is_file()
    assert load_labels()["ja"]["curve_title"] in texts(ET.fromstring(figure.read_bytes()))
    # The status page and the badges are part of every language's site
    assert (out / "ja" / "translation-status" / "index.html").is_file()
    assert (out / "ja" / "assets" / "badges" / "zh.svg").is_file()


def test_the_learning_curves_setting_is_checked_with_the_file_named() -> None:
    assert charts.curve_spec(None, "mkdocs.yml") is None
    assert charts.curve_spec({"y": "episodic_length"}, "mkdocs.yml") == charts.CurveSpec(y="episodic_length")
    for value, message in [
        ({"colour": "red"}, "mkdocs.yml: learning_curves: unknown setting colour (known: data, figure, x, y)"),
        ({"x": 3}, "mkdocs.yml: learning_curves.x must be a non-empty string"),
        ({"figure": "../escape.svg"}, "mkdocs.yml: learning_curves.figure must be a file name, not a path"),
    ]:
        with pytest.raises(UserError) as error:
            charts.curve_spec(value, "mkdocs.yml")
        assert str(error.value) == message


def test_a_long_run_is_thinned_to_what_the_figure_can_show_keeping_its_ends() -> None:
    points = [(float(step * 1024), float(step % 7)) for step in range(1, 10_001)]
    short = ET.fromstring(charts.learning_curve(points[-2:], load_labels()["en"]))
    svg = ET.fromstring(charts.learning_curve(points, load_labels()["en"]))
    for line in svg.iter(f"{SVG}polyline"):
        xs = [float(pair.split(",")[0]) for pair in line.get("points", "").split()]
        assert len(xs) <= charts.MAX_POINTS + 1 and xs == sorted(xs)
    # The last update is drawn where a figure of the last two updates alone draws it (same x axis)
    last = lambda figure: next(figure.iter(f"{SVG}polyline")).get("points", "").split()[-1].split(",")[0]  # noqa: E731
    assert last(svg) == last(short)


def test_a_long_command_is_wrapped_on_two_lines_and_cut_beyond() -> None:
    command = "python -m reference_impl.ppo train --env ALE/Breakout-v5 --total-steps 10000000 --seed 1 --out runs/b"
    lines = charts.wrap(command, 300, 10.0, 2)
    assert len(lines) == 2 and all(charts.text_width(line, 10.0) <= 300 for line in lines)
    assert lines[-1].endswith(" …") and command.startswith(lines[0])
    assert charts.wrap(command, 2000, 10.0, 2) == [command]
    svg = ET.fromstring(charts.learning_curve([(0.0, 1.0), (1.0, 2.0)], load_labels()["en"], subtitle=command))
    assert [text for text in texts(svg) if text.startswith("python")] == charts.wrap(command, 576, 10.0, 2)


@pytest.mark.slow
def test_a_change_in_another_languages_counts_regenerates_this_languages_status_page(tmp_path: Path) -> None:
    source, translations = tmp_path / "src" / "reference_impl", tmp_path / "translations"
    source.mkdir(parents=True)
    (source / "readme.md").write_text("# Toy\n\nOne paragraph.\n", encoding="utf-8")
    extract_cmd.run(argparse.Namespace(prune=False, source_root=source, translations=translations))
    out = tmp_path / "out"

    def build_ja() -> str:
        build_site(out, ["ja"], work_dir=tmp_path / "generated", source_root=source, translations=translations,
                   emit=lambda line: None)
        return (out / "ja" / "translation-status" / "index.html").read_text(encoding="utf-8")

    assert "<td>简体中文</td>" in build_ja()
    before = build_ja()
    zh = translations / "zh" / "readme.md.json"
    zh.write_text(json.dumps({"# Toy": "# 玩具", "One paragraph.": ""}, ensure_ascii=False, indent=2,
                             sort_keys=True) + "\n", encoding="utf-8")
    after = build_ja()  # nothing of ja changed, but the zh counts on its status page did
    row = lambda page: re.search(r"<td>简体中文</td>.*?</tr>", page, re.S).group(0)  # noqa: E731
    assert row(before) != row(after) and "<td>1</td>" in row(after)
