r"""
---
title: Generalized Advantage Estimation (GAE)
summary: A PyTorch implementation and annotated walk-through of Generalized Advantage Estimation for PPO.
---

# Generalized Advantage Estimation (GAE)

This is an implementation of the advantage estimator from the paper
[High-Dimensional Continuous Control Using Generalized Advantage Estimation](https://arxiv.org/abs/1506.02438).
[PPO](__init__.py) uses it to decide how much better each action was than the policy's average behaviour.

The advantage of an action is $A(s_t, a_t) = Q(s_t, a_t) - V(s_t)$. We do not know $Q$, so we estimate
the advantage from the rewards we observed and the value function $V$ that we are learning.
Using more observed rewards gives an estimate with less bias but more variance;
using more of $V$ gives less variance but more bias, because $V$ is only an approximation.
GAE mixes all of these estimates with a single parameter $\lambda$ that trades one against the other.

The [trainer](trainer.py) calls `generalized_advantage_estimation` once per rollout,
and the [losses](losses.py) use its result.
"""

import torch


def generalized_advantage_estimation(
    rewards: torch.Tensor,
    values: torch.Tensor,
    next_values: torch.Tensor,
    terminated: torch.Tensor,
    episode_ends: torch.Tensor,
    gamma: float,
    lambda_: float,
) -> torch.Tensor:
    r"""
    ## Generalized advantage estimate

    All arguments are tensors of shape `[steps, envs]`: row $t$ holds step $t$ of the rollout in every environment.

    * `rewards` $r_t$: the reward received for action $a_t$ (already clipped by the trainer).
    * `values` $V(s_t)$: the value of the observation on which $a_t$ was taken.
    * `next_values` $V(s'_t)$: the value of the observation that followed $a_t$. Inside an episode this is
      $V(s_{t+1})$. For the last step of the rollout it is the value of the observation after the rollout.
      When an episode was truncated by a time limit, it is the value of that episode's final observation.
    * `terminated`: $1$ if $s'_t$ is a terminal state, where the return is zero by definition. Here that is a
      lost life or a game over; a time limit is not terminal: the episode is truncated, and $V(s'_t)$ bootstraps it.
    * `episode_ends`: $1$ if the episode ended at step $t$ for any reason (terminated or truncated), so that
      $s_{t+1}$ starts a new episode.

    ### The one-step estimate

    The temporal-difference error

    $$\delta_t = r_t + \gamma (1 - d_t) V(s'_t) - V(s_t)$$

    is a one-step estimate of the advantage; $d_t$ is `terminated`. A terminal state has no future,
    so we do not bootstrap from it. A truncated episode is different: the game would have gone on, so we
    bootstrap from the value of its final observation, as the gymnasium API intends.

    ### Mixing $k$-step estimates

    The $k$-step estimate adds $k$ observed rewards and then bootstraps:

    $$\hat{A}^{(k)}_t = \sum_{l=0}^{k-1} \gamma^l \delta_{t+l}$$

    GAE is the exponentially weighted average of all of them, with weight $(1 - \lambda) \lambda^{k-1}$ for
    $\hat{A}^{(k)}_t$, which simplifies to

    $$\hat{A}_t = \sum_{l=0}^{\infty} (\gamma \lambda)^l \delta_{t+l}$$

    With $\lambda = 0$ this is the one-step estimate $\delta_t$ (low variance, high bias);
    with $\lambda = 1$ it is the observed discounted return minus $V(s_t)$, bootstrapped from $V$ only where the
    rollout stops or an episode is truncated (little bias from $V$, high variance).

    The sum stops where the episode ends, and at the end of the rollout, where the bootstrap
    $V(s'_t)$ in the last $\delta_t$ stands for everything that comes later.
    Writing $e_t$ for `episode_ends`, the sum is computed backwards in time with the recursion

    $$\hat{A}_t = \delta_t + \gamma \lambda (1 - e_t) \hat{A}_{t+1}$$

    starting from $\hat{A}_T = 0$ after the last step $T - 1$ of the rollout.

    Returns the advantages $\hat{A}_t$, of shape `[steps, envs]`.
    """

    # Number of steps $T$ in the rollout
    num_steps = rewards.shape[0]
    # Keep $1 - d_t$ and $1 - e_t$ as floating point masks
    not_terminated = 1.0 - terminated.to(rewards.dtype)
    not_ended = 1.0 - episode_ends.to(rewards.dtype)

    # $\delta_t = r_t + \gamma (1 - d_t) V(s'_t) - V(s_t)$ for every step at once
    deltas = rewards + gamma * not_terminated * next_values - values

    # The advantages $\hat{A}_t$, filled in from the last step backwards
    advantages = torch.zeros_like(deltas)
    # $\hat{A}_{t+1}$ of the step after the current one; $\hat{A}_T = 0$
    next_advantage = torch.zeros_like(deltas[0])
    for t in reversed(range(num_steps)):
        # $\hat{A}_t = \delta_t + \gamma \lambda (1 - e_t) \hat{A}_{t+1}$
        next_advantage = deltas[t] + gamma * lambda_ * not_ended[t] * next_advantage
        advantages[t] = next_advantage

    return advantages
