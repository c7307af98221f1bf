r"""
---
title: PPO actor-critic model for Atari
summary: The Nature DQN convolutional network with a policy head and a value head, annotated.
---

# Actor-critic model for Atari

The model maps a stack of four $84 \times 84$ grayscale frames (from the [Atari environment](atari.py))
to two outputs:

* the policy $\pi_\theta(a|s)$, a categorical distribution over the game's actions, given by its logits;
* the value $V_\theta(s)$, the expected discounted return from this observation.

Both heads share one convolutional trunk: the network of the
[Nature DQN paper](https://www.nature.com/articles/nature14236), which the [PPO](https://arxiv.org/abs/1707.06347)
of OpenAI Baselines uses for Atari.
Sharing the trunk is why PPO optimizes one combined loss (see the [trainer](trainer.py)):
the policy and the value function train the same features.
"""

import math

import torch
from torch import nn

from .config import ConfigError


def orthogonal_init(layer: nn.Module, gain: float) -> nn.Module:
    r"""
    ## Orthogonal initialization

    Initialize the weights of `layer` with a random orthogonal matrix scaled by `gain`, and its bias with zero.
    An orthogonal matrix preserves the norm of its input (a non-square one preserves it on the subspace it
    keeps), so activations neither explode nor vanish through the layers at the start of training. The gains follow the PPO of OpenAI Baselines.
    """

    # Random orthogonal weights, scaled by `gain`
    nn.init.orthogonal_(layer.weight, gain)
    # Zero biases
    nn.init.zeros_(layer.bias)
    return layer


class ActorCritic(nn.Module):
    r"""
    ## The network

    `num_actions` is the size of the game's action set, so the same model works for every game.
    With `channels_last`, the frames and the convolution weights are stored channels-last in memory,
    which made the update about twice as fast on the CPU of our benchmark (`benchmarks/ppo_throughput.py`);
    the results are the same up to rounding. See `prepare`.
    """

    def __init__(self, num_actions: int, frame_stack: int = 4, channels_last: bool = True):
        super().__init__()
        self.channels_last = channels_last

        # $\sqrt{2}$ is the gain for layers followed by a ReLU
        relu_gain = math.sqrt(2)
        # The Nature DQN trunk: $4 \times 84 \times 84$ frames in, 512 features out
        self.trunk = nn.Sequential(
            # 32 filters of $8 \times 8$ with stride 4 give $32 \times 20 \times 20$
            orthogonal_init(nn.Conv2d(frame_stack, 32, kernel_size=8, stride=4), relu_gain),
            nn.ReLU(),
            # 64 filters of $4 \times 4$ with stride 2 give $64 \times 9 \times 9$
            orthogonal_init(nn.Conv2d(32, 64, kernel_size=4, stride=2), relu_gain),
            nn.ReLU(),
            # 64 filters of $3 \times 3$ with stride 1 give $64 \times 7 \times 7$
            orthogonal_init(nn.Conv2d(64, 64, kernel_size=3, stride=1), relu_gain),
            nn.ReLU(),
            # Flatten to $64 \cdot 7 \cdot 7 = 3136$ features
            nn.Flatten(),
            # A fully connected layer of 512 units
            orthogonal_init(nn.Linear(64 * 7 * 7, 512), relu_gain),
            nn.ReLU(),
        )
        # The policy head gives one logit per action. The small gain $0.01$ makes all logits
        # nearly equal at the start, so the first policy is close to uniform and explores.
        self.policy_head = orthogonal_init(nn.Linear(512, num_actions), 0.01)
        # The value head gives $V_\theta(s)$; gain $1$
        self.value_head = orthogonal_init(nn.Linear(512, 1), 1.0)
        # Store the convolution weights channels-last, like the frames
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def prepare(self, observations: torch.Tensor) -> torch.Tensor:
        r"""
        ### Preparing the frames

        `observations` are `uint8` frames of shape `[batch, 4, 84, 84]`. Returns them as floats scaled from
        $[0, 255]$ to $[0, 1]$, in the model's memory layout. This reads and writes every pixel, so the
        [trainer](trainer.py) prepares the frames of a rollout once per update and then takes its minibatches
        from them, instead of preparing every minibatch again in every epoch.
        """

        # In the channels-last layout, the 4 values of a pixel (one per frame) lie next to each other in memory.
        # The convolutions of oneDNN, PyTorch's CPU backend, run faster on this layout.
        # We reorder the bytes before converting them to floats: a byte is a quarter of a float, so this moves
        # a quarter of the memory that reordering the floats afterwards would move
        if self.channels_last:
            observations = observations.contiguous(memory_format=torch.channels_last)
        # Scale the pixels from $[0, 255]$ to $[0, 1]$; the floats keep the layout of the bytes
        return observations / 255.0

    def forward(self, observations: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        r"""
        ### Forward pass

        `observations` are `uint8` frames of shape `[batch, 4, 84, 84]`, or frames that `prepare` has already
        scaled. Returns the policy logits, `[batch, num_actions]`, and the values $V_\theta(s)$, `[batch]`.
        """

        # Frames scaled to $[0, 1]$ unless they are already, then the network
        if observations.dtype == torch.uint8:
            observations = self.prepare(observations)
        return self.forward_prepared(observations)

    def forward_prepared(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The forward pass on frames that `prepare` has already scaled."""

        # The shared features
        features = self.trunk(x)
        # Logits of $\pi_\theta(a|s)$
        logits = self.policy_head(features)
        # $V_\theta(s)$, without the trailing dimension of size 1
        values = self.value_head(features).squeeze(-1)
        return logits, values


def select_device(name: str) -> torch.device:
    """The torch device to run the model on: `auto` picks CUDA when it is available, otherwise the CPU."""

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise ConfigError(f"--device: unknown device {name!r}") from error
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"--device {name}: CUDA is not available on this machine")
    return device
