r"""
---
title: PPO command line
summary: The command line of the PPO trainer, generated from the configuration dataclass.
---

# Command line

Two commands:

```bash
python -m reference_impl.ppo train --env ALE/Breakout-v5 --total-steps 10000000 --seed 1 --out runs/breakout
python -m reference_impl.ppo evaluate runs/breakout/checkpoint.pt --episodes 10
```

`train` offers every field of the [configuration](config.py) as a flag, with the field's docstring as its help;
`--env` is short for `--env-id`. `train --resume CHECKPOINT` continues a run from a checkpoint of the
[trainer](trainer.py), and writes beside it unless `--out` is given. `evaluate` plays full games with a checkpoint's policy (see [evaluation](evaluate.py)).
Bad input stops the command with a one-line error before any work starts.
"""

import argparse
import os
import sys
from collections.abc import Sequence

from .config import Config, ConfigError, field_docs, fields, flag


def _add_config_arguments(parser: argparse.ArgumentParser) -> None:
    # One flag per field of `Config`; an absent flag is absent from the parsed namespace,
    # so that a resumed run can tell which settings were given
    docs = field_docs()
    defaults = Config()
    for config_field in fields():
        name = config_field.name
        names = [f"--{flag(name)}"] + (["--env"] if name == "env_id" else [])
        help_text = f"{docs.get(name, '')} (default: {getattr(defaults, name)})"
        if config_field.type is bool:
            parser.add_argument(*names, dest=name, action=argparse.BooleanOptionalAction,
                                default=argparse.SUPPRESS, help=help_text)
        else:
            parser.add_argument(*names, dest=name, type=config_field.type, default=argparse.SUPPRESS,
                                metavar=flag(name).upper().replace("-", "_"), help=help_text)


def build_parser() -> argparse.ArgumentParser:
    """The parser of `python -m reference_impl.ppo`."""

    parser = argparse.ArgumentParser(prog="python -m reference_impl.ppo", description="PPO with GAE on Atari.")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train an agent", description="Train a PPO agent on an Atari game.")
    train.add_argument("--resume", metavar="CHECKPOINT", help="continue the run saved in this checkpoint")
    _add_config_arguments(train)

    evaluate = commands.add_parser("evaluate", help="play games with a trained agent",
                                   description="Play full games with the policy of a checkpoint.")
    evaluate.add_argument("checkpoint", help="a checkpoint written by train")
    evaluate.add_argument("--episodes", type=int, default=10, help="number of games to play (default: 10)")
    evaluate.add_argument("--num-envs", type=int, default=8, help="games played in parallel (default: 8)")
    evaluate.add_argument("--seed", type=int, default=0, help="seed of the games and of the sampling (default: 0)")
    evaluate.add_argument("--greedy", action="store_true", help="take the most likely action instead of sampling")
    evaluate.add_argument("--device", default="auto", help="torch device (default: auto)")
    evaluate.add_argument("--env", dest="env_id", default=None, help="check that the checkpoint is for this game")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""

    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args)
        return _evaluate(args)
    except ConfigError as error:
        # Under torchrun every rank finds the same mistake: rank 0 reports it
        if os.environ.get("RANK", "0") == "0":
            print(f"error: {error}", file=sys.stderr)
        return 2


def _train(args: argparse.Namespace) -> int:
    # The settings given on the command line
    given = {config_field.name: getattr(args, config_field.name) for config_field in fields()
             if hasattr(args, config_field.name)}
    if not args.resume:
        # Check the settings and the game id before loading PyTorch, so that a mistake is reported at once
        from .atari import rom_name

        config = Config(**given)
        config.validate()
        rom_name(config.env_id)

    from . import distributed
    from .trainer import RunStopped, Trainer

    trainer = Trainer.from_checkpoint(args.resume, given) if args.resume else Trainer(config)
    # Under torchrun, rank 0 speaks for the run
    say = print if trainer.ranks.main else (lambda *args, **kwargs: None)
    if args.resume:
        say(f"resuming {trainer.config.env_id} at update {trainer.update} from {args.resume}", file=sys.stderr)
    try:
        completed = trainer.train()
    except RunStopped as stopped:
        # A diverged model, a failed write, a second Ctrl-C or a failed rank: one line that says what is kept
        print(f"error: {stopped}", file=sys.stderr)
        return stopped.exit_status
    finally:
        trainer.games.close()
        distributed.leave(trainer.ranks)
    checkpoint = trainer.out / "checkpoint.pt"
    if not completed:
        say(f"interrupted: checkpoint saved to {checkpoint}; continue with --resume {checkpoint}", file=sys.stderr)
        return 130
    say(f"done: {trainer.global_step} steps; checkpoint {checkpoint}, metrics {trainer.out / 'metrics.csv'}",
          file=sys.stderr)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate

    if args.num_envs <= 0:
        raise ConfigError(f"--num-envs must be a positive number, got {args.num_envs}")
    result = evaluate(args.checkpoint, args.episodes, num_envs=args.num_envs, seed=args.seed, greedy=args.greedy,
                      device=args.device, env_id=args.env_id)
    for index, (game_return, length) in enumerate(zip(result.returns, result.lengths, strict=True), 1):
        print(f"game {index}: return {game_return:g}, length {length} steps")
    print(f"mean return over {len(result.returns)} games: {result.mean_return:.2f}")
    return 0
