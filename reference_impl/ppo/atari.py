r"""
---
title: Atari environments for PPO
summary: A vector of Atari games with the preprocessing of the published PPO results, unclipped game scores and exact replay.
---

# Atari environments

The [PPO paper](https://arxiv.org/abs/1707.06347) reports Atari results with a fixed preprocessing of the games.
We get it from ale-py's C++ vector environment, `ale_py.AtariVectorEnv`, which runs the games on
worker threads and preprocesses the frames in C++. It is about twice as fast as gymnasium's
`SyncVectorEnv` with the same preprocessing as Python wrappers. The preprocessing is:

* a random number of no-op frames at the start of a game, so that games do not all start in the same state
  (how many: see *No-op starts* below);
* every action is repeated for 4 frames, and the observation is the pixel-wise maximum of the last two of them
  (some Atari games draw objects only on every other frame);
* frames are converted to grayscale and resized to $84 \times 84$;
* the last 4 frames are stacked, so the observation shows motion;
* FIRE is pressed at the start of a game and after every lost life, for games that wait for it;
* no sticky actions: the published results use deterministic games
  (gymnasium's `ALE/...-v5` environments repeat the previous action with probability 0.25 by default);
* losing a life ends the episode for learning, but the game goes on;
* rewards are clipped to their sign for learning, but the reported return is the unclipped game score,
  summed over all lives.

The last three points need care, and so does the end of a game. This module handles them
in a class, `AtariGames`, that the [trainer](trainer.py) and the [evaluation](evaluate.py) use.
"""

import difflib
from dataclasses import dataclass, field
from typing import Any

import ale_py
import gymnasium as gym
import numpy as np
from ale_py import AtariVectorEnv
from gymnasium.vector import AutoresetMode

from .config import Config, ConfigError

# Make the `ALE/...` ids known to gymnasium's registry, which we use to look up games
gym.register_envs(ale_py)

# The largest seed the emulator accepts (a signed 32-bit integer)
MAX_SEED = 2**31 - 1


def game_ids() -> list[str]:
    """All Atari game ids in gymnasium's registry, such as `ALE/Breakout-v5`."""

    return sorted(env_id for env_id in gym.registry if env_id.startswith("ALE/"))


def rom_name(env_id: str) -> str:
    r"""
    ### From a game id to a ROM

    Gymnasium names games by id, such as `ALE/Breakout-v5`, while the vector environment wants the ROM name,
    `breakout`. The registry entry of an Atari id holds the ROM name. Only the game is taken from the id:
    the preprocessing is the one described above, whatever the id's own defaults are.
    An unknown id is an error that lists the closest known ids.
    """

    # Look the id up in the registry
    spec = gym.registry.get(env_id)
    # Only ids of ale-py's Atari environment carry a ROM name
    if spec is None or "game" not in spec.kwargs:
        # Up to three known ids whose game names are close to the one given, ignoring case,
        # the `ALE/` prefix and the version
        names = {_game_name(known): known for known in game_ids()}
        close = [names[name] for name in difflib.get_close_matches(_game_name(env_id), names, n=3, cutoff=0.75)]
        hint = f" Did you mean: {', '.join(close)}?" if close else " Game ids look like ALE/Breakout-v5."
        raise ConfigError(f"unknown Atari game id {env_id!r}.{hint}")
    return spec.kwargs["game"]


def _game_name(env_id: str) -> str:
    # `ALE/Breakout-v5` becomes `breakout`
    return env_id.removeprefix("ALE/").split("-v")[0].lower()


def game_options(config: Config) -> dict[str, Any]:
    """The preprocessing settings of `config` that `AtariGames` takes, by name."""

    return {
        "noop_max": config.noop_max,
        "repeat_action_probability": config.repeat_action_probability,
        "life_loss_ends_episode": config.life_loss_ends_episode,
        "max_episode_frames": config.max_episode_frames,
    }


def make_games(config: Config, num_envs: int, seed: int) -> "AtariGames":
    """`num_envs` games of `config.env_id` with the preprocessing settings of `config`, seeded from `seed`."""

    return AtariGames(config.env_id, num_envs, seed=seed, **game_options(config))


