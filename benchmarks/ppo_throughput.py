"""Throughput of PPO on Atari on this machine, measured in one run.

Prints, for 8 environments and the standard settings (128 steps per rollout, 4 epochs of 4 minibatches):

1. env-only steps/s with random actions: ale-py's `AtariVectorEnv` (as wrapped by `AtariGames`) and
   gymnasium's `SyncVectorEnv` with the standard Python wrappers (`AtariPreprocessing`, `FrameStackObservation`);
2. the steps/s of a straightforward baseline: `SyncVectorEnv` with those wrappers, the same network in PyTorch's
   default memory layout, and the same update, written as a plain CleanRL-style loop;
3. the steps/s of our trainer (`reference_impl.ppo.trainer.Trainer`), with the split of its time into rollout
   and update;
4. the ratio ours / baseline.

Training steps/s count environment steps (each 4 frames) over whole updates: rollout plus optimisation.
CleanRL's `ppo_atari.py` with the same hyperparameters measured 143-157 steps/s on this machine's 2 CPU cores.

Usage: `python benchmarks/ppo_throughput.py [--updates N] [--env ALE/Breakout-v5] [--threads T]`
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import ale_py
import gymnasium as gym
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reference_impl.ppo.atari import AtariGames
from reference_impl.ppo.config import Config
from reference_impl.ppo.gae import generalized_advantage_estimation
from reference_impl.ppo.losses import clipped_policy_loss, clipped_value_loss, normalize_advantages
from reference_impl.ppo.model import ActorCritic
from reference_impl.ppo.trainer import Trainer

gym.register_envs(ale_py)
CLEANRL_STEPS_PER_SECOND = (143, 157)


def make_sync_env(env_id: str, num_envs: int, seed: int) -> gym.vector.SyncVectorEnv:
    """gymnasium's synchronous vector env with the standard Atari wrappers (no sticky actions, as ours)."""

    def make(index: int):
        def thunk():
            env = gym.make(env_id, frameskip=1, repeat_action_probability=0.0)
            env = gym.wrappers.AtariPreprocessing(
                env, noop_max=30, frame_skip=4, screen_size=84, terminal_on_life_loss=False, grayscale_obs=True
            )
            env = gym.wrappers.FrameStackObservation(env, 4)
            env.action_space.seed(seed + index)
            return env

        return thunk

    return gym.vector.SyncVectorEnv([make(i) for i in range(num_envs)])


def env_only(env_id: str, num_envs: int, steps: int) -> tuple[float, float]:
    """Random-action steps/s of AtariGames and of SyncVectorEnv with wrappers."""
    rng = np.random.default_rng(0)
    games = AtariGames(env_id, num_envs, seed=0)
    games.reset()
    start = time.perf_counter()
    for _ in range(steps):
        games.step(rng.integers(0, games.num_actions, num_envs))
    ours = steps * num_envs / (time.perf_counter() - start)
    games.close()

    env = make_sync_env(env_id, num_envs, 0)
    env.reset(seed=0)
    start = time.perf_counter()
    for _ in range(steps):
        env.step(rng.integers(0, env.single_action_space.n, num_envs))
    baseline = steps * num_envs / (time.perf_counter() - start)
    env.close()
    return ours, baseline


