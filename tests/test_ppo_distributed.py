"""The trainer on 2 CPU ranks with a real gloo process group: torch.multiprocessing workers in one test, the real
`torchrun` command line in another."""

from __future__ import annotations

import csv
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
import torch.multiprocessing as mp

from reference_impl.ppo.checkpoint import load_checkpoint
from reference_impl.ppo.config import Config
from reference_impl.ppo.trainer import Trainer

REPO = Path(__file__).resolve().parent.parent
# Tiny runs: 2 games per rank, 16 steps per rollout; a time limit of 96 frames (24 steps) makes games end often
TINY = {"env_id": "ALE/Pong-v5", "num_envs": 2, "num_steps": 16, "num_epochs": 2, "num_minibatches": 2,
        "max_episode_frames": 96, "progress": False, "torch_threads": 1}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_ranks(worker, world_size: int, *args) -> None:
    """Run `worker(rank, *args)` in `world_size` fresh processes that form one gloo group, as torchrun's would."""
    mp.start_processes(_join_and_run, args=(world_size, free_port(), worker, *args), nprocs=world_size,
                       start_method="spawn")


def _join_and_run(rank: int, world_size: int, port: int, worker, *args) -> None:
    # The environment that torchrun gives its workers
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), LOCAL_RANK=str(rank),
                      WORLD_SIZE=str(world_size))
    torch.set_num_threads(1)
    worker(rank, *args)


def parameters(trainer: Trainer) -> torch.Tensor:
    return torch.cat([parameter.detach().flatten() for parameter in trainer.model.parameters()]).clone()


def _train_recording(rank: int, config: Config, results: Path, interrupt_at: int | None, resume: bool) -> None:
    # Train, recording the parameters, the report and the games after every update; with `interrupt_at`,
    # rank 1 alone gets a Ctrl-C during that update
    if resume:
        trainer = Trainer.from_checkpoint(Path(config.out) / "checkpoint.pt", {"total_steps": config.total_steps})
    else:
        trainer = Trainer(config)
    records = []

    def record(report) -> None:
        records.append({"update": report.update, "global_step": report.global_step, "metrics": report.metrics,
                        "games": len(report.finished), "parameters": parameters(trainer)})
        if report.update == interrupt_at and rank == 1:
            os.kill(os.getpid(), signal.SIGINT)

    completed = trainer.train(on_update=record)
    trainer.games.close()
    torch.save({"records": records, "completed": completed}, results / f"{'resumed' if resume else 'run'}-{rank}.pt")


@pytest.mark.slow
def test_two_ranks_keep_identical_parameters_stop_together_and_resume_exactly(tmp_path):
    # An uninterrupted 2-rank run of 3 updates
    whole = dataclasses.replace(Config(**TINY), total_steps=3 * 2 * 32, out=str(tmp_path / "whole"))
    run_ranks(_train_recording, 2, whole, tmp_path, None, False)
    ranks = [torch.load(tmp_path / f"run-{rank}.pt") for rank in range(2)]
    for first, second in zip(ranks[0]["records"], ranks[1]["records"], strict=True):
        # The parameters are bit-identical on both ranks after every update
        assert torch.equal(first["parameters"], second["parameters"])
        # The metrics are those of both ranks together (each rank has its own clock), the steps are counted over both
        first["metrics"].pop("steps_per_second"), second["metrics"].pop("steps_per_second")
        assert first["metrics"] == second["metrics"] and first["games"] == second["games"]
        assert first["global_step"] == 64 * first["update"]
    records = ranks[0]["records"]
    assert [record["update"] for record in records] == [1, 2, 3]
    assert not torch.equal(records[0]["parameters"], records[-1]["parameters"])
    # The games of both ranks are logged: 4 games whose time limit is 24 steps end in every 48 steps
    assert sum(record["games"] for record in records) >= 4
    # Rank 0 alone writes the run's files
    with (tmp_path / "whole" / "metrics.csv").open() as file:
        rows = list(csv.DictReader(file))
    assert [int(row["global_step"]) for row in rows] == [64, 128, 192]
    assert sum(int(row["games"]) for row in rows) == sum(record["games"] for record in records)

    # The same run, with a Ctrl-C on rank 1 only during update 2: both ranks stop after it, with a checkpoint
    part = dataclasses.replace(whole, out=str(tmp_path / "part"))
    run_ranks(_train_recording, 2, part, tmp_path, 2, False)
    for rank in range(2):
        stopped = torch.load(tmp_path / f"run-{rank}.pt")
        assert not stopped["completed"] and [record["update"] for record in stopped["records"]] == [1, 2]
    assert load_checkpoint(tmp_path / "part" / "checkpoint.pt")["update"] == 2

    # Resumed on 2 ranks, it ends exactly where the uninterrupted run ended
    run_ranks(_train_recording, 2, part, tmp_path, None, True)
    for rank in range(2):
        resumed = torch.load(tmp_path / f"resumed-{rank}.pt")
        assert [record["update"] for record in resumed["records"]] == [3]
        assert torch.equal(resumed["records"][-1]["parameters"], records[-1]["parameters"])


