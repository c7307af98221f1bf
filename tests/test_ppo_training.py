"""Real training runs on real ROMs (tiny sizes): metrics, checkpoints, exact resume, evaluation, bad input."""

import csv
import dataclasses
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from reference_impl.ppo.checkpoint import checksum, load_checkpoint
from reference_impl.ppo.config import Config, ConfigError
from reference_impl.ppo.evaluate import evaluate
from reference_impl.ppo.runlog import METRICS
from reference_impl.ppo.trainer import RunStopped, Trainer

ROOT = Path(__file__).resolve().parent.parent

# Breakout games of a nearly uniform policy last about 200 steps, so games end within these runs
TINY = {
    "env_id": "ALE/Breakout-v5",
    "num_envs": 2,
    "num_steps": 100,
    "num_epochs": 2,
    "num_minibatches": 2,
    "total_steps": 800,
    "seed": 3,
    "progress": False,
    "torch_threads": 1,
}


def stop_after_update(trainer: Trainer, update: int):
    """An update callback that stops the run the way Ctrl-C does, after `update`."""

    def callback(report):
        if report.update == update:
            trainer.stop_requested = True

    return callback


def copy_checkpoint_at_update(trainer: Trainer, update: int, path: Path):
    """An update callback that writes a checkpoint of the run at `update` to `path`."""

    def callback(report):
        if report.update == update:
            trainer.save_checkpoint(path)

    return callback


