r"""
---
title: PPO across processes and machines
summary: How the trainer runs under torchrun - one process per rank, its own games, gradients averaged by DDP.
---

# Training on several processes

The same command runs on one process or on many, under PyTorch's launcher:

```bash
torchrun --nproc_per_node 4 -m reference_impl.ppo train --env ALE/Pong-v5 --out runs/pong
```

`torchrun` starts one process per *rank* and tells each one its rank, the number of ranks (the *world size*) and
where to meet the others, in environment variables. Each rank then:

* plays its own `num_envs` games, seeded differently from the other ranks, so the ranks collect different
  experience;
* keeps an identical copy of the model. `DistributedDataParallel` (DDP) averages the gradients of all ranks
  during the backward pass, so every rank takes the same Adam step and the copies stay identical;
* normalizes its advantages with the mean and standard deviation of the whole minibatch, over all ranks, so that
  $N$ ranks with $E$ games each compute the gradient of one rank with $N \cdot E$ games.

Rank 0 alone writes the checkpoints, `metrics.csv` and TensorBoard; the metrics are averaged over the ranks, and
the finished games of all ranks are logged. The gradients travel over `nccl` between GPUs and over `gloo`
otherwise; all other exchanges (metrics, games, checkpoints) are small and go over `gloo`.

This module holds what the [trainer](trainer.py) needs for that; without `torchrun` it is a single rank and every
function here does nothing, or returns its input.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from .config import ConfigError
from .losses import normalize_advantages

T = TypeVar("T")


@dataclass(frozen=True)
class Ranks:
    """Where this process stands among the ranks of a run: one rank of one, unless `torchrun` started it."""

    rank: int = 0
    """This process's rank, from 0 to `world_size - 1`."""
    world_size: int = 1
    """The number of ranks."""
    local_rank: int = 0
    """This process's rank on its own machine; it picks the GPU."""
    group: Any = None
    """The `gloo` process group for everything but the gradients."""

    @property
    def main(self) -> bool:
        """Rank 0: the one that writes the files."""
        return self.rank == 0

    def device(self, device: torch.device) -> torch.device:
        """The GPU of this rank when `device` is CUDA without an index (one GPU per rank on each machine), made the
        current one; `device` itself otherwise."""
        if device.type == "cuda" and device.index is None and self.world_size > 1:
            device = torch.device("cuda", self.local_rank)
        if device.type == "cuda" and device.index is not None:
            torch.cuda.set_device(device)
        return device


