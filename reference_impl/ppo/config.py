r"""
---
title: PPO configuration
summary: Every hyperparameter of PPO on Atari in one typed dataclass, with the standard Atari defaults.
---

# Configuration

All settings of a training run live in one dataclass, `Config`. The defaults are the standard Atari settings
of the baselines implementation of PPO, which CleanRL also uses: 8 environments times 128 steps per rollout,
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
    """Clip the value loss as the baselines implementation does."""
    normalize_advantages: bool = True
    """Normalize the advantages of each minibatch to zero mean and unit standard deviation."""
    entropy_coef: float = 0.01
    """Weight c2 of the entropy bonus."""
    value_coef: float = 0.5
    """Weight c1 of the value loss."""
    max_grad_norm: float = 0.5
    """Clip the global norm of the gradient to this value."""

    noop_max: int = 30
    """Maximum number of no-op actions at the start of a game."""
    repeat_action_probability: float = 0.0
    """Probability that the game repeats the previous action (sticky actions); 0 as in the published results."""
    life_loss_ends_episode: bool = True
    """Treat the loss of a life as the end of an episode for learning (the game goes on)."""
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
                     "return_window", "max_episode_frames"):
            value = getattr(self, name)
            if value <= 0:
                raise ConfigError(f"--{flag(name)} must be a positive number, got {value}")
        # The rollout must split into equal minibatches
        if self.batch_size % self.num_minibatches:
            raise ConfigError(
                f"the batch of num_envs * num_steps = {self.num_envs} * {self.num_steps} = {self.batch_size} samples "
                f"does not divide into --num-minibatches {self.num_minibatches}"
            )
        # Ranges of the other settings
        if not 0.0 <= self.gamma <= 1.0 or not 0.0 <= self.gae_lambda <= 1.0:
            raise ConfigError("--gamma and --gae-lambda must lie in [0, 1]")
        if not 0.0 <= self.repeat_action_probability < 1.0:
            raise ConfigError("--repeat-action-probability must lie in [0, 1)")
        if self.learning_rate <= 0 or self.clip <= 0 or self.max_grad_norm <= 0 or self.adam_eps <= 0:
            raise ConfigError("--learning-rate, --clip, --max-grad-norm and --adam-eps must be positive")
        if self.noop_max < 0 or self.torch_threads < 0:
            raise ConfigError("--noop-max and --torch-threads must not be negative")


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
