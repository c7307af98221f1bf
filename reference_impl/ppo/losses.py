r"""
---
title: PPO losses
summary: The clipped surrogate objective and the clipped value loss of PPO, with the diagnostics of an update, annotated.
---

# PPO losses

This module holds the two clipped terms of the loss of
[Proximal Policy Optimization](https://arxiv.org/abs/1707.06347), and the numbers that tell us how an update went:

* the clipped surrogate objective for the policy,
* the clipped value loss for the value function,
* the approximate KL divergence and the clip fraction, which tell how far an update moved the policy,
* the explained variance, which tells how well the value function predicts the returns.

The [trainer](trainer.py) computes these on each minibatch, using the advantages from [GAE](gae.py),
and adds the entropy bonus, which keeps the policy from becoming deterministic too early.
"""

from dataclasses import dataclass

import torch


def normalize_advantages(advantages: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    r"""
    ## Advantage normalization

    The scale of the advantages depends on the game and changes during training.
    To make the step size of the policy update independent of it, we normalize the advantages of each
    minibatch to zero mean and unit standard deviation:

    $$\bar{A}_t = \frac{\hat{A}_t - \mu}{\sigma + \epsilon}$$

    where $\mu$ and $\sigma$ are the mean and the (Bessel-corrected) standard deviation over the minibatch,
    and $\epsilon = 10^{-8}$ avoids a division by zero.
    """

    # $\frac{\hat{A}_t - \mu}{\sigma + \epsilon}$
    return (advantages - advantages.mean()) / (advantages.std() + eps)


@dataclass
class PolicyLoss:
    """The policy loss of a minibatch and its diagnostics."""

    loss: torch.Tensor
    r"""$-L^{CLIP}(\theta)$, to be minimized; it carries gradients."""
    approx_kl: torch.Tensor
    r"""Estimate of $\mathrm{KL}(\pi_{\theta_{old}} \| \pi_\theta)$, without gradient."""
    clip_fraction: torch.Tensor
    r"""Fraction of samples whose ratio lies outside $[1 - \epsilon, 1 + \epsilon]$, without gradient."""


def clipped_policy_loss(
    log_probs: torch.Tensor,
    old_log_probs: torch.Tensor,
    advantages: torch.Tensor,
    clip: float,
) -> PolicyLoss:
    r"""
    ## Policy loss: the clipped surrogate objective

    We collected the samples with the old policy $\pi_{\theta_{old}}$ and now update $\pi_\theta$.
    The probability ratio

    $$r_t(\theta) = \frac{\pi_\theta(a_t|s_t)}{\pi_{\theta_{old}}(a_t|s_t)}$$

    re-weights the old samples for the new policy. The plain surrogate objective
    $\mathbb{E}_t\big[r_t(\theta) \hat{A}_t\big]$ has the same gradient as the policy gradient objective
    at $\theta = \theta_{old}$, but maximizing it far away from $\theta_{old}$ leads to destructively large updates.

    PPO removes the incentive to move $r_t(\theta)$ outside the interval $[1 - \epsilon, 1 + \epsilon]$:

    $$L^{CLIP}(\theta) = \mathbb{E}_t \Big[ \min \big( r_t(\theta) \bar{A}_t,\ \mathrm{clip}(r_t(\theta), 1 - \epsilon, 1 + \epsilon) \bar{A}_t \big) \Big]$$

    Here $\bar{A}_t$ are the advantages passed in (the trainer passes normalized ones) and $\epsilon$ is `clip`.

    * Inside the interval, both terms are equal, and $L^{CLIP}$ is the plain surrogate.
    * If $\bar{A}_t > 0$ and $r_t(\theta) > 1 + \epsilon$, the action is already more likely than the clip
      allows; the minimum picks the constant clipped term, so the gradient is zero.
    * If $\bar{A}_t < 0$ and $r_t(\theta) < 1 - \epsilon$, likewise: the gradient is zero.
    * In the other two cases the unclipped term is smaller, so the minimum keeps it and the gradient
      pulls $r_t(\theta)$ back towards the interval. So $L^{CLIP}$ is a lower bound on the unclipped objective
      $\mathbb{E}_t\big[r_t(\theta) \bar{A}_t\big]$: it counts a change of the policy when it makes the objective
      worse, and ignores it beyond the interval when it makes it better.

    We return $-L^{CLIP}(\theta)$ because the optimizer minimizes.

    ### Diagnostics

    The approximate KL divergence between the old and the new policy uses the estimator

    $$\mathrm{KL}(\pi_{\theta_{old}} \| \pi_\theta) \approx \mathbb{E}_t \big[ (r_t(\theta) - 1) - \log r_t(\theta) \big]$$

    which is unbiased and never negative. The clip fraction is the fraction of samples with
    $|r_t(\theta) - 1| > \epsilon$. If either grows large, the updates are too big.
    """

    # $\log r_t(\theta) = \log \pi_\theta(a_t|s_t) - \log \pi_{\theta_{old}}(a_t|s_t)$
    log_ratio = log_probs - old_log_probs
    # $r_t(\theta)$
    ratio = log_ratio.exp()
    # $r_t(\theta) \bar{A}_t$
    surrogate = ratio * advantages
    # $\mathrm{clip}(r_t(\theta), 1 - \epsilon, 1 + \epsilon) \bar{A}_t$
    clipped_surrogate = ratio.clamp(1.0 - clip, 1.0 + clip) * advantages
    # $-L^{CLIP}(\theta)$, the mean over the minibatch standing in for $\mathbb{E}_t$
    loss = -torch.min(surrogate, clipped_surrogate).mean()

    # The diagnostics must not add to the gradient
    with torch.no_grad():
        # $\mathbb{E}_t \big[ (r_t(\theta) - 1) - \log r_t(\theta) \big]$
        approx_kl = ((ratio - 1.0) - log_ratio).mean()
        # Fraction of samples with $|r_t(\theta) - 1| > \epsilon$
        clip_fraction = ((ratio - 1.0).abs() > clip).float().mean()

    return PolicyLoss(loss, approx_kl, clip_fraction)


def clipped_value_loss(
    values: torch.Tensor,
    old_values: torch.Tensor,
    returns: torch.Tensor,
    clip: float,
    clip_values: bool = True,
) -> torch.Tensor:
    r"""
    ## Value loss

    The value function learns to predict the return targets $R_t = \hat{A}_t + V_{\theta_{old}}(s_t)$,
    the GAE advantage plus the value that was used to compute it (a $\lambda$-return).
    The plain loss is the squared error $\big(V_\theta(s_t) - R_t\big)^2$.

    Like the policy, the value function should not move too far from its old prediction
    $V_{\theta_{old}}(s_t)$ in one update. The clipped prediction

    $$V^{CLIP}_\theta(s_t) = V_{\theta_{old}}(s_t) + \mathrm{clip}\big(V_\theta(s_t) - V_{\theta_{old}}(s_t), -\epsilon, +\epsilon\big)$$

    stays within $\epsilon$ of the old one, and the loss takes the larger of the two errors:

    $$L^{VF}(\theta) = \frac{1}{2} \mathbb{E}_t \Big[ \max \big( (V_\theta(s_t) - R_t)^2,\ (V^{CLIP}_\theta(s_t) - R_t)^2 \big) \Big]$$

    While $V_\theta(s_t)$ stays within $\epsilon$ of $V_{\theta_{old}}(s_t)$, both errors are equal
    and this is the plain squared error. Outside that range, if the clipped error is the larger one,
    the maximum picks it; it does not depend on $\theta$, so the gradient is zero.
    This clipping is not in the PPO paper. It comes from the PPO of OpenAI Baselines (`ppo2`), and most
    Atari implementations use it. With `clip_values=False` the loss is
    $\frac{1}{2} \mathbb{E}_t \big[(V_\theta(s_t) - R_t)^2\big]$.
    """

    # $(V_\theta(s_t) - R_t)^2$
    squared_error = (values - returns) ** 2
    if not clip_values:
        # $\frac{1}{2} \mathbb{E}_t \big[(V_\theta(s_t) - R_t)^2\big]$
        return 0.5 * squared_error.mean()
    # $V^{CLIP}_\theta(s_t) = V_{\theta_{old}}(s_t) + \mathrm{clip}\big(V_\theta(s_t) - V_{\theta_{old}}(s_t), -\epsilon, +\epsilon\big)$
    clipped_values = old_values + (values - old_values).clamp(-clip, clip)
    # $(V^{CLIP}_\theta(s_t) - R_t)^2$
    clipped_squared_error = (clipped_values - returns) ** 2
    # $\frac{1}{2} \mathbb{E}_t \big[ \max(\cdot, \cdot) \big]$
    return 0.5 * torch.max(squared_error, clipped_squared_error).mean()


def explained_variance(predictions: torch.Tensor, targets: torch.Tensor) -> float:
    r"""
    ## Explained variance

    How much of the variance of the return targets the value function explains:

    $$1 - \frac{\mathrm{Var}[R - V]}{\mathrm{Var}[R]}$$

    $1$ is a perfect prediction, $0$ is no better than predicting the mean, and a negative value is worse than that.
    It is `nan` when the targets have no variance.
    """

    # $\mathrm{Var}[R]$
    target_variance = targets.var()
    if target_variance == 0:
        return float("nan")
    # $1 - \mathrm{Var}[R - V] / \mathrm{Var}[R]$
    return float(1.0 - (targets - predictions).var() / target_variance)