def read_metrics(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def without_speed(rows):
    return [{k: v for k, v in row.items() if k != "steps_per_second"} for row in rows]


@pytest.mark.slow
def test_training_writes_metrics_and_checkpoint_and_resumes_exactly(tmp_path, capsys):
    # The uninterrupted run, with its progress bar
    settings = {**TINY, "progress": True}
    full = Trainer(Config(**settings, out=str(tmp_path / "full"), checkpoint_every=2))
    reports = []
    copy = copy_checkpoint_at_update(full, 2, tmp_path / "update2.pt")
    assert full.train(lambda report: (reports.append(report), copy(report)))
    full.games.close()
    # The bar shows the steps per second and the mean return of the recent games
    progress = capsys.readouterr().err
    assert "step/s" in progress and f"ret={np.mean(full.recent_returns):.1f}" in progress
    rows = read_metrics(tmp_path / "full" / "metrics.csv")
    assert [int(row["update"]) for row in rows] == [1, 2, 3, 4]
    assert list(rows[0]) == METRICS
    for row in rows:
        for name in ("policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "steps_per_second"):
            assert np.isfinite(float(row[name]))
    assert any(row["episodic_return"] for row in rows), "no game ended: the run does not exercise game ends"
    # The callback saw every update that the CSV has; TensorBoard has the diagnostics under losses/
    assert [report.update for report in reports] == [1, 2, 3, 4]
    assert [report.global_step for report in reports] == [int(row["global_step"]) for row in rows]
    events = list((tmp_path / "full" / "tensorboard").glob("events.out.tfevents.*"))
    assert events
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(events[0].parent))
    accumulator.Reload()
    logged = set(accumulator.Tags()["scalars"])
    assert {"losses/approx_kl", "losses/clip_fraction", "losses/entropy", "losses/explained_variance",
            "charts/episodic_return", "charts/learning_rate"} <= logged
    assert (tmp_path / "full" / "checkpoint.pt").is_file()

    # The same run, stopped after two updates...
    first = Trainer(Config(**TINY, out=str(tmp_path / "resumed")))
    assert not first.train(stop_after_update(first, 2))
    first.games.close()
    assert any(row["episodic_return"] for row in read_metrics(tmp_path / "resumed" / "metrics.csv"))
    # ...and resumed from its checkpoint in a new trainer
    resumed = Trainer.from_checkpoint(tmp_path / "resumed" / "checkpoint.pt")
    assert resumed.update == 2
    assert resumed.train()
    resumed.games.close()

    # Same parameters, same metrics, same games
    for name, tensor in full.model.state_dict().items():
        assert torch.equal(tensor, resumed.model.state_dict()[name]), name
    assert without_speed(read_metrics(tmp_path / "resumed" / "metrics.csv")) == without_speed(rows)
    np.testing.assert_array_equal(full.observations, resumed.observations)

    # Resuming from the checkpoint of update 2 in the finished run's own folder recomputes updates 3 and 4:
    # their rows in metrics.csv are replaced, not repeated, and the model ends the same
    again = Trainer.from_checkpoint(tmp_path / "update2.pt", {"out": str(tmp_path / "full")})
    assert again.update == 2
    assert again.train()
    again.games.close()
    assert without_speed(read_metrics(tmp_path / "full" / "metrics.csv")) == without_speed(rows)
    for name, tensor in full.model.state_dict().items():
        assert torch.equal(tensor, again.model.state_dict()[name]), name

    # Evaluation loads the checkpoint and plays full games
    result = evaluate(tmp_path / "full" / "checkpoint.pt", episodes=2, num_envs=2)
    assert len(result.returns) == 2 and all(length > 0 for length in result.lengths)


def test_rewards_are_clipped_for_learning_only(tmp_path):
    config = Config(env_id="ALE/SpaceInvaders-v5", num_envs=2, num_steps=64, progress=False, out=str(tmp_path))
    trainer = Trainer(config)
    try:
        rollout = trainer.rollout()
    finally:
        trainer.games.close()
    assert set(rollout["rewards"].unique().tolist()) <= {-1.0, 0.0, 1.0}
    assert rollout["rewards"].max() == 1.0
    # The games still count the raw score
    assert trainer.games.game_returns.max() > 1


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"env_id": "ALE/Breakot-v5"}, r"unknown Atari game id 'ALE/Breakot-v5'\. Did you mean: ALE/Breakout-v5"),
        ({"total_steps": 0}, r"--total-steps must be a positive number, got 0"),
        ({"total_steps": -5}, r"--total-steps must be a positive number"),
        ({"num_envs": 3, "num_steps": 5, "num_minibatches": 4}, r"3 \* 5 = 15 samples does not divide into"),
        # A minibatch of one sample has no standard deviation of its advantages
        ({"num_envs": 1, "num_steps": 4, "num_minibatches": 4}, r"a minibatch of 1 sample cannot normalize"),
        # Floats that trained to NaN parameters, or are NaN themselves
        ({"learning_rate": float("inf")}, r"--learning-rate must be a finite number in \(0, 1\], got inf"),
        ({"learning_rate": 1e30}, r"--learning-rate must be a finite number in \(0, 1\], got 1e\+30"),
        ({"learning_rate": float("nan")}, r"--learning-rate must be a finite number in \(0, 1\], got nan"),
        ({"max_grad_norm": float("nan")}, r"--max-grad-norm must be a finite number in \(0, inf\), got nan"),
        ({"entropy_coef": float("nan")}, r"--entropy-coef must be a finite number in \[0, inf\), got nan"),
        ({"clip": float("nan")}, r"--clip must be a finite number in \(0, 1\], got nan"),
        ({"adam_eps": float("nan")}, r"--adam-eps must be a finite number in \(0, 1\], got nan"),
        # Integers that gave tracebacks
        ({"seed": -1}, r"--seed must lie in \[0, 2\^63 - 1\], got -1"),
        ({"seed": 10**23}, r"--seed must lie in \[0, 2\^63 - 1\], got 100000000000000000000000"),
        ({"num_steps": 100_000_000}, r"needs [\d,]+ GiB of memory, more than the [\d,]+ GiB of this machine"),
        ({"torch_threads": 100_000}, r"--torch-threads must lie in \[0, \d+\] \(the CPU cores here\), got 100000"),
        ({"noop_max": 0}, r"--noop-max must be a positive number, got 0"),
    ],
)
def test_bad_settings_fail_before_any_work(tmp_path, settings, message):
    out = tmp_path / "run"
    with pytest.raises(ConfigError, match=message):
        Trainer(Config(**{**TINY, **settings}, out=str(out)))
    assert not out.exists()


