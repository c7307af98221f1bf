"""The clipped policy and value losses: plain inside the clip range, no gradient where clipping binds."""

import torch

from reference_impl.ppo.losses import clipped_policy_loss, clipped_value_loss, explained_variance, normalize_advantages

CLIP = 0.1


def policy_gradient(ratio: float, advantage: float) -> float:
    log_probs = torch.tensor([float(torch.log(torch.tensor(ratio)))], requires_grad=True)
    loss = clipped_policy_loss(log_probs, torch.zeros(1), torch.tensor([advantage]), CLIP).loss
    loss.backward()
    return float(log_probs.grad[0])


def test_policy_loss_is_the_plain_surrogate_inside_the_clip_range():
    generator = torch.Generator().manual_seed(0)
    old = torch.randn(64, generator=generator)
    ratio = 1.0 + (torch.rand(64, generator=generator) * 2 - 1) * (CLIP * 0.99)
    new = (old + ratio.log()).requires_grad_()
    advantages = torch.randn(64, generator=generator)
    result = clipped_policy_loss(new, old, advantages, CLIP)
    plain = -((new - old).exp() * advantages).mean()
    torch.testing.assert_close(result.loss, plain)
    (grad_clipped,) = torch.autograd.grad(result.loss, new)
    (grad_plain,) = torch.autograd.grad(plain, new)
    torch.testing.assert_close(grad_clipped, grad_plain)
    assert result.clip_fraction == 0


def test_policy_gradient_is_zero_where_clipping_binds():
    # Positive advantage, ratio already above 1 + clip: no incentive to increase it further
    assert policy_gradient(1.3, 2.0) == 0.0
    # Negative advantage, ratio already below 1 - clip: no incentive to decrease it further
    assert policy_gradient(0.7, -2.0) == 0.0


def test_policy_gradient_flows_where_the_unclipped_term_is_smaller():
    # Positive advantage with a ratio below 1 - clip: the gradient raises the probability (loss falls)
    assert policy_gradient(0.7, 2.0) < 0.0
    # Negative advantage with a ratio above 1 + clip: the gradient lowers the probability
    assert policy_gradient(1.3, -2.0) > 0.0


def test_policy_diagnostics():
    log_ratio = torch.tensor([0.0, 0.05, -0.5, 0.5])
    result = clipped_policy_loss(log_ratio, torch.zeros(4), torch.ones(4), CLIP)
    ratio = log_ratio.exp()
    torch.testing.assert_close(result.approx_kl, ((ratio - 1) - log_ratio).mean())
    assert result.approx_kl > 0
    assert float(result.clip_fraction) == 0.5
    same = clipped_policy_loss(torch.zeros(3), torch.zeros(3), torch.ones(3), CLIP)
    assert float(same.approx_kl) == 0.0


def test_value_loss_is_the_plain_squared_error_inside_the_clip_range():
    old = torch.tensor([0.0, 1.0, -2.0])
    values = (old + torch.tensor([0.05, -0.09, 0.0])).requires_grad_()
    returns = torch.tensor([3.0, -1.0, 0.5])
    loss = clipped_value_loss(values, old, returns, CLIP)
    torch.testing.assert_close(loss, 0.5 * ((values - returns) ** 2).mean())
    unclipped = clipped_value_loss(values, old, returns, CLIP, clip_values=False)
    torch.testing.assert_close(loss, unclipped)


def test_value_gradient_is_zero_where_clipping_binds():
    # The value moved beyond the clip range and past the target: the clipped error is larger
    values = torch.tensor([1.5], requires_grad=True)
    loss = clipped_value_loss(values, torch.tensor([0.0]), torch.tensor([1.0]), CLIP)
    torch.testing.assert_close(loss, torch.tensor(0.5 * (0.1 - 1.0) ** 2))
    loss.backward()
    assert float(values.grad[0]) == 0.0


def test_value_gradient_flows_where_the_unclipped_error_is_larger():
    # The value moved beyond the clip range, away from the target: the unclipped error is larger
    values = torch.tensor([-0.5], requires_grad=True)
    loss = clipped_value_loss(values, torch.tensor([0.0]), torch.tensor([1.0]), CLIP)
    torch.testing.assert_close(loss, torch.tensor(0.5 * 1.5**2))
    loss.backward()
    torch.testing.assert_close(values.grad, torch.tensor([-1.5]))


def test_normalized_advantages_and_explained_variance():
    advantages = normalize_advantages(torch.tensor([1.0, 2.0, 3.0, 10.0]))
    torch.testing.assert_close(advantages.mean(), torch.tensor(0.0), atol=1e-6, rtol=0)
    torch.testing.assert_close(advantages.std(), torch.tensor(1.0), atol=1e-6, rtol=0)
    targets = torch.tensor([1.0, 2.0, 3.0])
    assert explained_variance(targets, targets) == 1.0
    assert abs(explained_variance(torch.full((3,), 2.0), targets)) < 1e-6
