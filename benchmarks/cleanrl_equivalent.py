"""A CleanRL-equivalent PPO loop for Atari: the baseline of `ppo_throughput.py`.

CleanRL's `ppo_atari.py`, as it runs on gymnasium 1.x, rewritten here so that the benchmark needs nothing beyond
this repository's dependencies (CleanRL takes its Atari wrappers from stable-baselines3, which we do not install).
It is our own code, written to do the same work in the same way, since the point is to time that work:

- the environments: gymnasium's `SyncVectorEnv` of `<Game>NoFrameskip-v4` with, innermost first, episode
  statistics, 1 to 30 no-op starts, frame skip 4 with the maximum of the last two frames, a life loss as the end
  of an episode, FIRE on reset, rewards clipped to their sign, resizing to 84x84, grayscale and 4 stacked frames;
  the vector environment resets a finished game on the next step (gymnasium 1.x's default);
- the model: the Nature DQN trunk with a policy and a value head, orthogonally initialized, in PyTorch's default
  memory layout, dividing the frames by 255 in every forward pass;
- the rollout: float32 observation buffers, a `Categorical` distribution per step;
- the update: GAE in a loop over the steps, then 4 epochs of 4 shuffled minibatches, each with advantage
  normalization, the clipped policy and value losses, the entropy bonus, gradient clipping and an Adam step, and
  the diagnostics (approximate KL, clip fraction, explained variance) written to TensorBoard once per update.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Iterator

import ale_py
import gymnasium as gym
import numpy as np
import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter

gym.register_envs(ale_py)

NOOP, FIRE = 0, 1


class NoopStart(gym.Wrapper):
    """After a reset, take 1 to `noop_max` no-op actions (drawn uniformly) before the agent acts."""

    def __init__(self, env: gym.Env, noop_max: int = 30):
        super().__init__(env)
        self.noop_max = noop_max

    def reset(self, **kwargs):
        observation, info = self.env.reset(**kwargs)
        for _ in range(int(self.unwrapped.np_random.integers(1, self.noop_max + 1))):
            observation, _, terminated, truncated, info = self.env.step(NOOP)
            if terminated or truncated:
                observation, info = self.env.reset()
        return observation, info


class SkipAndMax(gym.Wrapper):
    """Repeat each action for `skip` frames, sum their rewards, and return the pixel-wise maximum of the last two."""

    def __init__(self, env: gym.Env, skip: int = 4):
        super().__init__(env)
        self.skip = skip
        self.frames = np.zeros((2, *env.observation_space.shape), dtype=np.uint8)

    def step(self, action):
        total, terminated, truncated, info = 0.0, False, False, {}
        for index in range(self.skip):
            observation, reward, terminated, truncated, info = self.env.step(action)
            if index >= self.skip - 2:
                self.frames[index - (self.skip - 2)] = observation
            total += float(reward)
            if terminated or truncated:
                break
        return self.frames.max(axis=0), total, terminated, truncated, info


class LifeLossEndsEpisode(gym.Wrapper):
    """A lost life ends the episode; the next reset then continues the game with a no-op instead of restarting it."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.lives, self.game_over = 0, True

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        self.game_over = terminated or truncated
        lives = self.unwrapped.ale.lives()
        if 0 < lives < self.lives:
            terminated = True
        self.lives = lives
        return observation, reward, terminated, truncated, info

    def reset(self, **kwargs):
        if self.game_over:
            observation, info = self.env.reset(**kwargs)
        else:
            observation, _, _, _, info = self.env.step(NOOP)
        self.lives = self.unwrapped.ale.lives()
        return observation, info


class FireOnReset(gym.Wrapper):
    """Press FIRE (then UP, as the baselines wrapper does) after every reset, for games that wait for it."""

    def reset(self, **kwargs):
        self.env.reset(**kwargs)
        for action in (FIRE, 2):
            observation, _, terminated, truncated, info = self.env.step(action)
            if terminated or truncated:
                observation, info = self.env.reset(**kwargs)
        return observation, info


class SignOfReward(gym.RewardWrapper):
    """Rewards clipped to {-1, 0, +1}."""

    def reward(self, reward):
        return float(np.sign(reward))