@pytest.fixture(scope="module")
def pong_checkpoint(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pong")
    config = Config(env_id="ALE/Pong-v5", num_envs=2, num_steps=16, num_minibatches=2, num_epochs=1,
                    total_steps=32, progress=False, out=str(out))
    trainer = Trainer(config)
    trainer.train()
    trainer.games.close()
    return out / "checkpoint.pt"


def test_checkpoint_of_another_game_is_rejected(pong_checkpoint):
    with pytest.raises(ConfigError, match=r"is a checkpoint for ALE/Pong-v5, not for ALE/Breakout-v5"):
        Trainer.from_checkpoint(pong_checkpoint, {"env_id": "ALE/Breakout-v5"})
    with pytest.raises(ConfigError, match=r"is a checkpoint for ALE/Pong-v5, not for ALE/Breakout-v5"):
        evaluate(pong_checkpoint, episodes=1, env_id="ALE/Breakout-v5")
    with pytest.raises(ConfigError, match=r"--num-envs cannot change when resuming"):
        Trainer.from_checkpoint(pong_checkpoint, {"num_envs": 4})


def test_corrupt_or_foreign_checkpoint_is_rejected(tmp_path, pong_checkpoint):
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(pong_checkpoint.read_bytes()[:5000])
    with pytest.raises(ConfigError, match=r"truncated\.pt: not a readable checkpoint"):
        Trainer.from_checkpoint(truncated)
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ConfigError, match=r"garbage\.pt: not a readable checkpoint"):
        evaluate(garbage, episodes=1)
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, foreign)
    with pytest.raises(ConfigError, match=r"foreign\.pt: not a checkpoint of this PPO trainer"):
        Trainer.from_checkpoint(foreign)
    with pytest.raises(ConfigError, match=r"missing\.pt: no such checkpoint file"):
        Trainer.from_checkpoint(tmp_path / "missing.pt")


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reference_impl.ppo", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, **kwargs)


@pytest.mark.slow
def test_cli_trains_evaluates_and_reports_errors(tmp_path):
    out = tmp_path / "cli"
    trained = run_cli("train", "--env", "ALE/Pong-v5", "--total-steps", "64", "--seed", "2", "--out", str(out),
                      "--num-envs", "2", "--num-steps", "16", "--num-minibatches", "2", "--num-epochs", "1",
                      "--no-progress")
    assert trained.returncode == 0, trained.stderr
    assert len(read_metrics(out / "metrics.csv")) == 2
    assert (out / "checkpoint.pt").is_file()

    resumed = run_cli("train", "--resume", str(out / "checkpoint.pt"), "--total-steps", "96", "--no-progress")
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming ALE/Pong-v5 at update 2 from {out / 'checkpoint.pt'}" in resumed.stderr
    assert [int(row["update"]) for row in read_metrics(out / "metrics.csv")] == [1, 2, 3]

    evaluated = run_cli("evaluate", str(out / "checkpoint.pt"), "--episodes", "1", "--greedy")
    assert evaluated.returncode == 0, evaluated.stderr
    assert "mean return over 1 games" in evaluated.stdout

    unknown = run_cli("train", "--env", "ALE/Breakot-v5", "--out", str(tmp_path / "never"))
    assert unknown.returncode == 2
    assert unknown.stderr.strip().splitlines() == [
        "error: unknown Atari game id 'ALE/Breakot-v5'. Did you mean: ALE/Breakout-v5?"
    ]
    assert not (tmp_path / "never").exists()
    indivisible = run_cli("train", "--num-envs", "3", "--num-steps", "5", "--out", str(tmp_path / "never"))
    assert indivisible.returncode == 2 and "does not divide into --num-minibatches 4" in indivisible.stderr
    # Bad floats and seeds are one line on the command line too, for train and for evaluate
    never = ["--out", str(tmp_path / "never")]
    for args, message in [
        (["train", "--learning-rate", "nan", *never], "error: --learning-rate must be a finite number in (0, 1], got nan"),
        (["train", "--seed", str(10**23), *never], "error: --seed must lie in [0, 2^63 - 1], got 100000000000000000000000"),
        (["evaluate", str(out / "checkpoint.pt"), "--seed", "-5"], "error: --seed must lie in [0, 2^63 - 1], got -5"),
    ]:
        refused = run_cli(*args)
        assert refused.returncode == 2 and refused.stderr.strip().splitlines() == [message], refused.stderr
    assert not (tmp_path / "never").exists()


