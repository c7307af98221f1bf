"""The device code paths on the CPU (`--device cpu`): the rollout on the model's device, `--compile` and
`--precision bf16`."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from reference_impl.ppo.checkpoint import config_for_resume
from reference_impl.ppo.config import Config, ConfigError
from reference_impl.ppo.trainer import Trainer

TINY = Config(env_id="ALE/Pong-v5", num_envs=2, num_steps=8, num_epochs=1, num_minibatches=2, progress=False,
              device="cpu", torch_threads=1)


def test_rollout_lives_on_the_model_device_with_uint8_frames(tmp_path):
    trainer = Trainer(dataclasses.replace(TINY, out=str(tmp_path)))
    rollout = trainer.rollout()
    trainer.games.close()
    assert rollout["observations"].dtype == torch.uint8
    assert rollout["observations"].shape == (8, 2, 4, 84, 84)
    assert {tensor.device for tensor in rollout.values() if isinstance(tensor, torch.Tensor)} == {trainer.device}
    # The last frames of the rollout are the games' observations before the last step
    assert rollout["observations"][-1].any()


@pytest.mark.slow
def test_compiled_model_acts_and_learns_like_the_eager_one(tmp_path):
    eager = Trainer(dataclasses.replace(TINY, out=str(tmp_path / "eager")))
    compiled = Trainer(dataclasses.replace(TINY, compile=True, out=str(tmp_path / "compiled")))
    assert compiled.act is not compiled.model and compiled.learn is not compiled.model
    # The same initial parameters; the compiled model acts like the eager one on the same frames
    rollout = compiled.rollout()
    frames = rollout["observations"].flatten(0, 1)
    with torch.inference_mode():
        for actual, expected in zip(compiled.act(frames[:2]), eager.model(frames[:2]), strict=True):
            torch.testing.assert_close(actual, expected, rtol=1e-4, atol=1e-5)
    # And one update on the same rollout, in the same minibatches, ends with the same parameters, up to rounding
    eager.generator.set_state(compiled.generator.get_state())
    metrics = compiled.optimize(rollout)
    expected_metrics = eager.optimize(rollout)
    for name in ("policy_loss", "value_loss", "entropy"):
        assert metrics[name] == pytest.approx(expected_metrics[name], rel=1e-3, abs=1e-6)
    for actual, expected in zip(compiled.model.parameters(), eager.model.parameters(), strict=True):
        torch.testing.assert_close(actual, expected, rtol=1e-3, atol=1e-5)
    for trainer in (eager, compiled):
        trainer.games.close()


def test_bf16_runs_the_model_in_bfloat16_and_keeps_float32_state(tmp_path):
    fp32 = Trainer(dataclasses.replace(TINY, out=str(tmp_path / "fp32")))
    bf16 = Trainer(dataclasses.replace(TINY, precision="bf16", out=str(tmp_path / "bf16")))
    # What the first convolution computes in, in the rollout and in the update
    seen: list[torch.dtype] = []
    bf16.model.trunk[0].register_forward_hook(lambda module, inputs, output: seen.append(output.dtype))
    rollout = bf16.rollout()
    assert set(seen) == {torch.bfloat16} and len(seen) >= TINY.num_steps
    assert rollout["log_probs"].dtype == rollout["values"].dtype == torch.float32
    # The update's forward pass, in the same precision on the whole batch, gives back the rollout's
    # log-probabilities: before the first step the probability ratio is 1, up to float32 rounding
    with torch.no_grad(), bf16.autocast():
        logits, _ = bf16.learn(bf16.model.prepare(rollout["observations"].flatten(0, 1)))
    again = torch.log_softmax(logits.float(), -1).gather(-1, rollout["actions"].flatten()[:, None]).squeeze(-1)
    torch.testing.assert_close(again, rollout["log_probs"].flatten(), rtol=0, atol=1e-6)
    before = [parameter.detach().clone() for parameter in bf16.model.parameters()]
    fp32.generator.set_state(bf16.generator.get_state())
    seen.clear()
    metrics = bf16.optimize(rollout)
    expected = fp32.optimize(rollout)
    assert set(seen) == {torch.bfloat16}
    assert all(torch.isfinite(torch.tensor(value)) for value in metrics.values())
    # The parameters, their gradients and Adam's moments stay float32
    for parameter in bf16.model.parameters():
        assert parameter.dtype == parameter.grad.dtype == torch.float32
        assert all(state.dtype == torch.float32 for state in bf16.optimizer.state[parameter].values()
                   if state.dim())
    # The same samples, the same minibatches: the bf16 step goes the way of the float32 one, up to rounding
    step_bf16 = torch.cat([(p - b).flatten() for p, b in zip(bf16.model.parameters(), before, strict=True)])
    step_fp32 = torch.cat([(p - b).flatten() for p, b in zip(fp32.model.parameters(), before, strict=True)])
    assert step_bf16.abs().max() > 0
    assert torch.nn.functional.cosine_similarity(step_bf16, step_fp32, dim=0) > 0.9
    assert metrics["entropy"] == pytest.approx(expected["entropy"], rel=1e-2)
    for trainer in (fp32, bf16):
        trainer.games.close()


def test_precision_is_checked_and_defines_the_run(tmp_path):
    with pytest.raises(ConfigError, match=r"^--precision must be one of fp32, bf16, got 'fp16'$"):
        dataclasses.replace(TINY, precision="fp16").validate()
    checkpoint = {"config": dataclasses.asdict(dataclasses.replace(TINY, precision="bf16"))}
    with pytest.raises(ConfigError, match=r"--precision cannot change when resuming \(run/checkpoint.pt has 'bf16'\)"):
        config_for_resume(checkpoint, "run/checkpoint.pt", {"precision": "fp32"})
    assert config_for_resume(checkpoint, "run/checkpoint.pt", {}).precision == "bf16"
