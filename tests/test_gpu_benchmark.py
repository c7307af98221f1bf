"""benchmarks/gpu.sh, dry-run on the CPU with tiny settings: it measures, trains Pong, keeps to its budget and leaves
its results in the layout of a committed run."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_gpu_benchmark_dry_run_on_cpu_writes_the_throughput_and_a_pong_run_within_its_budget(tmp_path):
    # A generous budget for a loaded machine: on an idle one the tiny run ends long before it
    out, budget = tmp_path / "out", 420
    env = {**os.environ, "OUT": str(out), "PYTHON": sys.executable, "BUDGET_S": str(budget), "ENVS": "2",
           "NUM_STEPS": "8", "UPDATES": "1", "COMPILE_ENVS": "0", "BF16_ENVS": "2", "PONG_ENVS": "2", "PONG_STEPS": "32", "DEVICE": "cpu"}
    started = time.monotonic()
    result = subprocess.run(["bash", str(REPO / "benchmarks" / "gpu.sh")], env=env, capture_output=True, text=True,
                            timeout=budget + 60)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    # It keeps to its budget (a few seconds for bash and the last print)
    assert elapsed < budget + 5, result.stdout
    # The throughput table, printed and written
    (row,) = json.loads((out / "throughput.json").read_text())
    assert row["num_envs"] == 2 and row["steps_per_second"] > 0
    assert "2 envs x 8 steps:" in result.stdout
    # And with bfloat16 autocast
    (row,) = json.loads((out / "throughput-bf16.json").read_text())
    assert row["num_envs"] == 2 and row["steps_per_second"] > 0
    # The Pong run, as reference_impl/ppo/results/<run-name>/ holds one
    run = out / "results" / "pong-gpu"
    command = (run / "command.txt").read_text()
    assert command.startswith("python -m reference_impl.ppo train --env ALE/Pong-v5 --num-envs 2 --num-steps 8 ")
    assert "--precision fp32" in command
    rows = list(csv.DictReader((run / "metrics.csv").open()))
    assert [int(row["global_step"]) for row in rows] == [16, 32]
    # Everything printed is in the log too
    assert "score curve" in (out / "log.txt").read_text()