def _gradient_of_half(rank: int, config: Config, rollout_path: Path, results: Path) -> None:
    # One update of one minibatch on this rank's half of the environments of a given rollout; the gradient stays in
    # the parameters' `.grad` after the step
    trainer = Trainer(config)
    rollout = torch.load(rollout_path)
    envs = slice(rank * config.num_envs, (rank + 1) * config.num_envs)
    half = {name: value[:, envs] if isinstance(value, torch.Tensor) else [] for name, value in rollout.items()}
    trainer.optimize(half)
    trainer.games.close()
    torch.save([parameter.grad for parameter in trainer.model.parameters()], results / f"gradient-{rank}.pt")


@pytest.mark.slow
def test_first_gradient_of_two_ranks_with_n_envs_is_that_of_one_rank_with_2n_envs(tmp_path):
    # One epoch of one minibatch: the gradient of the whole batch, advantages normalized over it
    single = {**TINY, "num_epochs": 1, "num_minibatches": 1}
    one_rank = Trainer(Config(**{**single, "num_envs": 4}, out=str(tmp_path / "one")))
    rollout = one_rank.rollout()
    torch.save(rollout, tmp_path / "rollout.pt")
    one_rank.optimize(rollout)
    one_rank.games.close()
    expected = [parameter.grad for parameter in one_rank.model.parameters()]

    # The same data split between two ranks of 2 environments each, from the same initial parameters
    run_ranks(_gradient_of_half, 2, Config(**single, out=str(tmp_path / "two")), tmp_path / "rollout.pt", tmp_path)
    for rank in range(2):
        gradients = torch.load(tmp_path / f"gradient-{rank}.pt")
        for actual, wanted in zip(gradients, expected, strict=True):
            torch.testing.assert_close(actual, wanted, rtol=1e-4, atol=1e-7)
        assert any(gradient.abs().sum() > 0 for gradient in gradients)


def torchrun(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
               "-m", "reference_impl.ppo", "train", *args]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def worker_of_rank(launcher: subprocess.Popen, rank: int) -> int:
    """The process id of torchrun's worker of `rank`: a child of the launcher with `RANK=<rank>` in its environment."""
    for entry in Path("/proc").iterdir():
        try:
            # The parent's id is the 4th field of `stat`, after the command name in parentheses
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            environment = (entry / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if parent == launcher.pid and f"RANK={rank}".encode() in environment:
            return int(entry.name)
    raise AssertionError(f"torchrun has no worker of rank {rank}")


@pytest.mark.slow
def test_torchrun_run_whose_rank_is_killed_leaves_a_checkpoint_that_resumes_on_two_ranks(tmp_path):
    out = tmp_path / "run"
    settings = ["--env", "ALE/Pong-v5", "--num-envs", "2", "--num-steps", "16", "--num-minibatches", "2",
                "--num-epochs", "1", "--checkpoint-every", "1", "--no-progress", "--out", str(out)]
    launcher = torchrun(*settings, "--total-steps", str(64 * 1000))
    checkpoint = out / "checkpoint.pt"
    deadline = time.monotonic() + 240
    while not checkpoint.exists():
        assert launcher.poll() is None and time.monotonic() < deadline, launcher.communicate()[0]
        time.sleep(0.2)
    os.kill(worker_of_rank(launcher, 1), signal.SIGKILL)
    output = launcher.communicate(timeout=120)[0]
    assert launcher.returncode != 0, output

    # The last checkpoint is whole, and a 2-rank run continues from it to its end
    update = load_checkpoint(checkpoint)["update"]
    assert update >= 1
    resumed = torchrun("--resume", str(checkpoint), "--total-steps", str(64 * (update + 1)))
    output = resumed.communicate(timeout=240)[0]
    assert resumed.returncode == 0, output
    assert load_checkpoint(checkpoint)["update"] == update + 1
    with (out / "metrics.csv").open() as file:
        assert [int(row["update"]) for row in csv.DictReader(file)] == list(range(1, update + 2))
