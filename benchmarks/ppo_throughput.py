"""Throughput of PPO on Atari on this machine, measured in one run.

Prints, for 8 environments and the standard settings (128 steps per rollout, 4 epochs of 4 minibatches):

1. env-only steps/s with random actions: ale-py's `AtariVectorEnv` (as wrapped by `AtariGames`) and
   gymnasium's `SyncVectorEnv` with CleanRL's Atari wrappers;
2. the steps/s of the baseline, a CleanRL-equivalent loop (`cleanrl_equivalent.py`: CleanRL's `ppo_atari.py`
   with the same wrappers, model and update, rewritten on gymnasium 1.x without stable-baselines3);
3. the steps/s of our trainer (`reference_impl.ppo.trainer.Trainer`), with the split of its time into rollout
   and update;
4. the ratio ours / baseline;
5. how much CPU other processes used meanwhile: on a shared machine their load, not the code, can explain
   a difference between two runs.

With `--profile`, it then times one more series of updates of our trainer phase by phase (the environment step,
the policy's forward pass and sampling, the bookkeeping of the rollout; the frame preparation, forward and backward
passes, gradient clipping and Adam step of the update) and prints the operators that took the longest in one
update, from `torch.profiler`.

Training steps/s count environment steps (each 4 frames) over whole updates: rollout plus optimisation, from the
median time of an update after one warm-up update. Both loops run in the same process, taking turns update by
update, so that a change of the load on a shared machine slows both alike.

With `--scaling 8 32 64 128`, it times our trainer alone on `--device` for each number of environments
(`benchmarks/gpu.sh` uses this on a GPU).

Usage: `python benchmarks/ppo_throughput.py [--updates N] [--env ALE/Breakout-v5] [--threads T] [--profile]`
or `python benchmarks/ppo_throughput.py --scaling 8 32 [--device cuda] [--num-steps 128] [--json FILE]`
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cleanrl_equivalent

import reference_impl.ppo.trainer as trainer_module
from reference_impl.ppo.atari import AtariGames
from reference_impl.ppo.config import PRECISIONS, Config
from reference_impl.ppo.trainer import Trainer


def env_only(env_id: str, num_envs: int, steps: int) -> tuple[float, float]:
    """Random-action steps/s of AtariGames and of the baseline's SyncVectorEnv with CleanRL's wrappers."""
    rng = np.random.default_rng(0)
    games = AtariGames(env_id, num_envs, seed=0)
    games.reset()
    start = time.perf_counter()
    for _ in range(steps):
        games.step(rng.integers(0, games.num_actions, num_envs))
    ours = steps * num_envs / (time.perf_counter() - start)
    games.close()

    env = gym.vector.SyncVectorEnv([cleanrl_equivalent.make_env(cleanrl_equivalent.noframeskip_id(env_id), i)
                                    for i in range(num_envs)])
    env.reset(seed=0)
    start = time.perf_counter()
    for _ in range(steps):
        env.step(rng.integers(0, env.single_action_space.n, num_envs))
    baseline = steps * num_envs / (time.perf_counter() - start)
    env.close()
    return ours, baseline


def summarize(config: Config, rollout_times: list[float], update_times: list[float]) -> tuple[float, float, float]:
    """(steps/s, rollout s, update s) from the median times per update; a median ignores a slow outlier."""
    total = statistics.median(r + u for r, u in zip(rollout_times, update_times, strict=True))
    return config.batch_size / total, statistics.median(rollout_times), statistics.median(update_times)


def our_updates(config: Config, updates: int) -> Iterator[tuple[float, float]]:
    """Our trainer's rollout and optimize, as `Trainer.train` calls them, yielding the seconds of each update's
    rollout and optimization as it goes."""
    with tempfile.TemporaryDirectory() as out:
        trainer = Trainer(dataclasses.replace(config, out=out))
        for _ in range(updates):
            start = time.perf_counter()
            rollout = next_rollout(trainer)
            mid = time.perf_counter()
            trainer.optimize(rollout)
            # On a GPU the update's kernels may still run: wait for them before reading the clock
            if trainer.device.type == "cuda":
                torch.cuda.synchronize(trainer.device)
            yield mid - start, time.perf_counter() - mid
        trainer.games.close()


def timed(config: Config, seconds: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(steps/s, rollout s, update s) of a loop, without its first update, which warms up (allocations, oneDNN's
    choice of kernels)."""
    return summarize(config, [rollout for rollout, _ in seconds[1:]], [update for _, update in seconds[1:]])


