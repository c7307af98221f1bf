r"""
---
title: PPO trainer for Atari
summary: The PPO training loop (rollout, GAE, update epochs, logging) with checkpoints and exact resume, annotated.
---

# PPO trainer

This module puts the pieces together into the training loop of
[Proximal Policy Optimization](https://arxiv.org/abs/1707.06347). Each update has three stages:

1. **Rollout.** Play `num_steps` steps in each of `num_envs` [Atari games](atari.py) with the current policy,
   and store the observations, actions, log-probabilities, values, rewards and episode ends.
2. **Advantages.** Compute the advantages with [GAE](gae.py) and the return targets for the value function.
3. **Optimization.** For `num_epochs` epochs, shuffle the samples into `num_minibatches` minibatches and take one
   gradient step on each, on the combined [loss](losses.py) of the [model](model.py).

After every update the loop reports the metrics that tell whether training works to the [run log](runlog.py).
It writes [checkpoints](checkpoint.py), resumes from them exactly, and stops cleanly on Ctrl-C.
All settings come from the [configuration](config.py).

![Learning curve of the run in results/breakout-cpu: game score against environment steps](results/breakout-cpu/learning-curve.svg)
"""

import dataclasses
import math
import os
import signal
import time
from collections import deque
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from tqdm import tqdm

from . import distributed
from .atari import AtariGames, make_games, rom_name
from .checkpoint import config_for_resume, load_checkpoint, load_into, rank_state, save_checkpoint
from .config import Config, ConfigError
from .files import prepare_folder, remove_stale_temporaries, write_error
from .gae import generalized_advantage_estimation
from .losses import clipped_policy_loss, clipped_value_loss, explained_variance
from .model import ActorCritic, select_device
from .runlog import RunLog, UpdateCallback, UpdateReport
from .transfer import Transfer

# The files a run writes in its folder
RUN_FILES = ["checkpoint.pt", "metrics.csv", "config.json"]

# The diagnostics of the update, averaged over its minibatches
DIAGNOSTICS = ["policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction"]


class RunStopped(Exception):
    """The run stopped before its end; the message says why and which checkpoint is kept, in one line."""

    def __init__(self, message: str, exit_status: int):
        super().__init__(message)
        self.exit_status = exit_status


