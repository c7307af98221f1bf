r"""
---
title: PPO configuration
summary: Every hyperparameter of PPO on Atari in one typed dataclass, with the standard Atari defaults.
---

# Configuration

All settings of a training run live in one dataclass, `Config`. The defaults are the standard Atari settings
of the PPO of OpenAI Baselines, which CleanRL also uses: 8 environments times 128 steps per rollout,
4 epochs of 4 minibatches, Adam with a learning rate of $2.5 \cdot 10^{-4}$ annealed linearly towards zero,
clipping $\epsilon = 0.1$, value loss weight $c_1 = 0.5$, entropy weight $c_2 = 0.01$, and
$\gamma = 0.99$, $\lambda = 0.95$ for [GAE](gae.py).
They are close to table 5 of the [PPO paper](https://arxiv.org/abs/1707.06347), which uses 3 epochs of
minibatches of 256 samples, $c_1 = 1$, and also anneals the clipping range. Our value loss $L^{VF}$ carries a
factor $\frac{1}{2}$ (see [losses](losses.py)), so $c_1 = 0.5$ weights the squared error by $\frac{1}{4}$.

Each field has a docstring. The [command line](cli.py) reads these docstrings and offers every field as a flag,
so `--num-envs 16` sets `num_envs`. The [trainer](trainer.py) checks a configuration with `validate`
before any work starts.
"""

import ast
import dataclasses
import inspect
import itertools
import math
import os
import textwrap
from dataclasses import dataclass
from functools import cache


class ConfigError(ValueError):
    """Bad input from the user: a setting, a game id or a checkpoint. Reported in one line, before any work starts."""