def join() -> Ranks:
    r"""
    ## Joining the other ranks

    `torchrun` sets `WORLD_SIZE`, `RANK`, `LOCAL_RANK` and the address of the rendezvous; without them, this is a
    single process. The ranks first meet in a `gloo` group, which carries the small exchanges. On GPUs,
    `wrap` adds an `nccl` group for the gradients: `nccl` is fast between GPUs but carries only
    tensors on a GPU, not the Python objects of the small exchanges.
    """

    if int(os.environ.get("WORLD_SIZE", "1")) == 1:
        return Ranks()
    # A process joins once; a second trainer in the same process (a resumed run) uses the same group
    if not dist.is_initialized():
        dist.init_process_group("gloo")
    return Ranks(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", "0")), dist.group.WORLD)


def leave(ranks: Ranks) -> None:
    """Leave the process group at the end of a run."""

    if ranks.world_size > 1 and dist.is_initialized():
        dist.destroy_process_group()


def rank_seed(seed: int, rank: int) -> int:
    r"""
    ## Seeds

    Rank 0 uses the run's seed, so a run on one rank is the run it always was. Every other rank draws its seed from
    the pair (seed, rank) with NumPy's `SeedSequence`, which makes the ranks' streams independent; `seed + rank`
    would make rank 1 of seed 1 replay rank 0 of seed 2.
    """

    if rank == 0:
        return seed
    return int(np.random.SeedSequence([seed, rank]).generate_state(1, dtype=np.uint32)[0] >> 1)


def wrap(module: torch.nn.Module, ranks: Ranks, device: torch.device) -> torch.nn.Module:
    r"""
    ## Averaging the gradients

    `module` in `DistributedDataParallel`, or `module` itself on one rank. DDP hooks into the backward pass: as the
    gradients of a group of parameters are ready, it starts their all-reduce, so that the exchange overlaps with the
    rest of the backward pass, and divides the sums by the number of ranks. Every rank then holds the same averaged
    gradient, and the same Adam step keeps the parameters identical. DDP sees only the calls of its own forward,
    which is why the [trainer](trainer.py) calls the wrapped module in the update.
    """

    if ranks.world_size == 1:
        return module
    if device.type == "cuda":
        # Every rank creates the group, in the same order
        return DistributedDataParallel(module, device_ids=[device.index], process_group=dist.new_group(backend="nccl"))
    return DistributedDataParallel(module)


def sum_over_ranks(values: torch.Tensor, ranks: Ranks) -> torch.Tensor:
    """The element-wise sum of `values` over all ranks (a copy of `values` on one rank), on `values`'s device."""

    if ranks.world_size == 1:
        return values.clone()
    total = values.detach().to("cpu", torch.float64)
    dist.all_reduce(total, group=ranks.group)
    return total.to(values.device, values.dtype)


def normalize_over_ranks(advantages: torch.Tensor, ranks: Ranks) -> torch.Tensor:
    r"""
    ### Advantages normalized over all ranks

    The minibatch of a gradient step is the union of the ranks' minibatches, $n$ samples in all. Its mean and
    unbiased standard deviation come from the sums of $\hat{A}_i$ and $\hat{A}_i^2$ over all ranks, in double
    precision:

    $$\mu = \frac{1}{n} \sum_i \hat{A}_i \qquad \sigma^2 = \frac{1}{n - 1} \Big( \sum_i \hat{A}_i^2 - n \mu^2 \Big)$$

    and each rank returns $(\hat{A}_i - \mu) / (\sigma + 10^{-8})$ for its own samples. On one rank this is
    [`normalize_advantages`](losses.py).
    """

    if ranks.world_size == 1:
        return normalize_advantages(advantages)
    flat = advantages.detach().double()
    # $n$, $\sum_i \hat{A}_i$ and $\sum_i \hat{A}_i^2$ over all ranks
    count, total, squares = sum_over_ranks(
        torch.stack([torch.tensor(float(flat.numel()), dtype=torch.float64, device=flat.device), flat.sum(),
                     flat.square().sum()]),
        ranks,
    ).tolist()
    mean = total / count
    std = max((squares - count * mean * mean) / (count - 1), 0.0) ** 0.5
    return (advantages - mean) / (std + 1e-8)


def mean_over_ranks(values: dict[str, float], ranks: Ranks) -> dict[str, float]:
    """The mean of each value over the ranks, in one exchange."""

    if ranks.world_size == 1:
        return dict(values)
    names = sorted(values)
    means = sum_over_ranks(torch.tensor([values[name] for name in names], dtype=torch.float64), ranks) / ranks.world_size
    return dict(zip(names, means.tolist(), strict=True))


def any_rank(flag: bool, ranks: Ranks) -> bool:
    """True on every rank if `flag` is true on any: the ranks must stop at the same update, or they would wait for
    each other forever."""

    if ranks.world_size == 1:
        return flag
    return bool(sum_over_ranks(torch.tensor([float(flag)]), ranks).item() > 0)


def gather(value: Any, ranks: Ranks) -> list[Any]:
    """Every rank's `value`, in rank order, on every rank (`[value]` on one rank)."""

    if ranks.world_size == 1:
        return [value]
    values: list[Any] = [None] * ranks.world_size
    dist.all_gather_object(values, value, group=ranks.group)
    return values


def gather_to_main(value: Any, ranks: Ranks) -> list[Any] | None:
    """Every rank's `value`, in rank order, on rank 0; `None` on the other ranks."""

    if ranks.world_size == 1:
        return [value]
    values: list[Any] | None = [None] * ranks.world_size if ranks.main else None
    dist.gather_object(value, values, dst=0, group=ranks.group)
    return values


def from_main(produce: Callable[[], T], ranks: Ranks) -> T:
    """`produce()`, computed on rank 0 and sent to every rank: a checkpoint that only rank 0's machine holds.
    A `ConfigError` travels too and is raised on every rank; otherwise the others would wait for a value that never
    comes."""

    if ranks.world_size == 1:
        return produce()
    box: list[Any] = [None]
    if ranks.main:
        try:
            box[0] = produce()
        except ConfigError as error:
            box[0] = error
    dist.broadcast_object_list(box, src=0, group=ranks.group)
    if isinstance(box[0], ConfigError):
        raise box[0]
    return box[0]