def our_training(config: Config, updates: int) -> tuple[float, float, float]:
    """(steps/s, rollout s, update s) of our trainer over `updates` updates after one warm-up update."""
    return timed(config, list(our_updates(config, updates + 1)))


def side_by_side(env_id: str, config: Config, updates: int, precisions: list[str]) -> list[tuple[float, float, float]]:
    """The CleanRL-equivalent baseline and our trainer in each of `precisions`, update by update in turn, so that a
    change of the machine's load during the measurement slows all alike; returns the figures of `timed` for the
    baseline, then for ours in each precision."""
    loops = {
        "baseline": cleanrl_equivalent.train(env_id, updates + 1, num_envs=config.num_envs, num_steps=config.num_steps),
        **{precision: our_updates(dataclasses.replace(config, precision=precision), updates + 1)
           for precision in precisions},
    }
    seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in loops}
    for _ in range(updates + 1):
        for name, loop in loops.items():
            seconds[name].append(next(loop))
    # Let each loop close its environments
    for loop in loops.values():
        for _ in loop:
            pass
    return [timed(config, seconds[name]) for name in loops]


def next_rollout(trainer: Trainer) -> dict:
    """The next update's learning rate and rollout, as `Trainer.train` does it."""
    trainer.update += 1
    for group in trainer.optimizer.param_groups:
        group["lr"] = trainer.learning_rate(trainer.update)
    return trainer.rollout()


