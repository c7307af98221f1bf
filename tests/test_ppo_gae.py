"""GAE against a brute-force computation straight from its definition."""

import torch

from reference_impl.ppo.gae import generalized_advantage_estimation


def brute_force_gae(rewards, values, next_values, terminated, ends, gamma, lam):
    """$\\hat{A}_t = \\sum_l (\\gamma\\lambda)^l \\delta_{t+l}$, summed until the episode or the rollout ends."""
    steps, envs = rewards.shape
    advantages = torch.zeros(steps, envs, dtype=torch.float64)
    for env in range(envs):
        for t in range(steps):
            total = 0.0
            for k in range(t, steps):
                bootstrap = 0.0 if terminated[k, env] else gamma * float(next_values[k, env])
                delta = float(rewards[k, env]) + bootstrap - float(values[k, env])
                total += (gamma * lam) ** (k - t) * delta
                if ends[k, env]:
                    break
            advantages[t, env] = total
    return advantages


def random_rollout(seed, steps=40, envs=5):
    generator = torch.Generator().manual_seed(seed)
    rewards = torch.randint(-1, 2, (steps, envs), generator=generator).double()
    values = torch.randn(steps, envs, generator=generator, dtype=torch.float64)
    next_values = torch.randn(steps, envs, generator=generator, dtype=torch.float64)
    terminated = torch.rand(steps, envs, generator=generator) < 0.1
    truncated = torch.rand(steps, envs, generator=generator) < 0.05
    return rewards, values, next_values, terminated, terminated | truncated


def test_gae_matches_the_definition_with_terminations_and_truncations():
    for seed in range(5):
        rewards, values, next_values, terminated, ends = random_rollout(seed)
        assert terminated.any() and (ends & ~terminated).any()
        expected = brute_force_gae(rewards, values, next_values, terminated, ends, 0.99, 0.95)
        actual = generalized_advantage_estimation(rewards, values, next_values, terminated, ends, 0.99, 0.95)
        torch.testing.assert_close(actual, expected, rtol=1e-10, atol=1e-10)


def test_gae_with_lambda_zero_is_the_td_error():
    rewards, values, next_values, terminated, ends = random_rollout(7)
    actual = generalized_advantage_estimation(rewards, values, next_values, terminated, ends, 0.9, 0.0)
    expected = rewards + 0.9 * (~terminated).double() * next_values - values
    torch.testing.assert_close(actual, expected)


def test_gae_with_lambda_one_is_the_discounted_return_minus_the_value():
    # One episode without ends, whose next values are the following values: the sum telescopes
    steps = 30
    generator = torch.Generator().manual_seed(3)
    rewards = torch.randn(steps, 1, generator=generator, dtype=torch.float64)
    values = torch.randn(steps + 1, 1, generator=generator, dtype=torch.float64)
    no_end = torch.zeros(steps, 1, dtype=torch.bool)
    gamma = 0.97
    actual = generalized_advantage_estimation(rewards, values[:-1], values[1:], no_end, no_end, gamma, 1.0)
    for t in range(steps):
        discounted = sum(gamma ** (k - t) * rewards[k, 0] for k in range(t, steps)) + gamma ** (steps - t) * values[-1, 0]
        torch.testing.assert_close(actual[t, 0], discounted - values[t, 0])


def test_terminal_step_does_not_bootstrap_but_truncated_step_does():
    rewards = torch.tensor([[1.0, 1.0]])
    values = torch.tensor([[0.5, 0.5]])
    next_values = torch.tensor([[10.0, 10.0]])
    terminated = torch.tensor([[True, False]])
    ends = torch.tensor([[True, True]])
    advantages = generalized_advantage_estimation(rewards, values, next_values, terminated, ends, 0.5, 0.9)
    torch.testing.assert_close(advantages, torch.tensor([[1.0 - 0.5, 1.0 + 0.5 * 10.0 - 0.5]]))
