r"""
---
title: Frames and actions between the games and the GPU
summary: What crosses between the CPU, where the Atari games run, and the GPU, where the model runs, at each step.
---

# Between the games and the device

The [Atari games](atari.py) run on the CPU and the model may run on a GPU. On a GPU, the [trainer](trainer.py)
keeps the whole rollout on the device: the frames as `uint8` (a quarter of the memory of floats), the actions,
their log-probabilities and the values. At each step only two things cross: the observations of the step go to
the device, and the sampled actions come back, because the games need them. The rewards and episode ends stay on
the CPU until the rollout is over, and then cross once. (A game stopped by its time limit also sends its final
observation, to bootstrap from; that is rare.)

Both copies go through *pinned* (page-locked) host memory, which the GPU reads and writes directly, and both are
`non_blocking`: the CPU queues the copy and goes on. The copy to the device then overlaps with whatever the CPU
does next; the copy back must be waited for, since the games cannot step without their actions.

On the CPU, there is nothing to move: the frames are copied into the rollout once and the actions are read in place.
"""

import numpy as np
import torch


class Transfer:
    """The copies of one step between the games (NumPy arrays on the host) and the model's `device`."""

    def __init__(self, device: torch.device):
        self.device = device
        self.pinned = device.type == "cuda"
        # The pinned staging buffers, made at the first copy, when their shapes are known
        self.frames: torch.Tensor | None = None
        self.actions: torch.Tensor | None = None

    def upload(self, observations: np.ndarray, out: torch.Tensor) -> None:
        """Copy the observations of a step into `out`, a tensor on the device (a slice of the rollout)."""

        if not self.pinned:
            out.copy_(torch.from_numpy(observations))
            return
        if self.frames is None:
            self.frames = torch.empty(observations.shape, dtype=torch.uint8, pin_memory=True)
        # The staging buffer is free again: the last `download` waited for everything queued before it,
        # this buffer's previous copy included
        self.frames.copy_(torch.from_numpy(observations))
        out.copy_(self.frames, non_blocking=True)

    def download(self, actions: torch.Tensor) -> np.ndarray:
        """The actions of a step, from the device, as a NumPy array for the games; it waits for the copy."""

        if not self.pinned:
            return actions.numpy()
        if self.actions is None:
            self.actions = torch.empty(actions.shape, dtype=actions.dtype, pin_memory=True)
        self.actions.copy_(actions, non_blocking=True)
        # Wait for the copy, and for the forward pass and the sampling queued before it
        torch.cuda.current_stream(self.device).synchronize()
        return self.actions.numpy()