class Trainer:
    r"""
    ## The trainer

    Create it with a `Config` (a new run) or with a checkpoint (a resumed run); `train` runs the loop.
    All checks of the user's input happen here, before any environment is created: the settings, the game,
    the device, and whether the output folder can be written.
    """

    def __init__(self, config: Config, checkpoint: dict[str, Any] | None = None,
                 checkpoint_path: Path | None = None):
        # Check the settings and the game id before any work starts
        config.validate()
        rom_name(config.env_id)
        self.config = config
        # This process among the ranks of the run: the only one, unless `torchrun` started it (see
        # [distributed](distributed.py)); each rank takes its own GPU
        self.ranks = distributed.join()
        self.device = self.ranks.device(select_device(config.device))
        if config.torch_threads:
            torch.set_num_threads(config.torch_threads)
        # An update takes `batch_size` steps on every rank
        self.steps_per_update = config.batch_size * self.ranks.world_size
        # $K$, the number of updates: enough for `total_steps` steps over all ranks
        self.num_updates = -(-config.total_steps // self.steps_per_update)
        # The output folder must be writable; a killed run may have left temporary files in it.
        # Rank 0 alone writes there
        self.out = Path(config.out)
        if self.ranks.main:
            prepare_folder(self.out)
            remove_stale_temporaries(self.out, RUN_FILES)

        # Seed the global generator, which initializes the model, identically on every rank
        torch.manual_seed(config.seed)
        # This rank's seed, for its games, its actions and its minibatches
        seed = distributed.rank_seed(config.seed, self.ranks.rank)
        # A separate generator samples the actions and shuffles the minibatches, on the model's device;
        # its state goes into checkpoints
        self.generator = torch.Generator(self.device).manual_seed(seed)
        # The copies of each step between the games and the device
        self.transfer = Transfer(self.device)

        if checkpoint is None:
            # A new run: fresh games, with the game seeds drawn from this rank's seed
            self.games = make_games(config, config.num_envs, seed)
            self.observations = self.games.reset()
        else:
            # A resumed run: this rank's part of the checkpoint
            own = rank_state(checkpoint, self.ranks.rank, self.ranks.world_size, checkpoint_path)
            # Replay the games of the checkpoint
            games_state = dict(own["games"])
            games_state["observations"] = games_state["observations"].numpy()
            try:
                self.games = AtariGames.restore(games_state)
            except (RuntimeError, ValueError, TypeError) as error:
                raise ConfigError(f"{checkpoint_path}: the checkpoint's games cannot be replayed ({error})") from error
            self.observations = self.games.observations

        # The model, with one policy output per action of this game
        self.model = ActorCritic(self.games.num_actions).to(self.device)
        # The model as the rollout calls it (`act`) and as the update calls it (`learn`): the same parameters,
        # compiled with `torch.compile` if asked for
        self.act = self.model
        # Under `torchrun`, DDP averages the gradients of the update over the ranks
        self.learn = distributed.wrap(self.model, self.ranks, self.device)
        if config.compile:
            self.act, self.learn = torch.compile(self.act), torch.compile(self.learn)
        # With `--precision bf16`, the convolutions and matrix products of both run in bfloat16 under autocast, with
        # float32 accumulation; the parameters, their gradients and Adam's moments stay float32. On a CPU with AMX
        # tiles this halves the time of an update
        self.bf16 = config.precision == "bf16"
        # Adam, with the $\epsilon$ of OpenAI Baselines. The fused kernel updates every parameter in one
        # pass; PyTorch's default on the CPU loops over the tensors, one operation at a time, which took about 20 times
        # as long per step on the CPU of our benchmark
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=config.learning_rate, eps=config.adam_eps,
                                          fused=True)

        # Where the run is: the number of finished updates and of environment steps taken
        self.update = 0
        self.global_step = 0
        # The returns of the most recent games, for the progress bar
        self.recent_returns: deque[float] = deque(maxlen=config.return_window)
        # The learning-rate schedule (see `learning_rate`)
        self.schedule = {"update": 1, "rate": config.learning_rate, "num_updates": self.num_updates}
        # The last checkpoint written or resumed from, and its update: what a failed run keeps
        self.last_checkpoint: tuple[Path, int] | None = None

        if checkpoint is not None:
            # Continue exactly where the checkpoint stopped
            load_into(self.model, checkpoint["model"], checkpoint_path, "model")
            load_into(self.optimizer, checkpoint["optimizer"], checkpoint_path, "optimizer state")
            try:
                self.generator.set_state(own["generator"])
            except RuntimeError as error:
                raise ConfigError(
                    f"{checkpoint_path}: its random generator cannot continue on {self.device.type} (a checkpoint "
                    f"continues on the kind of device that wrote it)"
                ) from error
            self.update = checkpoint["update"]
            self.global_step = checkpoint["global_step"]
            self.recent_returns.extend(checkpoint["recent_returns"])
            self.schedule = dict(checkpoint["schedule"])
            self.last_checkpoint = (checkpoint_path, self.update)
            # A changed number of updates redraws the schedule from the rate of the last update done
            if self.schedule["num_updates"] != self.num_updates and self.num_updates > self.update:
                self.schedule = {"update": self.update, "rate": self.learning_rate(self.update),
                                 "num_updates": self.num_updates}

        # Set when Ctrl-C was pressed: stop after the current update
        self.stop_requested = False

    @classmethod
    def from_checkpoint(cls, path: str | os.PathLike, overrides: dict[str, Any] | None = None) -> "Trainer":
        """Resume the run saved in the checkpoint at `path`; `overrides` are settings given on the command line."""

        # Under `torchrun`, rank 0 reads the checkpoint, which may be on its machine only, and sends it to the others
        checkpoint = distributed.from_main(lambda: load_checkpoint(path), distributed.join())
        config = config_for_resume(checkpoint, path, overrides or {})
        return cls(config, checkpoint, Path(path))

    def sample_actions(self, observations: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        r"""
        ### Acting

        Sample $a_t \sim \pi_\theta(\cdot|s_t)$ for a batch of observations, and return the actions,
        their log-probabilities $\log \pi_\theta(a_t|s_t)$ and the values $V_\theta(s_t)$.
        No gradients are needed here: the update recomputes everything it differentiates.
        Everything happens on the model's device, where the sampling generator lives too.
        """

        with torch.inference_mode(), self.autocast():
            logits, values = self.act(observations.to(self.device))
            # $\log \pi_\theta(a|s_t)$ for every action $a$
            log_policy = torch.log_softmax(logits.float(), dim=-1)
            # Sample one action per environment from $\pi_\theta(\cdot|s_t)$
            actions = torch.multinomial(log_policy.exp(), 1, generator=self.generator).squeeze(-1)
            # $\log \pi_\theta(a_t|s_t)$ of the sampled actions
            log_probs = log_policy.gather(-1, actions.unsqueeze(-1)).squeeze(-1)
        return actions, log_probs, values.float()

    def values_of(self, observations: torch.Tensor) -> torch.Tensor:
        """$V_\\theta(s)$ for a batch of observations, without gradients, on the model's device."""

        with torch.inference_mode(), self.autocast():
            return self.act(observations.to(self.device))[1].float()

    def autocast(self) -> torch.autocast:
        """The precision of the model's forward passes: bfloat16 autocast with `--precision bf16`, else none."""
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16)

    def rollout(self) -> dict[str, torch.Tensor]:
        r"""
        ### Rollout

        Play `num_steps` steps in every environment and return the samples as tensors of shape
        `[steps, envs, ...]`, ready for [GAE](gae.py).
        """

        config, device = self.config, self.device
        steps, envs = config.num_steps, config.num_envs
        # $s_t$: the observations acted on, as `uint8` frames on the model's device
        observations = torch.zeros((steps, envs, 4, 84, 84), dtype=torch.uint8, device=device)
        # $a_t$, $\log \pi_{\theta_{old}}(a_t|s_t)$ and $V_{\theta_{old}}(s_t)$, on the device where they are computed
        actions = torch.zeros((steps, envs), dtype=torch.long, device=device)
        log_probs = torch.zeros((steps, envs), device=device)
        values = torch.zeros((steps, envs), device=device)
        # $r_t$, clipped to its sign, and the episode ends come from the games: they stay on the CPU
        # until the rollout is over, and then cross to the device in one copy each
        rewards = torch.zeros((steps, envs))
        # $d_t$: the step reached a terminal state; $e_t$: the episode ended (terminal or truncated)
        terminated = torch.zeros((steps, envs), dtype=torch.bool)
        episode_ends = torch.zeros((steps, envs), dtype=torch.bool)
        # $V(s'_t)$ where an episode was truncated: the value of its final observation
        truncated_values: dict[tuple[int, int], torch.Tensor] = {}
        # The games that ended during this rollout
        finished = []

        # With `--precision bf16`, one autocast region for the whole rollout: the parameters, which do not change
        # until the update, are cast to bfloat16 once, not at every step
        with self.autocast():
            for t in range(steps):
                # $s_t$, copied to the device
                self.transfer.upload(self.observations, observations[t])
                # $a_t \sim \pi_{\theta_{old}}(\cdot|s_t)$
                actions[t], log_probs[t], values[t] = self.sample_actions(observations[t])
                # Take the actions in the games: the actions are the only thing that comes back from the device
                step = self.games.step(self.transfer.download(actions[t]))
                # Clip the rewards to $\{-1, 0, +1\}$, as in the published results; the games keep the raw score
                rewards[t] = torch.from_numpy(np.sign(step.rewards))
                # A lost life or a game over is terminal
                terminated[t] = torch.from_numpy(step.terminated)
                # The episode ends there, or at the time limit
                episode_ends[t] = torch.from_numpy(step.terminated | step.truncated)
                # Bootstrap a truncated episode from the value of its final observation
                for env, final_observation in step.final_observations.items():
                    truncated_values[(t, env)] = self.values_of(torch.from_numpy(final_observation[None]))[0]
                finished.extend(step.finished)
                # $s_{t+1}$
                self.observations = step.observations

        # $V(s'_t)$: the value of the next observation, $V(s_{t+1})$, and for the last step
        # the value of the observation after the rollout
        next_values = torch.cat([values[1:], self.values_of(torch.from_numpy(self.observations))[None]])
        # The final observations of truncated episodes replace $s_{t+1}$, which starts a new game
        for (t, env), value in truncated_values.items():
            next_values[t, env] = value
        # The rewards and episode ends join the rest on the device
        rewards, terminated, episode_ends = (tensor.to(device) for tensor in (rewards, terminated, episode_ends))

        return {
            "observations": observations,
            "actions": actions,
            "log_probs": log_probs,
            "values": values,
            "rewards": rewards,
            "terminated": terminated,
            "episode_ends": episode_ends,
            "next_values": next_values,
            "finished": finished,
        }

    def optimize(self, rollout: dict[str, Any]) -> dict[str, float]:
        r"""
        ### Optimization

        First the advantages $\hat{A}_t$ from [GAE](gae.py), and the return targets
        $R_t = \hat{A}_t + V_{\theta_{old}}(s_t)$ for the value function.
        Then `num_epochs` passes over the samples in random minibatches, each a gradient step on

        $$\mathcal{L}(\theta) = -L^{CLIP}(\theta) + c_1 L^{VF}(\theta) - c_2 \mathbb{E}_t\big[\mathcal{H}[\pi_\theta](s_t)\big]$$

        where $c_1$ is `value_coef`, $c_2$ is `entropy_coef` and $\mathcal{H}$ is the entropy of the policy.
        The [losses](losses.py) module explains $L^{CLIP}$ and $L^{VF}$. The paper writes this as an objective to
        maximize, $L^{CLIP} - c_1 L^{VF} + c_2 \mathcal{H}$; we minimize its negative.
        """

        config = self.config
        # $\hat{A}_t$
        advantages = generalized_advantage_estimation(
            rollout["rewards"],
            rollout["values"],
            rollout["next_values"],
            rollout["terminated"],
            rollout["episode_ends"],
            config.gamma,
            config.gae_lambda,
        )
        # $R_t = \hat{A}_t + V_{\theta_{old}}(s_t)$
        returns = advantages + rollout["values"]

        # Flatten `[steps, envs]` into one batch of samples (on the training device already)
        batch = {
            "observations": rollout["observations"].flatten(0, 1),
            "actions": rollout["actions"].flatten(),
            "log_probs": rollout["log_probs"].flatten(),
            "values": rollout["values"].flatten(),
            "advantages": advantages.flatten(),
            "returns": returns.flatten(),
        }
        # The frames scaled to $[0, 1]$, once for all epochs; the minibatches are taken from them
        observations = self.model.prepare(batch["observations"])

        # Sums of the diagnostics over all minibatches, on the device: reading a value from a GPU waits for the GPU,
        # so they are read once, at the end
        totals = torch.zeros(len(DIAGNOSTICS), dtype=torch.float64, device=self.device)
        num_minibatches = 0
        for _ in range(config.num_epochs):
            # A new random order of the samples for each epoch
            order = torch.randperm(config.batch_size, generator=self.generator, device=self.device)
            for start in range(0, config.batch_size, config.minibatch_size):
                # The indices of this minibatch
                indices = order[start : start + config.minibatch_size]
                # $\pi_\theta(\cdot|s_t)$ and $V_\theta(s_t)$ under the current parameters
                with self.autocast():
                    logits, values = self.learn(observations[indices])
                # $\log \pi_\theta(a|s_t)$ for every action, and the losses below, in float32
                logits, values = logits.float(), values.float()
                log_policy = torch.log_softmax(logits, dim=-1)
                # $\log \pi_\theta(a_t|s_t)$ of the actions that were taken
                log_probs = log_policy.gather(-1, batch["actions"][indices].unsqueeze(-1)).squeeze(-1)
                # $\mathbb{E}_t\big[\mathcal{H}[\pi_\theta](s_t)\big] = -\mathbb{E}_t\big[\sum_a \pi_\theta(a|s_t) \log \pi_\theta(a|s_t)\big]$
                entropy = -(log_policy.exp() * log_policy).sum(-1).mean()

                # $\bar{A}_t$: the advantages, normalized over the minibatch if configured
                advantages = batch["advantages"][indices]
                if config.normalize_advantages:
                    advantages = distributed.normalize_over_ranks(advantages, self.ranks)
                # $-L^{CLIP}(\theta)$ and its diagnostics
                policy = clipped_policy_loss(log_probs, batch["log_probs"][indices], advantages, config.clip)
                # $L^{VF}(\theta)$
                value_loss = clipped_value_loss(
                    values, batch["values"][indices], batch["returns"][indices], config.clip, config.clip_value_loss
                )
                # $\mathcal{L}(\theta) = -L^{CLIP}(\theta) + c_1 L^{VF}(\theta) - c_2 \mathbb{E}_t[\mathcal{H}]$
                loss = policy.loss + config.value_coef * value_loss - config.entropy_coef * entropy

                # Compute the gradients
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                # Scale the gradient down if its global norm exceeds `max_grad_norm`
                nn.utils.clip_grad_norm_(self.model.parameters(), config.max_grad_norm)
                # Take the Adam step
                self.optimizer.step()

                # Add up the diagnostics, in the order of `DIAGNOSTICS`
                totals += torch.stack([policy.loss, value_loss, entropy, policy.approx_kl, policy.clip_fraction]).detach()
                num_minibatches += 1

        # Averages over the minibatches of all epochs
        metrics = dict(zip(DIAGNOSTICS, (totals / num_minibatches).tolist(), strict=True))
        # How well $V_{\theta_{old}}$ predicted the return targets of this rollout
        metrics["explained_variance"] = explained_variance(batch["values"], batch["returns"])
        return metrics

    def learning_rate(self, update: int) -> float:
        r"""
        ### Learning rate schedule

        With `anneal_lr`, update $k = 1, \dots, K$ uses $\alpha_k = \alpha_0 \frac{K + 1 - k}{K}$: a straight line that
        falls from $\alpha_0$ at the first update towards zero, which it would reach one update after the last.
        Otherwise $\alpha_0$ throughout.

        The line depends on $K$, the number of updates, and a resumed run may change it with `--total-steps`.
        The rule is then: the line is redrawn from the rate $\alpha_M$ of the last update done, $M$, to zero one update
        after the new last update $K'$, so $\alpha_k = \alpha_M \frac{K' + 1 - k}{K' + 1 - M}$ for $k > M$. The rate
        does not jump, and a checkpoint stores the line, so a later resume continues it exactly.
        With the same $K$ the line is the same: the resumed run is exactly the run that never stopped.
        """

        if not self.config.anneal_lr:
            return self.config.learning_rate
        # The line through $(M, \alpha_M)$ that reaches zero at $K + 1$; $M = 1$ and $\alpha_M = \alpha_0$ for a new run
        start, rate, num_updates = self.schedule["update"], self.schedule["rate"], self.schedule["num_updates"]
        return rate * (num_updates + 1 - update) / (num_updates + 1 - start)

    def save_checkpoint(self, path: Path | None = None) -> Path:
        """Write a [checkpoint](checkpoint.py) of the run as it is now, by default `checkpoint.pt` in `out`."""

        path = path or self.out / "checkpoint.pt"
        games_state = self.games.state_dict()
        games_state["observations"] = torch.from_numpy(games_state["observations"])
        # The games and the generator of every rank go to rank 0, which writes them all; the model and the optimizer
        # are the same on every rank
        states = distributed.gather_to_main({"games": games_state, "generator": self.generator.get_state()}, self.ranks)
        if states is None:
            self.last_checkpoint = (path, self.update)
            return path
        save_checkpoint(path, {
            "config": dataclasses.asdict(self.config),
            "update": self.update,
            "global_step": self.global_step,
            "schedule": dict(self.schedule),
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "generator": states[0]["generator"],
            "games": states[0]["games"],
            "ranks": states[1:],
            "recent_returns": list(self.recent_returns),
        })
        if path == self.out / "checkpoint.pt":
            self.last_checkpoint = (path, self.update)
        return path

    def train(self, on_update: UpdateCallback | None = None) -> bool:
        r"""
        ## The training loop

        Runs the remaining updates, then writes a final checkpoint. After every update, the
        [run log](runlog.py) and then `on_update`, if given, receive the report of the update.
        Returns `False` if Ctrl-C stopped the run early (a checkpoint is written then too), `True` otherwise.

        A run that cannot go on raises `RunStopped` and keeps the last checkpoint as it was:
        a loss or a parameter that is no longer finite (the model has diverged, and nothing after it is worth
        saving), a write that fails (a full disk), or a second Ctrl-C, which stops at once.
        """

        config, ranks = self.config, self.ranks
        # Ctrl-C asks the loop to stop after the current update; a second Ctrl-C stops at once.
        # `torchrun` passes a Ctrl-C on to its ranks, and stops them with SIGTERM when one of them failed
        stop_signals = [signal.SIGINT] + ([signal.SIGTERM] if ranks.world_size > 1 else [])
        previous_handlers = {number: signal.signal(number, self._on_interrupt) for number in stop_signals}
        progress = tqdm(
            total=self.num_updates * self.steps_per_update,
            initial=self.global_step,
            unit="step",
            disable=not config.progress or not ranks.main,
            dynamic_ncols=True,
        )
        # Steps per second are measured over this session's updates
        start_time, start_step = time.perf_counter(), self.global_step
        stopped = False
        try:
            # Rank 0 alone keeps the run log
            with RunLog(self.out, config, self.update, self.global_step) if ranks.main else nullcontext() as log:
                callbacks = [callback for callback in (log, on_update) if callback is not None]
                while self.update < self.num_updates:
                    # Stop if asked to; the ranks decide together, so that they stop after the same update
                    if distributed.any_rank(self.stop_requested, ranks):
                        stopped = True
                        break
                    self.update += 1
                    # Set the learning rate of this update
                    for group in self.optimizer.param_groups:
                        group["lr"] = self.learning_rate(self.update)
                    # Collect experience with the current policy
                    rollout = self.rollout()
                    self.global_step += self.steps_per_update
                    # Learn from it; the metrics and the games of all ranks together
                    metrics = distributed.mean_over_ranks(self.optimize(rollout), ranks)
                    finished = [game for games in distributed.gather(rollout["finished"], ranks) for game in games]
                    # Stop if the update made the model diverge
                    self._check_finite(metrics)

                    # Report the update
                    self.recent_returns.extend(game.game_return for game in finished)
                    metrics["learning_rate"] = self.optimizer.param_groups[0]["lr"]
                    metrics["steps_per_second"] = (self.global_step - start_step) / (time.perf_counter() - start_time)
                    report = UpdateReport(self.update, self.global_step, metrics, finished)
                    for callback in callbacks:
                        callback(report)
                    progress.update(self.steps_per_update)
                    if self.recent_returns:
                        progress.set_postfix(ret=f"{np.mean(self.recent_returns):.1f}", refresh=False)
                    # Write a checkpoint every `checkpoint_every` updates
                    if self.update % config.checkpoint_every == 0:
                        self.save_checkpoint()
                # Always write one at the end, whether the run finished or was interrupted
                self.save_checkpoint()
        except KeyboardInterrupt as error:
            raise RunStopped(f"second Ctrl-C: stopped at once; {self._kept()}", 130) from error
        except OSError as error:
            path = Path(error.filename) if error.filename else self.out
            raise RunStopped(f"{write_error(path, error)}: the run stopped; {self._kept()}", 1) from error
        except dist.DistError as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise RunStopped(f"rank {ranks.rank}: another rank stopped ({reason}); {self._kept()}", 1) from error
        finally:
            for number, handler in previous_handlers.items():
                signal.signal(number, handler)
            progress.close()
        return not stopped

    def _check_finite(self, metrics: dict[str, float]) -> None:
        # A NaN or an infinity in any minibatch reaches the averages of the losses
        losses = ("policy_loss", "value_loss", "entropy")
        diverged = [name for name in losses if not math.isfinite(metrics[name])]
        # One check of all parameters together: a single synchronization on a GPU
        if not diverged and not bool(torch.stack([p.isfinite().all() for p in self.model.parameters()]).all()):
            diverged = ["parameters"]
        if diverged:
            raise RunStopped(
                f"update {self.update}: the {', '.join(diverged)} became NaN or infinite, so the model has diverged "
                f"and is not saved; {self._kept()}", 1
            )

    def _kept(self) -> str:
        # Which checkpoint the stopped run leaves, for its one-line report
        if self.last_checkpoint is None:
            return "no checkpoint was written"
        path, update = self.last_checkpoint
        return f"the last checkpoint, {path} (update {update}), is kept"

    def _on_interrupt(self, signum: int, frame: Any) -> None:
        # The second Ctrl-C raises `KeyboardInterrupt`, which `train` reports
        if self.stop_requested:
            raise KeyboardInterrupt
        self.stop_requested = True
        if self.ranks.main:
            tqdm.write("Ctrl-C: stopping after this update and writing a checkpoint (press again to stop at once)")
