r"""
---
title: Evaluating a PPO agent
summary: Play full Atari games with a trained PPO policy from a checkpoint and report their scores.
---

# Evaluation

Load the model from a [checkpoint](checkpoint.py) of the [trainer](trainer.py) and play complete games with it in the same
[Atari environments](atari.py), reporting the game scores (unclipped, summed over all lives).
By default the actions are sampled from the policy $\pi_\theta(a|s)$, as during training;
with `greedy=True` the agent takes the most likely action $\arg\max_a \pi_\theta(a|s)$.
"""

import os
from dataclasses import dataclass

import numpy as np
import torch

from .atari import make_games
from .checkpoint import config_for_resume, load_checkpoint, load_into
from .config import ConfigError, check_seed
from .model import ActorCritic, select_device


@dataclass
class Evaluation:
    """The scores and lengths of the evaluated games."""

    returns: list[float]
    """Score of each game."""
    lengths: list[int]
    """Length of each game in agent steps."""

    @property
    def mean_return(self) -> float:
        """The mean score."""
        return float(np.mean(self.returns))


def evaluate(
    checkpoint_path: str | os.PathLike,
    episodes: int,
    *,
    num_envs: int = 8,
    seed: int = 0,
    greedy: bool = False,
    device: str = "auto",
    env_id: str | None = None,
) -> Evaluation:
    r"""
    ## Play `episodes` games

    The games run `num_envs` at a time. An environment keeps starting games, but a game counts only if it
    started while more games were needed, so exactly `episodes` games count. Games end at a game over or at the time limit, never at a life loss.
    `env_id`, if given, must be the checkpoint's game.
    """

    # Check the input before any work starts
    if episodes <= 0:
        raise ConfigError(f"--episodes must be a positive number, got {episodes}")
    check_seed("--seed", seed)
    checkpoint = load_checkpoint(checkpoint_path)
    config = config_for_resume(checkpoint, checkpoint_path, {} if env_id is None else {"env_id": env_id})
    torch_device = select_device(device)

    # No more environments than games to play
    num_envs = min(num_envs, episodes)
    games = make_games(config, num_envs, seed)
    # The trained model
    model = ActorCritic(games.num_actions).to(torch_device)
    load_into(model, checkpoint["model"], checkpoint_path, "model")
    model.eval()
    # Sampling uses its own seeded generator, so an evaluation can be repeated
    generator = torch.Generator().manual_seed(seed)

    observations = games.reset()
    # Games started so far (the first `num_envs` just started) and the results of the finished ones
    started = num_envs
    # Whether the current game of each environment counts: it does if it started while more games were
    # needed, which is true of every first game
    counting = np.ones(num_envs, dtype=bool)
    returns: list[float] = []
    lengths: list[int] = []
    try:
        while len(returns) < episodes:
            with torch.inference_mode():
                logits, _ = model(torch.from_numpy(observations).to(torch_device))
                logits = logits.float().cpu()
            if greedy:
                # $\arg\max_a \pi_\theta(a|s)$
                actions = logits.argmax(-1)
            else:
                # $a \sim \pi_\theta(\cdot|s)$
                actions = torch.multinomial(torch.softmax(logits, -1), 1, generator=generator).squeeze(-1)
            step = games.step(actions.numpy())
            for game in step.finished:
                if counting[game.env]:
                    returns.append(game.game_return)
                    lengths.append(game.length)
                # The environment's next game counts only if more games are needed
                counting[game.env] = started < episodes
                started += int(counting[game.env])
            observations = step.observations
    finally:
        games.close()
    return Evaluation(returns[:episodes], lengths[:episodes])
