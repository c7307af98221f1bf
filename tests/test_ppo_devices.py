"""The device code paths on the CPU (`--device cpu`): the rollout on the model's device, and `--compile`."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from reference_impl.ppo.config import Config
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