def make_env(env_id: str, seed: int):
    """A thunk for `SyncVectorEnv`: one game with CleanRL's Atari wrappers."""

    def thunk() -> gym.Env:
        env = gym.make(env_id)
        env = gym.wrappers.RecordEpisodeStatistics(env)
        env = NoopStart(env, noop_max=30)
        env = SkipAndMax(env, skip=4)
        env = LifeLossEndsEpisode(env)
        if "FIRE" in env.unwrapped.get_action_meanings():
            env = FireOnReset(env)
        env = SignOfReward(env)
        env = gym.wrappers.ResizeObservation(env, (84, 84))
        env = gym.wrappers.GrayscaleObservation(env)
        env = gym.wrappers.FrameStackObservation(env, 4)
        env.action_space.seed(seed)
        return env

    return thunk


def noframeskip_id(env_id: str) -> str:
    """`ALE/Breakout-v5` becomes `BreakoutNoFrameskip-v4`, the id CleanRL trains on (no frame skip, no sticky actions)."""

    return env_id.removeprefix("ALE/").split("-v")[0] + "NoFrameskip-v4"


def orthogonal(layer: nn.Module, gain: float = math.sqrt(2)) -> nn.Module:
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.constant_(layer.bias, 0.0)
    return layer


class Agent(nn.Module):
    """The Nature DQN trunk with a policy and a value head; frames are divided by 255 in every forward pass."""

    def __init__(self, num_actions: int):
        super().__init__()
        self.network = nn.Sequential(
            orthogonal(nn.Conv2d(4, 32, 8, stride=4)),
            nn.ReLU(),
            orthogonal(nn.Conv2d(32, 64, 4, stride=2)),
            nn.ReLU(),
            orthogonal(nn.Conv2d(64, 64, 3, stride=1)),
            nn.ReLU(),
            nn.Flatten(),
            orthogonal(nn.Linear(64 * 7 * 7, 512)),
            nn.ReLU(),
        )
        self.actor = orthogonal(nn.Linear(512, num_actions), 0.01)
        self.critic = orthogonal(nn.Linear(512, 1), 1.0)

    def get_value(self, x: torch.Tensor) -> torch.Tensor:
        return self.critic(self.network(x / 255.0))

    def get_action_and_value(self, x: torch.Tensor, action: torch.Tensor | None = None):
        hidden = self.network(x / 255.0)
        distribution = torch.distributions.Categorical(logits=self.actor(hidden))
        if action is None:
            action = distribution.sample()
        return action, distribution.log_prob(action), distribution.entropy(), self.critic(hidden)


