r"""
---
title: PPO checkpoints
summary: What a checkpoint of the PPO trainer holds, how it is saved and checked, and the rules for resuming from one.
---

# Checkpoints

A checkpoint holds everything a run depends on, so that a resumed run continues exactly as if it had never
stopped: the model, the optimizer, the state of the random generator, the state of the games (their seeds and
actions, see [AtariGames](atari.py)), the learning-rate schedule and the position in the run.
A run on several ranks (see [distributed](distributed.py)) stores the games and the random generator of rank 0
in `games` and `generator`, and those of the other ranks in `ranks`, in rank order.
The [trainer](trainer.py) writes them, and the [evaluation](evaluate.py) reads the model from them.

A checkpoint is written [atomically](files.py), and it carries a checksum of its content, so a file damaged on
disk is refused instead of resuming with corrupted state. Loading never runs code from the file.
"""

import dataclasses
import hashlib
import os
from pathlib import Path
from typing import Any

import torch

from .atari import AtariGames, game_options
from .config import Config, ConfigError
from .files import atomic_write

# Marks a file as a checkpoint of this trainer, and its layout version
CHECKPOINT_FORMAT = "annotated-ppo/checkpoint"
CHECKPOINT_VERSION = 2

# The entries of a checkpoint and their types
ENTRIES = {
    "config": dict,
    "update": int,
    "global_step": int,
    "schedule": dict,
    "model": dict,
    "optimizer": dict,
    "generator": torch.Tensor,
    "games": dict,
    "ranks": list,
    "recent_returns": list,
    "checksum": str,
}

# Settings that may differ from the checkpoint's when resuming; the others define the run
RESUME_OVERRIDES = {"total_steps", "out", "checkpoint_every", "return_window", "device", "torch_threads", "progress",
                    "compile"}


def checksum(value: Any) -> str:
    r"""
    ### Checksum

    A SHA-256 digest of a checkpoint's content: the bytes, type and shape of every tensor, and every other value,
    in a fixed order. `torch.load` does not notice bytes flipped inside a tensor; this digest does.
    """

    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:
    # Each value is preceded by its kind, so that different structures never give the same stream
    if isinstance(value, torch.Tensor):
        tensor = value.detach().cpu().contiguous().reshape(-1)
        digest.update(f"tensor {tensor.dtype} {tuple(value.shape)}:".encode())
        digest.update(memoryview(tensor.view(torch.uint8).numpy()))
    elif isinstance(value, dict):
        digest.update(f"dict {len(value)}:".encode())
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__} {len(value)}:".encode())
        for item in value:
            _feed(digest, item)
    elif isinstance(value, bytes):
        digest.update(f"bytes {len(value)}:".encode())
        digest.update(value)
    else:
        digest.update(f"{type(value).__name__} {value!r};".encode())


def save_checkpoint(path: Path, content: dict[str, Any]) -> Path:
    """Write `content` (every entry of `ENTRIES` but the checksum) as a checkpoint at `path`, atomically."""

    checkpoint = {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, **content}
    checkpoint["checksum"] = checksum(checkpoint)
    atomic_write(path, lambda file: torch.save(checkpoint, file))
    return path


