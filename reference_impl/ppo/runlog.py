r"""
---
title: The run log of PPO
summary: What the PPO trainer records after every update, in metrics.csv and TensorBoard, through an update callback.
---

# Run log

After every update the [trainer](trainer.py) hands an `UpdateReport` to its update callbacks.
The run log is the first of them: it writes one row per update to `metrics.csv` and the same values to
TensorBoard, where the losses and the diagnostics of the update appear under `losses/` and the games,
the learning rate and the speed under `charts/`, as in CleanRL. Anything else that wants to follow a run,
such as a test, is one more callback.

On resume, the rows and events after the checkpoint are dropped: those updates are computed again.
"""

import csv
import dataclasses
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from torch.utils.tensorboard import SummaryWriter

from .atari import FinishedGame
from .config import Config
from .files import atomic_write

# The columns of `metrics.csv`, one row per update
METRICS = [
    "update",
    "global_step",
    "episodic_return",
    "episodic_length",
    "games",
    "policy_loss",
    "value_loss",
    "entropy",
    "approx_kl",
    "clip_fraction",
    "explained_variance",
    "learning_rate",
    "steps_per_second",
]

# The TensorBoard tag of each value logged per update
TAGS = {
    "policy_loss": "losses/policy_loss",
    "value_loss": "losses/value_loss",
    "entropy": "losses/entropy",
    "approx_kl": "losses/approx_kl",
    "clip_fraction": "losses/clip_fraction",
    "explained_variance": "losses/explained_variance",
    "learning_rate": "charts/learning_rate",
    "steps_per_second": "charts/steps_per_second",
}


@dataclass
class UpdateReport:
    """What one update did, as the trainer reports it to its update callbacks."""

    update: int
    """The number of this update, from 1."""
    global_step: int
    """Environment steps taken so far, summed over all environments."""
    metrics: dict[str, float]
    """The losses and diagnostics of the update, its learning rate and the steps per second."""
    finished: list[FinishedGame]
    """The games that ended during the update's rollout."""


UpdateCallback = Callable[[UpdateReport], None]
"""A function that the trainer calls with the report of every update."""


class RunLog:
    r"""
    ## The run log

    Open it on the run's folder with the position of the run (0 for a new run); call it with each
    `UpdateReport`; close it at the end. It also records the run's settings in `config.json`.
    """

    def __init__(self, out: Path, config: Config, update: int, global_step: int):
        # Record the configuration
        config_json = json.dumps(dataclasses.asdict(config), indent=2) + "\n"
        atomic_write(out / "config.json", lambda file: file.write(config_json.encode()))
        metrics_path = out / "metrics.csv"
        # On resume, drop the rows of updates after the checkpoint: they will be computed again
        if update > 0 and metrics_path.exists():
            with metrics_path.open(newline="") as file:
                kept = [row for row in csv.DictReader(file) if int(row["update"]) <= update]
            text = ",".join(METRICS) + "\n" + "".join(",".join(row[name] for name in METRICS) + "\n" for row in kept)
            atomic_write(metrics_path, lambda file: file.write(text.encode()))
        new_file = not metrics_path.exists() or metrics_path.stat().st_size == 0
        self.csv_file = metrics_path.open("a", newline="")
        self.csv_writer = csv.DictWriter(self.csv_file, fieldnames=METRICS)
        if new_file:
            self.csv_writer.writeheader()
        # TensorBoard purges the events after the checkpoint's step when it opens the log, for the same reason
        self.writer = SummaryWriter(str(out / "tensorboard"), purge_step=global_step + 1 if update else None)

    def __call__(self, report: UpdateReport) -> None:
        """Record one update."""

        # Per game: its return and length, at the step where it ended
        for game in report.finished:
            self.writer.add_scalar("charts/episodic_return", game.game_return, report.global_step)
            self.writer.add_scalar("charts/episodic_length", game.length, report.global_step)
        # Per update: the averages of the games that ended in it, the losses and the diagnostics
        finished = report.finished
        row: dict[str, Any] = {"update": report.update, "global_step": report.global_step, "games": len(finished)}
        row["episodic_return"] = np.mean([game.game_return for game in finished]) if finished else ""
        row["episodic_length"] = np.mean([game.length for game in finished]) if finished else ""
        row.update(report.metrics)
        for name, tag in TAGS.items():
            # The explained variance is NaN when the returns do not vary; TensorBoard gets no point then
            if not math.isnan(row[name]):
                self.writer.add_scalar(tag, row[name], report.global_step)
        self.csv_writer.writerow(row)
        self.csv_file.flush()

    def close(self) -> None:
        """Flush and close the files."""

        self.writer.close()
        self.csv_file.close()

    def __enter__(self) -> "RunLog":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
