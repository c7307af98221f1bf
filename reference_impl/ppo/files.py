r"""
---
title: The files of a PPO run
summary: Writing a run's files so that an interrupted write, a full disk or a kill never loses the last good copy.
---

# The files of a run

A run writes its [checkpoints](checkpoint.py) and its [run log](runlog.py) into one folder, `out`.
Every file is written to a temporary file in the same folder first and then renamed over the old one,
so the old copy stays whole until the new one is complete: a crash, a full disk or Ctrl-C during a write
never leaves a broken file behind. A process that is killed during a write leaves its temporary file,
which the next run in the folder removes.
"""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .config import ConfigError

# Temporary files are named `.NAME.RANDOM.tmp`, next to the file `NAME` they replace
TEMPORARY_SUFFIX = ".tmp"


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call `write(file_object)` on a temporary file next to `path`, then rename it over `path`."""

    # The temporary file is in the same folder, so the rename is atomic
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        # `torch.save` hides a failed write behind a `RuntimeError` raised while it closes the file
        failure = error
        while failure is not None and not isinstance(failure, OSError):
            failure = failure.__context__
        if failure is None:
            raise
        # A failed write of the file object names no file: name the one that was being written
        if failure.filename is None:
            failure.filename = str(path)
        raise failure from None


def remove_stale_temporaries(folder: Path, names: list[str]) -> list[Path]:
    """Delete the temporary files that a killed process left for the files `names` in `folder`; returns them."""

    removed = []
    for name in names:
        for stale in folder.glob(f".{name}.*{TEMPORARY_SUFFIX}"):
            stale.unlink(missing_ok=True)
            removed.append(stale)
    return removed


def prepare_folder(folder: Path) -> None:
    """Create `folder` if needed and check that files can be written in it; a `ConfigError` names the problem."""

    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Writing and deleting a probe file is the only sure test: permissions, read-only mounts, /proc
        descriptor, probe = tempfile.mkstemp(dir=folder, prefix=".write-test.", suffix=TEMPORARY_SUFFIX)
        os.close(descriptor)
        os.unlink(probe)
    except OSError as error:
        raise ConfigError(f"--out {folder}: cannot write there ({error.strerror or error})") from error


def write_error(path: Path, error: OSError) -> str:
    """The one-line report of a failed write of `path`, such as a full disk."""

    return f"cannot write {path} ({error.strerror or error})"