@dataclass
class FinishedGame:
    """A game that ended during a step: where, and how it went."""

    env: int
    """Index of the environment in the vector."""
    game_return: float
    """The game's score: the sum of the unclipped rewards over all its lives."""
    length: int
    """The number of agent steps the game lasted (each is 4 frames)."""


@dataclass
class Step:
    """What one step of all environments returns."""

    observations: np.ndarray
    """`uint8` array `[envs, 4, 84, 84]`: the observations to act on next; for a game that ended, the first observation of the new game."""
    rewards: np.ndarray
    """`float32` array `[envs]`: the unclipped rewards of the step."""
    terminated: np.ndarray
    """`bool` array `[envs]`: the step reached a terminal state (a life was lost, or the game is over)."""
    truncated: np.ndarray
    """`bool` array `[envs]`: the game was stopped by the time limit."""
    final_observations: dict[int, np.ndarray] = field(default_factory=dict)
    """For each truncated environment, the last observation of its game, to bootstrap from."""
    finished: list[FinishedGame] = field(default_factory=list)
    """The games that ended in this step."""


class AtariGames:
    r"""
    ## AtariGames

    A vector of `num_envs` copies of one Atari game, with the preprocessing above.

    ### Lives and scores

    Ending the episode on a life loss helps the value function: it learns that losing a life
    is bad without having to look ahead to the end of the game. But the game should go on, so that the
    agent also sees the later parts of it. We ask the vector environment for `life_loss_info=True`:
    it then reports `terminated` when a life is lost, without resetting the game. Its other option,
    `episodic_life=True`, would reset the whole game on every life loss.

    The vector environment's info carries no game score, and its reward clipping would hide it. So we keep
    its `reward_clipping=False`, sum the raw rewards of each game here for the reported return,
    and leave the clipping to the learner.

    ### FIRE after a lost life

    Some games, such as Breakout, wait for FIRE before they go on after a lost life. The vector environment
    presses FIRE only when a game resets. The published setup also presses it after every lost life:
    CleanRL and OpenAI Baselines wrap `FireResetEnv` outside `EpisodicLifeEnv`, so the "reset" that follows a
    lost life presses it. Without it, an agent that never chooses FIRE would stand still for the rest of the
    game, up to the time limit.

    The published wrappers take these presses as extra steps that the agent never sees. The vector environment
    steps all games together and cannot step one alone, so here FIRE replaces the agent's action in the first
    step after a lost life, for games whose action set has FIRE. That step counts as one agent step. The agent's
    action there has no effect, so its expected policy gradient is zero: the advantage of the step does not
    depend on the action, and $\mathbb{E}_{a \sim \pi}[\nabla_\theta \log \pi_\theta(a|s)] = 0$. The action sent
    to the game is the one recorded for replay.

    ### No-op starts

    At every reset, ale-py 0.12 draws a number $n$ uniformly from $0, \dots, 29$ (`noop_max - 1` at most) and
    plays $n$ no-op frames. For a game whose action set has FIRE, the last of these frames is FIRE instead, and a
    draw of 0 also gives one FIRE frame. CleanRL and Baselines (`NoopResetEnv`) draw 1 to 30 no-op frames, and
    then press FIRE and a second action for 4 frames each. The starts differ by at most a few frames,
    and they serve the same purpose.

    ### The end of a game

    With its default autoreset mode, `NEXT_STEP`, the vector environment resets a finished game on the next
    call to `step`. That call ignores the action and returns the first observation of the new game
    with reward 0 and `terminated=False`. This transition is not an experience of the agent:
    the action had no effect. If it entered the rollout, GAE and the losses would credit the action with
    an outcome it did not cause.

    We use the `SAME_STEP` mode instead. The step that ends a game returns that step's reward and
    `terminated` or `truncated`, and already the first observation of the next game; the last observation
    of the finished game is in `info["final_obs"]`. So every transition in a rollout is a real step, and no
    step is wasted. The learner does not bootstrap across the end of an episode, so it never mixes
    the two games; for a truncated game, it bootstraps from the final observation.

    A game is over when the environment started a new one in the step. The info tells us so itself:
    `frame_number` counts the frames since the ROM was loaded and `episode_frame_number` those of the current
    game, so their difference, the frame at which the current game began, changes exactly when a new game
    starts. Then `terminated` means a life was lost (or the game ended) and `truncated` that the time limit
    ended the game; a time limit that falls within the step where a life is lost comes as `terminated` alone,
    and the game restarts all the same. We never infer a game over from the number of lives, which fails in
    two cases: a game whose bonus lives lift the count above the start, and a time limit that falls on the frame
    where a life is lost.
    A new game without `terminated` or `truncated`, or a time limit without a new game, is an error.

    ### Seeds and exact replay

    The vector environment cannot save or restore its state. To resume training exactly, we rebuild
    the state by replaying: a game is a pure function of how it was started and of the actions taken in it.
    The emulator is deterministic (there are no sticky actions), and the only random choice is the number of
    no-op actions at the start of a game, drawn from a random generator of each environment.

    A reset with a seed reloads the ROM and seeds that generator; it takes about 0.1 seconds.
    A reset without a seed takes a few milliseconds and draws from the generator where it stands,
    which is what the automatic reset does. So an environment's current game is determined by the seed of
    the last seeded reset, the number $k$ of resets since then, and the actions taken in the current game.
    We record these three per environment.

    We reseed an environment every 16 games, with a seed drawn from this object's own random generator.
    That costs about 0.1 seconds per 16 games, and bounds the work of a replay: at most one seeded reset and
    15 unseeded resets per environment, then the actions of the current games (see `restore`).
    """

    # Reseed an environment's generator after this many games
    games_per_seed = 16
    # The entries of `state_dict`
    state_keys = ("env_id", "num_envs", "options", "games_per_seed", "seed_generator", "seeds", "resets_since_seed",
                  "game_actions", "game_returns", "fire_pending", "observations")

    def __init__(
        self,
        env_id: str,
        num_envs: int,
        seed: int,
        *,
        noop_max: int = 30,
        repeat_action_probability: float = 0.0,
        life_loss_ends_episode: bool = True,
        max_episode_frames: int = 108_000,
    ):
        # Keep what is needed to rebuild this object
        self.env_id = env_id
        self.num_envs = num_envs
        self.options = {
            "noop_max": noop_max,
            "repeat_action_probability": repeat_action_probability,
            "life_loss_ends_episode": life_loss_ends_episode,
            "max_episode_frames": max_episode_frames,
        }
        # The vector environment, with the preprocessing described above
        self.env = AtariVectorEnv(
            rom_name(env_id),
            num_envs,
            # No-op starts, frame skip with max-pooling, $84 \times 84$ grayscale, 4 stacked frames, FIRE on reset
            noop_max=noop_max,
            frameskip=4,
            maxpool=True,
            img_height=84,
            img_width=84,
            grayscale=True,
            stack_num=4,
            use_fire_reset=True,
            # Deterministic games, as in the published results
            repeat_action_probability=repeat_action_probability,
            # A life loss sets `terminated`, but the game goes on
            life_loss_info=life_loss_ends_episode,
            episodic_life=False,
            # Raw rewards: we need the unclipped game score
            reward_clipping=False,
            # The time limit, in frames: 108,000 frames are 30 minutes of play
            max_num_frames_per_episode=max_episode_frames,
            # A finished game restarts within the step that ends it
            autoreset_mode=AutoresetMode.SAME_STEP,
        )
        # The number of actions of this game's minimal action set
        self.num_actions = int(self.env.single_action_space.n)
        # The generator that draws the seeds
        self.seed_generator = np.random.default_rng(seed)
        # Per environment: the seed of its last seeded reset
        self.seeds = np.zeros(num_envs, dtype=np.int64)
        # Per environment: the number $k$ of unseeded resets since then
        self.resets_since_seed = np.zeros(num_envs, dtype=np.int64)
        # Per environment: the actions taken in its current game
        self.game_actions: list[bytearray] = [bytearray() for _ in range(num_envs)]
        # Per environment: the sum of unclipped rewards of its current game
        self.game_returns = np.zeros(num_envs, dtype=np.float64)
        # Per environment: the frame at which its current game began, which changes when a new game starts
        self.game_starts = np.zeros(num_envs, dtype=np.int64)
        # The index of FIRE in the action set, for games that have it
        action_set = self.env.ale.get_action_set()
        self.fire_action = action_set.index(ale_py.Action.FIRE) if ale_py.Action.FIRE in action_set else None
        # Per environment: a life was lost in the last step, so the next step presses FIRE
        self.fire_pending = np.zeros(num_envs, dtype=bool)
        # The observations to act on next
        self.observations = np.zeros((num_envs, 4, 84, 84), dtype=np.uint8)

    def _reset(self, mask: np.ndarray, seeds: np.ndarray | None) -> None:
        # Reset the environments in `mask`, with one seed each or without seeds;
        # the other environments keep their state and report it
        if mask.all():
            observations, info = self.env.reset(seed=seeds)
        else:
            observations, info = self.env.reset(seed=seeds, options={"reset_mask": mask})
        self._track(info)
        self.fire_pending[mask] = False
        # Copy, because the environment may reuse its buffers
        self.observations = np.array(observations, copy=True)

    def _track(self, info: dict[str, np.ndarray]) -> np.ndarray:
        # Record where each current game began; returns where a new game started since the last call
        starts = info["frame_number"].astype(np.int64) - info["episode_frame_number"].astype(np.int64)
        restarted = starts != self.game_starts
        self.game_starts = starts
        return restarted

    def _reseed(self, mask: np.ndarray) -> None:
        # Start new games in `mask` with seeded resets, with seeds in $[0, 2^{31} - 1)$
        seeds = self.seed_generator.integers(0, MAX_SEED, size=int(mask.sum()), dtype=np.int64)
        self._reset(mask, seeds)
        self.seeds[mask] = seeds
        self.resets_since_seed[mask] = 0

    def reset(self) -> np.ndarray:
        """Start a new game in every environment and return the first observations."""

        everything = np.ones(self.num_envs, dtype=bool)
        self._reseed(everything)
        for env in range(self.num_envs):
            self.game_actions[env] = bytearray()
        self.game_returns[:] = 0.0
        return self.observations

    def step(self, actions: np.ndarray) -> Step:
        """Take one action in every environment; a game that ends is replaced by a new one in the same step."""

        # The vector environment wants integer actions
        actions = np.asarray(actions, dtype=np.int64)
        # FIRE in place of the agent's action where a life was lost in the previous step
        if self.fire_pending.any():
            actions = np.where(self.fire_pending, self.fire_action, actions)
        observations, rewards, terminated, truncated, info = self.env.step(actions)
        # Record the actions for replay
        for env, action in enumerate(actions):
            self.game_actions[env].append(int(action))
        # Sum the unclipped rewards of each game for the reported return
        rewards = rewards.astype(np.float32)
        self.game_returns += rewards

        # The game is over where the environment started a new one
        game_over = self._track(info)
        if np.any(game_over & ~(terminated | truncated)):
            raise RuntimeError("an Atari game restarted although it did not end")
        if np.any(truncated & ~game_over):
            raise RuntimeError("an Atari game reached its time limit but did not restart")
        # A life was lost where the step is terminal and the game goes on; FIRE follows, as published
        life_lost = terminated & ~game_over
        self.fire_pending = life_lost & self.options["life_loss_ends_episode"] & (self.fire_action is not None)
        self.observations = np.array(observations, copy=True)

        result = Step(self.observations, rewards, terminated.copy(), truncated.copy())
        for env in np.flatnonzero(game_over):
            # Report the finished game
            result.finished.append(FinishedGame(int(env), float(self.game_returns[env]), len(self.game_actions[env])))
            # Keep the last observation of a truncated game, to bootstrap from its value
            if truncated[env]:
                result.final_observations[int(env)] = np.array(info["final_obs"][env], copy=True)
            # The new game starts with an empty record
            self.game_actions[env] = bytearray()
            self.game_returns[env] = 0.0
            self.resets_since_seed[env] += 1
        # Reseed the environments that have played `games_per_seed` games since their last seed
        reseed = self.resets_since_seed >= self.games_per_seed
        if reseed.any():
            self._reseed(reseed)
            result.observations = self.observations
        return result

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to rebuild this object exactly, as plain Python values and a NumPy array."""

        return {
            "env_id": self.env_id,
            "num_envs": self.num_envs,
            "options": dict(self.options),
            "games_per_seed": self.games_per_seed,
            "seed_generator": self.seed_generator.bit_generator.state,
            "seeds": self.seeds.tolist(),
            "resets_since_seed": self.resets_since_seed.tolist(),
            "game_actions": [bytes(actions) for actions in self.game_actions],
            "game_returns": self.game_returns.tolist(),
            "fire_pending": self.fire_pending.tolist(),
            "observations": self.observations.copy(),
        }

    @classmethod
    def restore(cls, state: dict[str, Any]) -> "AtariGames":
        r"""
        ### Restore

        Rebuild the environments from a `state_dict` by replaying each environment's current game:
        a reset with the recorded seed, $k$ resets without a seed, then the recorded actions.

        The environments step together, so the replays are aligned at their ends. With $L_i$ recorded actions
        for environment $i$ and $T = \max_i L_i$, environment $i$ is reset at replay step $T - L_i$ and then
        takes its actions. Before that, it takes no-op actions; they do not matter, because the seeded
        reset starts everything afresh. A replay takes $T$ steps, as long as the longest current game;
        a game is at most 27,000 steps (the time limit), and usually far fewer.

        Finally we check that the replay reproduced the saved observations exactly.
        """

        # A new vector environment with the same settings
        games = cls(state["env_id"], state["num_envs"], seed=0, **state["options"])
        games.games_per_seed = state["games_per_seed"]
        seeds = np.asarray(state["seeds"], dtype=np.int64)
        resets = np.asarray(state["resets_since_seed"], dtype=np.int64)
        histories = [np.frombuffer(actions, dtype=np.uint8) for actions in state["game_actions"]]
        lengths = np.array([len(actions) for actions in histories])
        # $T$, the length of the longest current game
        total = int(lengths.max())
        # Environment $i$ starts its game at replay step $T - L_i$
        starts = total - lengths
        # A seeded reset of all environments serves the games that start at step 0
        games._reset(np.ones(games.num_envs, dtype=bool), seeds)
        for t in range(total + 1):
            beginning = starts == t
            # The seeded resets of the games that begin at this step, unless done above
            if t > 0 and beginning.any():
                games._reset(beginning, seeds[beginning])
            # Then $k$ resets without a seed each
            for round_ in range(int(resets[beginning].max(initial=0))):
                games._reset(beginning & (resets > round_), None)
            if t == total:
                break
            # The recorded action of every game that has begun; no-op for the others
            actions = np.zeros(games.num_envs, dtype=np.int64)
            for env in np.flatnonzero(starts <= t):
                actions[env] = histories[env][t - starts[env]]
            observations, _, _, _, info = games.env.step(actions)
            games._track(info)
            games.observations = np.array(observations, copy=True)

        # The replay must reproduce what the saved run saw
        if not np.array_equal(games.observations, state["observations"]):
            raise RuntimeError("replaying the saved games did not reproduce the saved observations")
        # Continue the bookkeeping where the saved run stopped
        games.seeds = seeds
        games.resets_since_seed = resets
        games.game_actions = [bytearray(actions) for actions in state["game_actions"]]
        games.game_returns = np.asarray(state["game_returns"], dtype=np.float64)
        games.fire_pending = np.asarray(state["fire_pending"], dtype=bool)
        games.seed_generator.bit_generator.state = state["seed_generator"]
        return games

    def close(self) -> None:
        """Stop the environment's worker threads."""

        self.env.close()
