"""Writing files so that nothing is ever half-written: the one way every command writes."""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str, *, sync: bool = True) -> bool:
    """Write `data` (text is UTF-8 with `\\n` line ends) through a temporary file in the same folder.

    A reader sees the old file or the new one, never a part; an unchanged file is not touched (its mtime stays, for
    watchers and incremental builds). The file and then its folder are synced, so the write survives a power loss
    and reaches the disk before any later one; `sync=False` skips that, for files that can be generated again
    (pages, copied assets). Returns whether the file changed.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == payload:
            return False
    except OSError:
        pass  # missing, or unreadable: written below (or the write says why it cannot be)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, _file_mode(path))  # mkstemp makes 0600 files; ours are ordinary files
        os.replace(temporary, path)
        if sync:  # the rename itself reaches the disk, before any later write (catalog pairs rely on the order)
            _sync_folder(path.parent)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(path)) from None  # name the file, not our temporary
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # a system that cannot open folders (Windows): the rename is as durable as it makes it
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems refuse fsync on a folder; nothing more can be done there
    finally:
        os.close(handle)


def remove(path: Path) -> bool:
    """Delete a file if it is there (the one way every command deletes one); returns whether it was."""
    try:
        Path(path).unlink()
    except FileNotFoundError:
        return False
    return True


_RENAME_EXCHANGE = 2  # renameat2 flag (Linux 3.15+): swap two paths in one step
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths atomically (Linux `renameat2`); False where the system cannot."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    sys.audit("tools.files.exchange", first, second)  # like os.rename's event: tests kill a build at each step
    return function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0


def aside(target: Path) -> Path:
    """Where `replace_folder` keeps the previous folder while it swaps without `renameat2`."""
    return target.with_name(f".{target.name}.previous")


def recover_folder(target: Path) -> None:
    """Undo a `replace_folder` that a crash cut short between its two renames: the previous folder goes back."""
    previous = aside(Path(target))
    if previous.is_dir() and not Path(target).exists():
        os.replace(previous, target)
    shutil.rmtree(previous, ignore_errors=True)


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder `new` in place of `target` so that `target`, whenever it exists, is one whole folder.

    The two are swapped in one step (`renameat2(RENAME_EXCHANGE)`), then the old folder, now at `new`, is deleted;
    a crash at any point leaves the old or the new folder at `target`. Where the system cannot swap, the old folder
    is renamed aside first and `recover_folder` puts it back if a crash comes between the two renames.
    """
    new, target = Path(new), Path(target)
    recover_folder(target)
    if not target.exists():
        os.replace(new, target)
    elif _exchange(new, target):
        shutil.rmtree(new)
    else:
        os.replace(target, aside(target))
        os.replace(new, target)
        shutil.rmtree(aside(target))


def _file_mode(path: Path) -> int:
    """The mode a new file would get (0666 minus the umask), or the existing file's mode."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def output_folder(path: Path, option: str = "--out") -> Path:
    """`path` as a folder to write into (created if missing); a file in its place is a `UserError`."""
    from tools.errors import UserError

    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserError(f"{path}: {option} must be a folder, and this is a file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"{path}: cannot create the {option} folder: {error.strerror or error}") from None
    return path