@dataclass
class Config:
    """The settings of a PPO training run on Atari."""

    env_id: str = "ALE/Breakout-v5"
    """Atari game id from gymnasium's registry, such as ALE/Breakout-v5 or ALE/Pong-v5."""
    total_steps: int = 10_000_000
    """Number of environment steps to train for, summed over all environments (an agent step is 4 frames)."""
    seed: int = 1
    """Seed of all random generators: the model's initialization, the actions, the minibatches and the games."""

    num_envs: int = 8
    """Number of games played in parallel."""
    num_steps: int = 128
    """Steps taken in each environment per rollout; a rollout holds num_envs * num_steps samples."""
    num_epochs: int = 4
    """Passes over each rollout during the update."""
    num_minibatches: int = 4
    """Minibatches per epoch; the rollout must divide into them evenly."""

    learning_rate: float = 2.5e-4
    """Initial learning rate of Adam."""
    anneal_lr: bool = True
    """Decrease the learning rate linearly over the run: update k of K uses lr * (1 - (k - 1) / K)."""
    adam_eps: float = 1e-5
    """Epsilon of Adam, added to the denominator for numerical stability."""
    gamma: float = 0.99
    """Discount factor."""
    gae_lambda: float = 0.95
    """Lambda of generalized advantage estimation."""
    clip: float = 0.1
    """Clipping range epsilon of the policy ratio and of the value change."""
    clip_value_loss: bool = True
    """Clip the value loss as OpenAI Baselines does."""
    normalize_advantages: bool = True
    """Normalize the advantages of each minibatch to zero mean and unit standard deviation."""
    entropy_coef: float = 0.01
    """Weight c2 of the entropy bonus."""
    value_coef: float = 0.5
    """Weight c1 of the value loss."""
    max_grad_norm: float = 0.5
    """Clip the global norm of the gradient to this value."""

    noop_max: int = 30
    """No-op starts: ale-py plays 0 to noop_max - 1 no-op frames at the start of a game (FIRE as the last in games with FIRE)."""
    repeat_action_probability: float = 0.0
    """Probability that the game repeats the previous action (sticky actions); 0 as in the published results."""
    life_loss_ends_episode: bool = True
    """Treat the loss of a life as the end of an episode for learning; the game goes on, after FIRE in games with FIRE."""
    max_episode_frames: int = 108_000
    """Time limit of a game in frames (108,000 frames are 30 minutes)."""

    out: str = "runs/ppo"
    """Folder for the metrics, TensorBoard logs and checkpoints of the run."""
    checkpoint_every: int = 50
    """Write a checkpoint every this many updates (and always at the end)."""
    return_window: int = 20
    """Number of recent games averaged for the return shown in the progress bar."""
    device: str = "auto"
    """Torch device: auto (CUDA when available, otherwise CPU), cpu, cuda or cuda:N."""
    torch_threads: int = 0
    """Number of CPU threads for PyTorch; 0 keeps PyTorch's default."""
    compile: bool = False
    """Compile the model with torch.compile: slow to start, faster on a GPU (see benchmarks/gpu.sh)."""
    precision: str = "fp32"
    """Precision of the model's convolutions and matrix products: fp32, or bf16 (bfloat16 autocast; the parameters, the losses and Adam stay float32). bf16 pays on CPUs with AMX and on recent GPUs."""
    progress: bool = True
    """Show a progress bar."""

    @property
    def batch_size(self) -> int:
        """Samples per rollout: `num_envs * num_steps`."""
        return self.num_envs * self.num_steps

    @property
    def minibatch_size(self) -> int:
        """Samples per minibatch."""
        return self.batch_size // self.num_minibatches

    @property
    def num_updates(self) -> int:
        """Number of rollouts and updates: enough to take at least `total_steps` steps."""
        return -(-self.total_steps // self.batch_size)

    def validate(self) -> None:
        """Raise `ConfigError` for settings that cannot work, naming the setting and the problem."""

        # Counts that must be positive
        for name in ("total_steps", "num_envs", "num_steps", "num_epochs", "num_minibatches", "checkpoint_every",
                     "return_window", "max_episode_frames", "noop_max"):
            value = getattr(self, name)
            if value <= 0:
                raise ConfigError(f"--{flag(name)} must be a positive number, got {value}")
        check_seed("--seed", self.seed)
        # The rollout must split into equal minibatches
        if self.batch_size % self.num_minibatches:
            raise ConfigError(
                f"the batch of num_envs * num_steps = {self.num_envs} * {self.num_steps} = {self.batch_size} samples "
                f"does not divide into --num-minibatches {self.num_minibatches}"
            )
        # The standard deviation of the advantages of a single sample is not defined
        if self.normalize_advantages and self.minibatch_size < 2:
            raise ConfigError(
                f"a minibatch of {self.minibatch_size} sample cannot normalize its advantages: use fewer "
                f"--num-minibatches than the {self.batch_size} samples, or --no-normalize-advantages"
            )
        # Every float must be a finite number in its range; NaN fails every comparison
        for name, (low, high, low_open, high_open) in FLOAT_RANGES.items():
            value = getattr(self, name)
            below = value <= low if low_open else value < low
            above = value >= high if high_open else value > high
            if not math.isfinite(value) or below or above:
                interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
                raise ConfigError(f"--{flag(name)} must be a finite number in {interval}, got {value}")
        if self.precision not in PRECISIONS:
            raise ConfigError(f"--precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        # What this machine can hold and run
        cores = os.cpu_count() or 1
        if not 0 <= self.torch_threads <= cores:
            raise ConfigError(f"--torch-threads must lie in [0, {cores}] (the CPU cores here), got {self.torch_threads}")
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        needed = self.batch_size * BYTES_PER_SAMPLE
        if needed > memory:
            raise ConfigError(
                f"a rollout of --num-envs {self.num_envs} * --num-steps {self.num_steps} samples needs "
                f"{needed / 2**30:,.0f} GiB of memory, more than the {memory / 2**30:,.0f} GiB of this machine"
            )


# The values of `precision`
PRECISIONS = ("fp32", "bf16")

# The range of each float setting: lowest, highest, and whether each end is excluded
FLOAT_RANGES = {
    "learning_rate": (0.0, 1.0, True, False),
    "adam_eps": (0.0, 1.0, True, False),
    "gamma": (0.0, 1.0, False, False),
    "gae_lambda": (0.0, 1.0, False, False),
    "clip": (0.0, 1.0, True, False),
    "entropy_coef": (0.0, math.inf, False, True),
    "value_coef": (0.0, math.inf, False, True),
    "max_grad_norm": (0.0, math.inf, True, True),
    "repeat_action_probability": (0.0, 1.0, False, True),
}

# Memory per sample of a rollout: the frames as bytes, and as floats during the update
BYTES_PER_SAMPLE = 4 * 84 * 84 * (1 + 4)

# Seeds are non-negative 64-bit integers
MAX_SEED = 2**63 - 1


def check_seed(name: str, seed: int) -> None:
    """Raise `ConfigError` unless `seed`, given as the flag `name`, is a seed that every generator accepts."""

    if not 0 <= seed <= MAX_SEED:
        raise ConfigError(f"{name} must lie in [0, 2^63 - 1], got {seed}")


def flag(name: str) -> str:
    """The command-line flag of a field: `num_envs` becomes `num-envs`."""

    return name.replace("_", "-")


@cache
def field_docs() -> dict[str, str]:
    """The docstring of each field of `Config`, read from the source with `ast` (Python does not keep them)."""

    # Parse the class definition
    tree = ast.parse(textwrap.dedent(inspect.getsource(Config)))
    body = tree.body[0].body
    docs: dict[str, str] = {}
    # A field's docstring is the string statement right after its annotated assignment
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = following.value.value.strip()
    return docs


def fields() -> list[dataclasses.Field]:
    """The fields of `Config`, in order."""

    return list(dataclasses.fields(Config))