def baseline_training(env_id: str, config: Config, updates: int) -> tuple[float, float, float]:
    """A straightforward PPO loop; returns (steps/s, rollout s per update, update s per update)."""
    torch.manual_seed(0)
    env = make_sync_env(env_id, config.num_envs, 0)
    model = ActorCritic(int(env.single_action_space.n), channels_last=False)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate, eps=config.adam_eps)
    observations, _ = env.reset(seed=0)
    observations = torch.as_tensor(observations)
    steps, envs = config.num_steps, config.num_envs
    rollout_time = update_time = 0.0
    for update in range(updates + 1):
        start = time.perf_counter()
        obs_buf = torch.zeros((steps, envs, 4, 84, 84), dtype=torch.uint8)
        act_buf = torch.zeros((steps, envs), dtype=torch.long)
        logp_buf, val_buf, rew_buf = torch.zeros((steps, envs)), torch.zeros((steps, envs)), torch.zeros((steps, envs))
        term_buf = torch.zeros((steps, envs), dtype=torch.bool)
        for t in range(steps):
            obs_buf[t] = observations
            with torch.no_grad():
                logits, values = model(observations)
            distribution = torch.distributions.Categorical(logits=logits)
            actions = distribution.sample()
            act_buf[t], logp_buf[t], val_buf[t] = actions, distribution.log_prob(actions), values
            observations, rewards, terminated, truncated, _ = env.step(actions.numpy())
            observations = torch.as_tensor(observations)
            rew_buf[t] = torch.as_tensor(np.sign(rewards), dtype=torch.float32)
            term_buf[t] = torch.as_tensor(terminated | truncated)
        with torch.no_grad():
            next_values = torch.cat([val_buf[1:], model(observations)[1][None]])
        mid = time.perf_counter()
        advantages = generalized_advantage_estimation(
            rew_buf, val_buf, next_values, term_buf, term_buf, config.gamma, config.gae_lambda
        )
        returns = advantages + val_buf
        b_obs, b_act, b_logp = obs_buf.flatten(0, 1), act_buf.flatten(), logp_buf.flatten()
        b_val, b_adv, b_ret = val_buf.flatten(), advantages.flatten(), returns.flatten()
        for _ in range(config.num_epochs):
            order = torch.randperm(config.batch_size)
            for begin in range(0, config.batch_size, config.minibatch_size):
                idx = order[begin : begin + config.minibatch_size]
                logits, values = model(b_obs[idx])
                distribution = torch.distributions.Categorical(logits=logits)
                policy = clipped_policy_loss(
                    distribution.log_prob(b_act[idx]), b_logp[idx], normalize_advantages(b_adv[idx]), config.clip
                )
                value_loss = clipped_value_loss(values, b_val[idx], b_ret[idx], config.clip)
                loss = policy.loss + config.value_coef * value_loss - config.entropy_coef * distribution.entropy().mean()
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
                optimizer.step()
        end = time.perf_counter()
        # The first update warms up (allocations, oneDNN kernel selection) and is not counted
        if update > 0:
            rollout_time += mid - start
            update_time += end - mid
    env.close()
    return updates * config.batch_size / (rollout_time + update_time), rollout_time / updates, update_time / updates


def our_training(config: Config, updates: int) -> tuple[float, float, float]:
    """Our trainer's rollout and optimize, as `Trainer.train` calls them; same return as `baseline_training`."""
    with tempfile.TemporaryDirectory() as out:
        trainer = Trainer(Config(**{**config.__dict__, "out": out}))
        rollout_time = update_time = 0.0
        for update in range(updates + 1):
            start = time.perf_counter()
            trainer.update += 1
            for group in trainer.optimizer.param_groups:
                group["lr"] = trainer.learning_rate(trainer.update)
            rollout = trainer.rollout()
            mid = time.perf_counter()
            trainer.optimize(rollout)
            end = time.perf_counter()
            if update > 0:
                rollout_time += mid - start
                update_time += end - mid
        trainer.games.close()
    return updates * config.batch_size / (rollout_time + update_time), rollout_time / updates, update_time / updates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="ALE/Breakout-v5")
    parser.add_argument("--updates", type=int, default=3, help="timed updates per trainer (after one warm-up)")
    parser.add_argument("--env-steps", type=int, default=500, help="vector steps for the env-only measurement")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: PyTorch's default)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    config = Config(env_id=args.env, total_steps=10_000_000, progress=False, torch_threads=args.threads)
    print(f"{args.env}, {config.num_envs} envs x {config.num_steps} steps, {config.num_epochs} epochs x "
          f"{config.num_minibatches} minibatches; torch {torch.__version__}, {torch.get_num_threads()} threads")

    ours_env, baseline_env = env_only(args.env, config.num_envs, args.env_steps)
    print(f"env only, random actions:  AtariVectorEnv (AtariGames) {ours_env:7.0f} steps/s   "
          f"SyncVectorEnv + wrappers {baseline_env:7.0f} steps/s")

    baseline, baseline_rollout, baseline_update = baseline_training(args.env, config, args.updates)
    print(f"baseline training (SyncVectorEnv + wrappers, plain loop): {baseline:6.1f} steps/s "
          f"(per update of {config.batch_size} steps: rollout {baseline_rollout:.2f} s, update {baseline_update:.2f} s)")
    ours, ours_rollout, ours_update = our_training(config, args.updates)
    print(f"our trainer:                                              {ours:6.1f} steps/s "
          f"(per update of {config.batch_size} steps: rollout {ours_rollout:.2f} s, update {ours_update:.2f} s)")
    low, high = CLEANRL_STEPS_PER_SECOND
    print(f"ours / baseline: {ours / baseline:.2f}x   ours / CleanRL ({low}-{high} steps/s measured here): "
          f"{ours / high:.2f}-{ours / low:.2f}x")


if __name__ == "__main__":
    main()