def load_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    r"""
    ### Loading

    Read a checkpoint written by `save_checkpoint`. A missing, damaged, foreign or tampered file is a `ConfigError`
    that names the file and the problem: every entry must be there with its type, the checksum must match, the
    settings must be those of this version of `Config`, and the games must be the games of those settings.
    """

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such checkpoint file")
    # `weights_only=True` loads tensors and plain Python values only, never arbitrary objects
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ConfigError(f"{path}: not a readable checkpoint ({reason})") from error
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != CHECKPOINT_FORMAT:
        raise ConfigError(f"{path}: not a checkpoint of this PPO trainer")
    if checkpoint.get("version") != CHECKPOINT_VERSION:
        raise ConfigError(f"{path}: checkpoint version {checkpoint.get('version')} is not supported")
    # Every entry, with its type
    for name, kind in ENTRIES.items():
        if not isinstance(checkpoint.get(name), kind):
            raise ConfigError(f"{path}: the checkpoint has no valid {name!r} entry")
    # The content is what was saved
    content = {name: value for name, value in checkpoint.items() if name != "checksum"}
    if checksum(content) != checkpoint["checksum"]:
        raise ConfigError(f"{path}: the checkpoint is damaged (its checksum does not match its content)")
    # The settings must be those of this version of `Config`
    try:
        config = Config(**checkpoint["config"])
    except TypeError as error:
        raise ConfigError(f"{path}: the checkpoint's settings do not match this trainer ({error})") from error
    # The games of every rank must be those that the settings describe
    for rank, state in enumerate([{"games": checkpoint["games"]}, *checkpoint["ranks"]]):
        games = state.get("games") if isinstance(state, dict) else None
        if not isinstance(games, dict) or (rank > 0 and not isinstance(state.get("generator"), torch.Tensor)):
            raise ConfigError(f"{path}: the checkpoint's state of rank {rank} is not valid")
        missing = sorted(set(AtariGames.state_keys) - set(games))
        if missing:
            raise ConfigError(f"{path}: the checkpoint's games state lacks {', '.join(missing)}")
        expected = {"env_id": config.env_id, "num_envs": config.num_envs, "options": game_options(config)}
        for name, value in expected.items():
            if games[name] != value:
                raise ConfigError(
                    f"{path}: the checkpoint's settings say {name} {value!r}, but its games have {games[name]!r}"
                )
    return checkpoint


def rank_state(checkpoint: dict[str, Any], rank: int, world_size: int, path: Path) -> dict[str, Any]:
    """The games and the generator state of `rank` in a checkpoint; it must have been written by `world_size` ranks,
    since each rank continues the games of one rank of the saved run."""

    saved = 1 + len(checkpoint["ranks"])
    if saved != world_size:
        raise ConfigError(f"{path} was written by {saved} rank(s): resume it on {saved}, not on {world_size}")
    if rank == 0:
        return {"games": checkpoint["games"], "generator": checkpoint["generator"]}
    return checkpoint["ranks"][rank - 1]


def load_into(target: torch.nn.Module | torch.optim.Optimizer, state: dict[str, Any], path: Path, name: str) -> None:
    """Load the `name` entry of the checkpoint at `path` into a model or an optimizer; a misfit is a `ConfigError`."""

    try:
        target.load_state_dict(state)
    except (RuntimeError, KeyError, ValueError, TypeError) as error:
        # PyTorch's message is a heading ("Error(s) in loading state_dict ...:") and one line per problem
        lines = [line.strip() for line in str(error).splitlines() if line.strip() and not line.strip().endswith(":")]
        reason = lines[0] if lines else type(error).__name__
        raise ConfigError(f"{path}: the checkpoint's {name} does not fit ({reason})") from error


def config_for_resume(checkpoint: dict[str, Any], path: str | os.PathLike, overrides: dict[str, Any]) -> Config:
    r"""
    ### Resuming

    The checkpoint's configuration with the allowed `overrides`; a different game or setting is an error.
    A resumed run writes beside the checkpoint it was given, whatever folder the original run used,
    unless `--out` says otherwise: resuming a copy never overwrites the original.
    """

    config = Config(**checkpoint["config"])
    # A checkpoint of another game has another action set and another experience
    requested_env = overrides.get("env_id", config.env_id)
    if requested_env != config.env_id:
        raise ConfigError(f"{path} is a checkpoint for {config.env_id}, not for {requested_env}")
    # Other settings that define the run cannot change without breaking the exact continuation
    for name, value in overrides.items():
        if name != "env_id" and name not in RESUME_OVERRIDES and value != getattr(config, name):
            raise ConfigError(
                f"--{name.replace('_', '-')} cannot change when resuming ({path} has {getattr(config, name)!r})"
            )
    changes = {name: value for name, value in overrides.items() if name in RESUME_OVERRIDES}
    changes.setdefault("out", str(Path(path).parent))
    return dataclasses.replace(config, **changes)