@pytest.mark.slow
def test_ctrl_c_saves_a_checkpoint_and_exits_cleanly(tmp_path):
    out = tmp_path / "interrupted"
    process = subprocess.Popen(
        [sys.executable, "-m", "reference_impl.ppo", "train", "--env", "ALE/Pong-v5", "--total-steps", "100000",
         "--num-envs", "2", "--num-steps", "16", "--num-minibatches", "2", "--num-epochs", "1", "--out", str(out),
         "--no-progress"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    metrics = out / "metrics.csv"
    deadline = time.monotonic() + 120
    while not (metrics.exists() and len(metrics.read_text().splitlines()) >= 2):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted: checkpoint saved to" in stderr
    # The checkpoint holds the updates done so far, and the run resumes from it
    rows = read_metrics(metrics)
    resumed = Trainer.from_checkpoint(out / "checkpoint.pt", {"total_steps": 32 * (len(rows) + 1), "progress": False})
    assert resumed.update == len(rows)
    assert resumed.train()
    resumed.games.close()
    assert [int(row["update"]) for row in read_metrics(metrics)] == list(range(1, len(rows) + 2))


def test_config_fields_all_have_docstrings_and_flags():
    from reference_impl.ppo.cli import build_parser
    from reference_impl.ppo.config import field_docs

    docs = field_docs()
    names = [field.name for field in dataclasses.fields(Config)]
    assert sorted(docs) == sorted(names)
    train = build_parser().parse_args(["train", "--env", "ALE/Pong-v5", "--num-envs", "16", "--no-anneal-lr"])
    assert (train.env_id, train.num_envs, train.anneal_lr) == ("ALE/Pong-v5", 16, False)
    defaults = Config()
    assert (defaults.num_envs, defaults.num_steps, defaults.num_epochs, defaults.num_minibatches) == (8, 128, 4, 4)
    assert (defaults.learning_rate, defaults.adam_eps, defaults.clip, defaults.entropy_coef) == (2.5e-4, 1e-5, 0.1, 0.01)
    assert (defaults.value_coef, defaults.max_grad_norm, defaults.gamma, defaults.gae_lambda) == (0.5, 0.5, 0.99, 0.95)


def test_out_that_cannot_be_written_is_refused_before_any_work(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    for out in (a_file, a_file / "run", Path("/proc/ppo-run")):
        with pytest.raises(ConfigError, match=rf"^--out {out}: cannot write there \(.+\)$"):
            Trainer(Config(**TINY, out=str(out)))
    if os.geteuid() != 0:
        # Root writes through permissions, so this case needs an ordinary user
        read_only = tmp_path / "read-only"
        read_only.mkdir(mode=0o500)
        with pytest.raises(ConfigError, match=r"cannot write there \(Permission denied\)"):
            Trainer(Config(**TINY, out=str(read_only / "run")))


def test_stale_temporary_files_of_a_killed_write_are_removed_at_start(tmp_path):
    tmp_path.joinpath("run").mkdir()
    stale = [tmp_path / "run" / ".checkpoint.pt.k1ll3d.tmp", tmp_path / "run" / ".metrics.csv.x.tmp"]
    for path in stale:
        path.write_bytes(b"\0" * 4096)
    kept = tmp_path / "run" / ".notes.tmp"
    kept.write_text("not ours")
    trainer = Trainer(Config(**TINY, out=str(tmp_path / "run")))
    trainer.games.close()
    assert not any(path.exists() for path in stale) and kept.exists()


def test_a_run_whose_parameters_become_non_finite_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    config = Config(env_id="ALE/Pong-v5", num_envs=2, num_steps=16, num_minibatches=2, num_epochs=1,
                    total_steps=32 * 5, checkpoint_every=2, progress=False, torch_threads=1, out=str(tmp_path))
    trainer = Trainer(config)

    def blow_up(report):
        # A numerical blow-up in update 3, after the checkpoint of update 2
        if report.update == 3:
            with torch.no_grad():
                trainer.model.value_head.weight[0, 0] = float("inf")

    with pytest.raises(RunStopped, match=r"^update 4: the .+ became NaN or infinite, so the model has diverged and "
                                         rf"is not saved; the last checkpoint, {tmp_path}/checkpoint.pt \(update 2\), "
                                         r"is kept$") as stopped:
        trainer.train(blow_up)
    trainer.games.close()
    assert stopped.value.exit_status == 1
    # The metrics end at the last finite update, and the checkpoint is that of update 2, finite
    assert [int(row["update"]) for row in read_metrics(tmp_path / "metrics.csv")] == [1, 2, 3]
    checkpoint = load_checkpoint(tmp_path / "checkpoint.pt")
    assert checkpoint["update"] == 2
    assert all(torch.isfinite(tensor).all() for tensor in checkpoint["model"].values())


def tampered(source: Path, target: Path, change) -> Path:
    """A copy of a checkpoint changed by `change(checkpoint)`, with a checksum that matches, as an editor would."""
    checkpoint = torch.load(source, weights_only=True)
    change(checkpoint)
    checkpoint.pop("checksum", None)
    checkpoint["checksum"] = checksum(checkpoint)
    torch.save(checkpoint, target)
    return target


def test_damaged_and_tampered_checkpoints_are_refused_in_one_line(tmp_path, pong_checkpoint):
    # 4 KB flipped in the middle of the file, inside the tensors: torch.load reads it, the checksum does not match
    data = bytearray(pong_checkpoint.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = bytes(byte ^ 0xFF for byte in data[middle:middle + 4096])
    flipped = tmp_path / "flipped.pt"
    flipped.write_bytes(bytes(data))
    with pytest.raises(ConfigError, match=r"flipped\.pt: the checkpoint is damaged \(its checksum does not match"):
        Trainer.from_checkpoint(flipped)

    def drop(name):
        return lambda checkpoint: checkpoint.pop(name)

    def reshape_policy_head(checkpoint):
        checkpoint["model"]["policy_head.weight"] = torch.zeros(3, 512)

    def pong_games_in_breakout_settings(checkpoint):
        checkpoint["config"]["env_id"] = "ALE/Breakout-v5"

    cases = [
        (drop("model"), r"no-model\.pt: the checkpoint has no valid 'model' entry"),
        (drop("games"), r"no-games\.pt: the checkpoint has no valid 'games' entry"),
        (lambda checkpoint: checkpoint["games"].pop("seeds"), r"no-seeds\.pt: the checkpoint's games state lacks seeds"),
        (reshape_policy_head, r"shape\.pt: the checkpoint's model does not fit \(.*size mismatch"),
        (pong_games_in_breakout_settings,
         r"mismatch\.pt: the checkpoint's settings say env_id 'ALE/Breakout-v5', but its games have 'ALE/Pong-v5'"),
    ]
    for (change, message), name in zip(cases, ["no-model", "no-games", "no-seeds", "shape", "mismatch"], strict=True):
        path = tampered(pong_checkpoint, tmp_path / f"{name}.pt", change)
        with pytest.raises(ConfigError, match=message) as error:
            Trainer.from_checkpoint(path)
        assert "\n" not in str(error.value)
    # The evaluation refuses them the same way
    with pytest.raises(ConfigError, match=r"the checkpoint is damaged"):
        evaluate(flipped, episodes=1)
    with pytest.raises(ConfigError, match=r"--seed must lie in \[0, 2\^63 - 1\], got -5"):
        evaluate(pong_checkpoint, episodes=1, seed=-5)


def test_resuming_a_copied_checkpoint_writes_beside_the_copy(tmp_path, pong_checkpoint):
    original = pong_checkpoint.read_bytes()
    original_metrics = (pong_checkpoint.parent / "metrics.csv").read_text()
    copy = tmp_path / "copy" / "checkpoint.pt"
    copy.parent.mkdir()
    copy.write_bytes(original)
    resumed = Trainer.from_checkpoint(copy, {"total_steps": 64})
    assert resumed.out == copy.parent
    assert resumed.train()
    resumed.games.close()
    assert [int(row["update"]) for row in read_metrics(copy.parent / "metrics.csv")] == [2]
    assert load_checkpoint(copy)["update"] == 2
    # The original run's folder is untouched
    assert pong_checkpoint.read_bytes() == original
    assert (pong_checkpoint.parent / "metrics.csv").read_text() == original_metrics


def test_a_changed_total_on_resume_redraws_the_learning_rate_line_from_the_last_rate(tmp_path, pong_checkpoint):
    # The checkpoint ran its only update (K = 1) at the initial rate
    alpha = Config().learning_rate
    same = Trainer.from_checkpoint(pong_checkpoint, {"out": str(tmp_path)})
    assert same.learning_rate(1) == alpha
    same.games.close()
    # K' = 3: from alpha at update 1 down to zero at update 4, without a jump
    longer = Trainer.from_checkpoint(pong_checkpoint, {"total_steps": 96, "out": str(tmp_path)})
    assert longer.learning_rate(1) == pytest.approx(alpha)
    assert [longer.learning_rate(k) for k in (2, 3)] == pytest.approx([alpha * 2 / 3, alpha / 3])
    # The redrawn line is stored: resuming its checkpoint with the same total continues it exactly
    longer.save_checkpoint(tmp_path / "longer.pt")
    longer.games.close()
    again = Trainer.from_checkpoint(tmp_path / "longer.pt", {"total_steps": 96})
    assert [again.learning_rate(k) for k in (2, 3)] == [longer.learning_rate(k) for k in (2, 3)]
    again.games.close()


def run_limited(*args: str, file_size: int) -> subprocess.CompletedProcess:
    """The command line with files limited to `file_size` bytes: a write past it fails as on a full disk."""

    def limit():
        # Without this, the kernel kills the process at the limit instead of failing the write
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return run_cli(*args, preexec_fn=limit)


@pytest.mark.slow
def test_a_failed_write_stops_the_run_in_one_line_and_keeps_the_old_checkpoint(tmp_path, pong_checkpoint):
    tiny = ["--num-envs", "2", "--num-steps", "16", "--num-minibatches", "2", "--num-epochs", "1", "--no-progress"]
    # A new run: its first checkpoint does not fit
    new = run_limited("train", "--env", "ALE/Pong-v5", "--total-steps", "32", "--out", str(tmp_path / "new"), *tiny,
                      file_size=1_000_000)
    assert new.returncode == 1 and "Traceback" not in new.stderr, new.stderr
    assert new.stderr.strip().splitlines() == [
        f"error: cannot write {tmp_path / 'new' / 'checkpoint.pt'} (File too large): the run stopped; "
        "no checkpoint was written"
    ]
    assert not list((tmp_path / "new").glob(".*.tmp"))
    # A resumed run: the checkpoint it resumed from stays intact
    copy = tmp_path / "resumed" / "checkpoint.pt"
    copy.parent.mkdir()
    copy.write_bytes(pong_checkpoint.read_bytes())
    resumed = run_limited("train", "--resume", str(copy), "--total-steps", "64", "--no-progress", file_size=1_000_000)
    assert resumed.returncode == 1 and "Traceback" not in resumed.stderr, resumed.stderr
    assert resumed.stderr.strip().splitlines()[-1] == (
        f"error: cannot write {copy} (File too large): the run stopped; the last checkpoint, {copy} (update 1), is kept"
    )
    assert copy.read_bytes() == pong_checkpoint.read_bytes()
    assert load_checkpoint(copy)["update"] == 1


@pytest.mark.slow
def test_a_second_ctrl_c_stops_at_once_in_one_line_and_keeps_the_last_checkpoint(tmp_path):
    out = tmp_path / "twice"
    process = subprocess.Popen(
        [sys.executable, "-m", "reference_impl.ppo", "train", "--env", "ALE/Pong-v5", "--total-steps", "100000",
         "--num-envs", "2", "--num-steps", "64", "--num-minibatches", "2", "--num-epochs", "4", "--out", str(out),
         "--checkpoint-every", "1", "--no-progress", "--torch-threads", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 180
    while not (out / "checkpoint.pt").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # Both presses within one update
    process.send_signal(signal.SIGINT)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert re.fullmatch(rf"error: second Ctrl-C: stopped at once; the last checkpoint, {out}/checkpoint\.pt "
                        r"\(update \d+\), is kept", last), stderr
    # That checkpoint loads, and no temporary file is left
    assert load_checkpoint(out / "checkpoint.pt")["update"] == int(re.search(r"update (\d+)", last).group(1))
    assert not list(out.glob(".*.tmp"))


def run_on_a_small_disk(script: str, disk: Path, size: int) -> subprocess.CompletedProcess:
    """Run the shell `script` in a private mount namespace, with a tmpfs of `size` bytes mounted on `disk` ($DISK)."""

    if not shutil.which("unshare") or subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"],
                                                     capture_output=True).returncode:
        pytest.skip("mounting a small tmpfs needs unprivileged mount namespaces (unshare), which this host refuses")
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                           f'mount -t tmpfs -o size={size} tmpfs "$DISK" && {script}'],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "DISK": str(disk)})


@pytest.mark.slow
def test_a_full_disk_stops_the_run_in_one_line_and_keeps_the_old_checkpoint(tmp_path, pong_checkpoint):
    disk = tmp_path / "disk"
    disk.mkdir()
    python = f"{sys.executable} -m reference_impl.ppo train --no-progress"
    tiny = "--num-envs 2 --num-steps 16 --num-minibatches 2 --num-epochs 1"
    # A new run on a disk too small for its first checkpoint
    new = run_on_a_small_disk(f"{python} --env ALE/Pong-v5 --total-steps 32 {tiny} --out $DISK/new; "
                              "status=$?; ls -A $DISK/new; exit $status", disk, size=1_000_000)
    assert new.returncode == 1 and "Traceback" not in new.stderr, new.stderr
    assert new.stderr.strip().splitlines() == [
        f"error: cannot write {disk / 'new' / 'checkpoint.pt'} (No space left on device): the run stopped; "
        "no checkpoint was written"
    ]
    assert ".tmp" not in new.stdout and "metrics.csv" in new.stdout
    # A resumed run on a disk with room for one checkpoint only: the one it resumed from stays as it was
    size = pong_checkpoint.stat().st_size
    resumed = run_on_a_small_disk(
        f"cp {pong_checkpoint} $DISK/checkpoint.pt && {python} --resume $DISK/checkpoint.pt --total-steps 64; "
        f"status=$?; cmp {pong_checkpoint} $DISK/checkpoint.pt && echo intact; ls -A $DISK; exit $status",
        disk, size=size + size // 2)
    assert resumed.returncode == 1 and "Traceback" not in resumed.stderr, resumed.stderr
    assert resumed.stderr.strip().splitlines()[-1] == (
        f"error: cannot write {disk / 'checkpoint.pt'} (No space left on device): the run stopped; "
        f"the last checkpoint, {disk / 'checkpoint.pt'} (update 1), is kept"
    )
    assert "intact" in resumed.stdout and ".tmp" not in resumed.stdout