def train(
    env_id: str, updates: int, *, num_envs: int = 8, num_steps: int = 128, seed: int = 1
) -> Iterator[tuple[float, float]]:
    """Run `updates` updates with the standard Atari settings, yielding the seconds of each one's rollout and update
    (the rollout ends where the values for GAE are computed) as it goes, so that a benchmark can interleave it with
    another loop."""

    learning_rate, gamma, gae_lambda, epochs, minibatches = 2.5e-4, 0.99, 0.95, 4, 4
    clip, entropy_coef, value_coef, max_grad_norm = 0.1, 0.01, 0.5, 0.5
    batch_size = num_envs * num_steps
    minibatch_size = batch_size // minibatches
    np.random.seed(seed)
    torch.manual_seed(seed)

    envs = gym.vector.SyncVectorEnv([make_env(noframeskip_id(env_id), seed + i) for i in range(num_envs)])
    agent = Agent(int(envs.single_action_space.n))
    optimizer = torch.optim.Adam(agent.parameters(), lr=learning_rate, eps=1e-5)

    obs = torch.zeros((num_steps, num_envs, *envs.single_observation_space.shape))
    actions = torch.zeros((num_steps, num_envs))
    logprobs, rewards = torch.zeros((num_steps, num_envs)), torch.zeros((num_steps, num_envs))
    dones, values = torch.zeros((num_steps, num_envs)), torch.zeros((num_steps, num_envs))

    global_step = 0
    next_obs = torch.Tensor(envs.reset(seed=seed)[0])
    next_done = torch.zeros(num_envs)
    with tempfile.TemporaryDirectory() as logs:
        writer = SummaryWriter(logs)
        for update in range(1, updates + 1):
            start = time.perf_counter()
            optimizer.param_groups[0]["lr"] = (1.0 - (update - 1.0) / updates) * learning_rate

            for step in range(num_steps):
                global_step += num_envs
                obs[step], dones[step] = next_obs, next_done
                with torch.no_grad():
                    action, logprob, _, value = agent.get_action_and_value(next_obs)
                    values[step] = value.flatten()
                actions[step], logprobs[step] = action, logprob
                next_obs, reward, terminations, truncations, infos = envs.step(action.cpu().numpy())
                rewards[step] = torch.tensor(reward).view(-1)
                next_obs = torch.Tensor(next_obs)
                next_done = torch.Tensor(np.logical_or(terminations, truncations).astype(np.float32))
                if "episode" in infos:
                    for finished in np.flatnonzero(infos["_episode"]):
                        writer.add_scalar("charts/episodic_return", infos["episode"]["r"][finished], global_step)
                        writer.add_scalar("charts/episodic_length", infos["episode"]["l"][finished], global_step)

            mid = time.perf_counter()
            with torch.no_grad():
                next_value = agent.get_value(next_obs).reshape(1, -1)
                advantages = torch.zeros_like(rewards)
                last = 0
                for t in reversed(range(num_steps)):
                    if t == num_steps - 1:
                        not_done, following = 1.0 - next_done, next_value
                    else:
                        not_done, following = 1.0 - dones[t + 1], values[t + 1]
                    delta = rewards[t] + gamma * following * not_done - values[t]
                    advantages[t] = last = delta + gamma * gae_lambda * not_done * last
                returns = advantages + values

            b_obs = obs.reshape((-1, *envs.single_observation_space.shape))
            b_logprobs, b_actions = logprobs.reshape(-1), actions.reshape(-1)
            b_advantages, b_returns, b_values = advantages.reshape(-1), returns.reshape(-1), values.reshape(-1)
            b_inds = np.arange(batch_size)
            clipfracs = []
            for _ in range(epochs):
                np.random.shuffle(b_inds)
                for begin in range(0, batch_size, minibatch_size):
                    mb = b_inds[begin : begin + minibatch_size]
                    _, newlogprob, entropy, newvalue = agent.get_action_and_value(b_obs[mb], b_actions.long()[mb])
                    logratio = newlogprob - b_logprobs[mb]
                    ratio = logratio.exp()
                    with torch.no_grad():
                        old_approx_kl = (-logratio).mean()
                        approx_kl = ((ratio - 1) - logratio).mean()
                        clipfracs.append(((ratio - 1.0).abs() > clip).float().mean().item())
                    mb_advantages = b_advantages[mb]
                    mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std() + 1e-8)
                    pg_loss = torch.max(-mb_advantages * ratio, -mb_advantages * ratio.clamp(1 - clip, 1 + clip)).mean()
                    newvalue = newvalue.view(-1)
                    unclipped = (newvalue - b_returns[mb]) ** 2
                    clipped = (b_values[mb] + (newvalue - b_values[mb]).clamp(-clip, clip) - b_returns[mb]) ** 2
                    v_loss = 0.5 * torch.max(unclipped, clipped).mean()
                    entropy_loss = entropy.mean()
                    loss = pg_loss - entropy_coef * entropy_loss + v_loss * value_coef
                    optimizer.zero_grad()
                    loss.backward()
                    nn.utils.clip_grad_norm_(agent.parameters(), max_grad_norm)
                    optimizer.step()

            y_pred, y_true = b_values.cpu().numpy(), b_returns.cpu().numpy()
            var_y = np.var(y_true)
            explained_var = np.nan if var_y == 0 else 1 - np.var(y_true - y_pred) / var_y
            for name, value in (
                ("charts/learning_rate", optimizer.param_groups[0]["lr"]),
                ("losses/value_loss", v_loss.item()),
                ("losses/policy_loss", pg_loss.item()),
                ("losses/entropy", entropy_loss.item()),
                ("losses/old_approx_kl", old_approx_kl.item()),
                ("losses/approx_kl", approx_kl.item()),
                ("losses/clipfrac", np.mean(clipfracs)),
                ("losses/explained_variance", explained_var),
            ):
                writer.add_scalar(name, value, global_step)
            yield mid - start, time.perf_counter() - mid
        writer.close()
    envs.close()