class PhaseTimer:
    """Wall-clock seconds per phase, summed over the calls of the functions it wraps.

    A call made inside another timed call counts for the outer one only: the policy's forward pass in the rollout
    belongs to "policy forward + sampling", not to the update's "forward".
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._wrapped: list[tuple[object, str, object]] = []
        self._depth = 0
        # On a GPU the operators run asynchronously: wait for them, or their time lands in a later phase
        self._sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)

    def wrap(self, owner: object, name: str, phase: str) -> None:
        """Replace `owner.name` by a function that times each call under `phase`."""
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            if self._depth:
                return original(*args, **kwargs)
            self._sync()
            start = time.perf_counter()
            self._depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                self._depth -= 1
                self._sync()
                self.seconds[phase] += time.perf_counter() - start

        # The original is restored by `restore`, whether it was the owner's own attribute or its class's
        self._wrapped.append((owner, name, owner.__dict__.get(name)))
        setattr(owner, name, timed)

    def restore(self) -> None:
        for owner, name, original in reversed(self._wrapped):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._wrapped.clear()


ROLLOUT_PHASES = ["env step (AtariGames.step)", "policy forward + sampling", "values of final observations"]
UPDATE_PHASES = ["GAE", "frame preparation", "forward", "backward", "gradient clipping", "Adam step"]
# What the timed phases leave over
ROLLOUT_REST, UPDATE_REST = "bookkeeping, copies, Python", "losses, indexing, diagnostics"


def profile_training(config: Config, updates: int, top_ops: int) -> None:
    """Print where our trainer's time goes, phase by phase, and the slowest operators of one update."""
    with tempfile.TemporaryDirectory() as out:
        trainer = Trainer(dataclasses.replace(config, out=out))
        # The warm-up update, untimed
        trainer.optimize(next_rollout(trainer))
        started, other_load = time.perf_counter(), OtherLoad()
        timer = PhaseTimer()
        timer.wrap(trainer.games, "step", ROLLOUT_PHASES[0])
        timer.wrap(trainer, "sample_actions", ROLLOUT_PHASES[1])
        timer.wrap(trainer, "values_of", ROLLOUT_PHASES[2])
        timer.wrap(trainer_module, "generalized_advantage_estimation", UPDATE_PHASES[0])
        timer.wrap(trainer.model, "prepare", UPDATE_PHASES[1])
        timer.wrap(trainer.model, "forward_prepared", UPDATE_PHASES[2])
        timer.wrap(torch.Tensor, "backward", UPDATE_PHASES[3])
        timer.wrap(torch.nn.utils, "clip_grad_norm_", UPDATE_PHASES[4])
        timer.wrap(trainer.optimizer, "step", UPDATE_PHASES[5])
        # Per update: the seconds of each phase, and what the phases leave over in the rollout and the update
        per_update: dict[str, list[float]] = defaultdict(list)
        try:
            for _ in range(updates):
                timer.seconds.clear()
                start = time.perf_counter()
                rollout = next_rollout(trainer)
                mid = time.perf_counter()
                trainer.optimize(rollout)
                end = time.perf_counter()
                rollout_rest = (mid - start) - sum(timer.seconds[phase] for phase in ROLLOUT_PHASES)
                update_rest = (end - mid) - sum(timer.seconds[phase] for phase in UPDATE_PHASES)
                for phase in ROLLOUT_PHASES + UPDATE_PHASES:
                    per_update[phase].append(timer.seconds[phase])
                per_update[ROLLOUT_REST].append(rollout_rest)
                per_update[UPDATE_REST].append(update_rest)
                per_update["rollout"].append(mid - start)
                per_update["update"].append(end - mid)
        finally:
            timer.restore()
        total = statistics.median(r + u for r, u in zip(per_update["rollout"], per_update["update"], strict=True))
        print(
            f"\nwhere our trainer's time goes (median seconds per update of {config.batch_size} steps over {updates} "
            f"updates, and their share of the median update, {total:.2f} s; other processes kept "
            f"{other_load.cores(time.perf_counter() - started):.2f} cores busy):"
        )
        for title, rows in (("rollout", [*ROLLOUT_PHASES, ROLLOUT_REST]), ("update", [*UPDATE_PHASES, UPDATE_REST])):
            median = statistics.median(per_update[title])
            print(f"  {title:40s} {median:6.3f} s  {median / total:4.0%}")
            for phase in rows:
                median = statistics.median(per_update[phase])
                print(f"    {phase:38s} {median:6.3f} s  {median / total:4.0%}")

        # The operators of one more update, rollout included, by the time spent in them
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True) as profiler:
            trainer.optimize(next_rollout(trainer))
        trainer.games.close()
    print(f"\nthe {top_ops} operators with the most time of their own in one update (torch.profiler, by input shape):")
    table = profiler.key_averages(group_by_input_shape=True).table(
        sort_by="self_cpu_time_total", row_limit=top_ops, max_name_column_width=32, max_shapes_column_width=60
    )
    print(table)


class OtherLoad:
    """The CPU that other processes used while a measurement ran, from Linux's `/proc/stat`, in cores."""

    def __init__(self) -> None:
        self.start = self._busy_and_ours()

    @staticmethod
    def _busy_and_ours() -> tuple[float, float]:
        # All CPUs' busy seconds (user, nice, system, irq, softirq, steal) and this process's own CPU seconds
        try:
            with open("/proc/stat") as file:
                fields = [int(value) for value in file.readline().split()[1:]]
        except OSError:
            return float("nan"), float("nan")
        busy = sum(fields[index] for index in (0, 1, 2, 5, 6, 7)) / os.sysconf("SC_CLK_TCK")
        own = os.times()
        return busy, own.user + own.system

    def cores(self, seconds: float) -> float:
        """The average number of cores that other processes kept busy over the last `seconds`."""
        busy, ours = self._busy_and_ours()
        return max(0.0, (busy - self.start[0]) - (ours - self.start[1])) / seconds


def scaling(args: argparse.Namespace) -> None:
    """Our trainer alone, on `--device`, for each number of environments in `--scaling`: one line per count as it
    goes and, with `--json`, the figures in a file."""
    results = []
    for num_envs in args.scaling:
        config = Config(env_id=args.env, num_envs=num_envs, num_steps=args.num_steps, total_steps=10_000_000,
                        progress=False, device=args.device, torch_threads=args.threads, compile=args.compile,
                        precision=args.precision[0])
        steps_per_second, rollout, update = our_training(config, args.updates)
        results.append({"num_envs": num_envs, "num_steps": args.num_steps, "steps_per_second": steps_per_second,
                        "rollout_seconds": rollout, "update_seconds": update})
        print(f"{num_envs:4d} envs x {args.num_steps} steps: {steps_per_second:8.0f} steps/s "
              f"(per update of {config.batch_size} steps: rollout {rollout:.2f} s, update {update:.2f} s)", flush=True)
        # After every count, so that a run stopped by a time limit keeps what it measured
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="ALE/Breakout-v5")
    parser.add_argument(
        "--updates", type=int, default=3, help="timed updates per trainer (after one warm-up); the median counts"
    )
    parser.add_argument("--env-steps", type=int, default=500, help="vector steps for the env-only measurement")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: PyTorch's default)")
    parser.add_argument("--profile", action="store_true", help="then show where our trainer's time goes")
    parser.add_argument("--profile-updates", type=int, default=3, help="timed updates for --profile")
    parser.add_argument("--top-ops", type=int, default=15, help="operators listed by --profile")
    parser.add_argument("--scaling", type=int, nargs="+", metavar="ENVS",
                        help="only our trainer's steps/s, for each of these numbers of environments")
    parser.add_argument("--num-steps", type=int, default=128, help="steps per rollout for --scaling")
    parser.add_argument("--device", default="auto", help="torch device for --scaling (default: auto)")
    parser.add_argument("--json", help="with --scaling, also write the figures to this JSON file")
    parser.add_argument("--compile", action="store_true", help="with --scaling, train with --compile")
    parser.add_argument("--precision", nargs="+", choices=PRECISIONS, default=list(PRECISIONS),
                        help="our trainer's precisions, each measured beside the baseline (default: all); the first "
                        "one is profiled and used by --scaling")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.scaling:
        print(f"{args.env}; torch {torch.__version__}, device {trainer_module.select_device(args.device)}", flush=True)
        scaling(args)
        return
    config = Config(env_id=args.env, total_steps=10_000_000, progress=False, torch_threads=args.threads)
    print(
        f"{args.env}, {config.num_envs} envs x {config.num_steps} steps, {config.num_epochs} epochs x "
        f"{config.num_minibatches} minibatches; torch {torch.__version__}, {torch.get_num_threads()} threads"
    )
    started, other_load = time.perf_counter(), OtherLoad()

    ours_env, baseline_env = env_only(args.env, config.num_envs, args.env_steps)
    print(
        f"env only, random actions:  AtariVectorEnv (AtariGames) {ours_env:7.0f} steps/s   "
        f"SyncVectorEnv + CleanRL's wrappers {baseline_env:7.0f} steps/s"
    )

    (baseline, baseline_rollout, baseline_update), *ours = side_by_side(args.env, config, args.updates,
                                                                        args.precision)
    print(
        f"CleanRL-equivalent baseline (cleanrl_equivalent.py):     {baseline:6.1f} steps/s "
        f"(per update of {config.batch_size} steps: rollout {baseline_rollout:.2f} s, update {baseline_update:.2f} s)"
    )
    for precision, (steps, rollout, update) in zip(args.precision, ours, strict=True):
        print(
            f"our trainer, --precision {precision}:                        {steps:6.1f} steps/s "
            f"(per update of {config.batch_size} steps: rollout {rollout:.2f} s, update {update:.2f} s)"
        )
    for precision, (steps, _, _) in zip(args.precision, ours, strict=True):
        print(f"ours with --precision {precision} / CleanRL-equivalent baseline (float32): {steps / baseline:.2f}x")
    print(
        f"other processes kept {other_load.cores(time.perf_counter() - started):.2f} of {os.cpu_count()} cores busy "
        f"on average meanwhile"
    )
    if args.profile:
        profile_training(dataclasses.replace(config, precision=args.precision[0]), args.profile_updates, args.top_ops)


if __name__ == "__main__":
    main()
