"""Writing outputs safely: every file bioner writes goes through here.

An output is written to a temporary file beside it and renamed over it only when complete, so a
run stopped half-way (an error, a signal, a full disk, a file-size limit) leaves the previous
file as it was and no partial one. A symlink given as the output is written through (its
target is replaced, the link stays). An output that exists and is not a regular file (a named
pipe, `/dev/null`, a terminal) is written into directly: renaming over it would replace the
pipe a reader waits on with a file. The temporary file is created with mode 0666 filtered by
the process umask, as an ordinary new file would be, without touching the umask itself; an
existing output keeps its mode.

Output paths are checked before any work (`check_output`, `check_distinct`): a folder, a
missing or unwritable parent, or an output that is also an input or another output is one
line naming the path, never a traceback and never data written over.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import BionerError

STDOUT = "-"
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


def real_path(path: str | Path) -> Path:
    """The file a path names, symlinks followed (also for a file that does not exist yet)."""
    return Path(os.path.realpath(Path(path).expanduser()))


def check_output(path: str | Path, option: str = "--output", *, folder: bool = False) -> None:
    """Fail early, with the path and the option, if `path` cannot be written as an output.

    A file output must not be a folder; a folder output (`folder=True`) must not be a file. The
    nearest existing ancestor must be a writable folder (missing folders are created later).
    """
    if str(path) == STDOUT:
        return
    target = real_path(path)
    if folder:
        if target.exists() and not target.is_dir():
            raise BionerError(f"{path}: is a file; {option} needs a folder")
    elif target.is_dir():
        raise BionerError(f"{path}: is a folder; {option} needs a file name")
    existing = target if folder and target.is_dir() else target.parent
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise BionerError(f"{path}: cannot write there ({existing} is a file, not a folder) ({option})")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BionerError(f"{path}: cannot write there: the folder {existing} is not writable ({option})")


def check_distinct(inputs: Iterable[str | Path], outputs: Iterable[tuple[str, str | Path | None]]) -> None:
    """Refuse an output that is one of the inputs or another output (symlinks and hard links
    resolved), before anything is read or written. `outputs` are (option, path) pairs."""
    seen: dict[tuple, str] = {}

    def identity(path: str | Path) -> tuple:
        target = real_path(path)
        try:
            stat = target.stat()
            return ("inode", stat.st_dev, stat.st_ino)
        except OSError:
            return ("path", str(target))

    for source in inputs:
        if str(source) != STDOUT:
            seen.setdefault(identity(source), f"the input {source}")
    for option, output in outputs:
        if output is None or str(output) == STDOUT:
            continue
        key = identity(output)
        if key in seen:
            raise BionerError(f"{output}: {option} would write over {seen[key]}; give another file name")
        seen[key] = f"the {option} output {output}"


@contextmanager
def atomic_path(destination: str | Path, option: str = "--output", *, make_parents: bool = True) -> Iterator[Path]:
    """A temporary path to write `destination` into; renamed over it when the block succeeds,
    removed when it fails (or is interrupted). An OSError of writing (disk full, read-only, no
    permission) becomes a BionerError naming the destination."""
    check_output(destination, option)
    target = real_path(destination)
    if is_special_file(target):
        try:
            yield target
        except OSError as error:
            if error.filename in (str(target), None) and error.errno in _WRITE_ERRNOS | {errno.EPIPE}:
                raise _write_error(destination, error) from None
            raise
        return
    try:
        if make_parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        elif not target.parent.is_dir():
            raise BionerError(f"{destination}: the folder {target.parent} does not exist ({option})")
        temporary = create_temporary(target)
    except OSError as error:
        raise _write_error(destination, error) from None
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if error.filename in (str(temporary), str(target)) or (error.errno in _WRITE_ERRNOS and error.filename is None):
            raise _write_error(destination, error) from None
        raise
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(
    destination: str | Path, mode: str = "w", option: str = "--output", *, make_parents: bool = True
) -> Iterator[IO[Any]]:
    """`open(destination, mode)` written atomically; text modes are UTF-8 with `\\n` newlines."""
    with atomic_path(destination, option, make_parents=make_parents) as temporary:
        if "b" in mode:
            with open(temporary, mode) as handle:
                yield handle
        else:
            with open(temporary, mode, encoding="utf-8", newline="\n") as handle:
                yield handle


def is_special_file(path: str | Path) -> bool:
    """Whether `path` exists and is neither a regular file nor a folder (a FIFO, a device)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_text(destination: str | Path, text: str, option: str = "--output") -> None:
    with atomic_open(destination, "w", option) as handle:
        handle.write(text)


def create_temporary(target: Path, suffix: str = ".partial") -> Path:
    """An empty new file beside `target` (`.NAME.XXXXXXXX.partial`): mode 0666 less the umask
    (the kernel applies it, so the umask is neither read nor changed), or the mode of the file
    it will replace."""
    for _ in range(100):
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}{suffix}"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            if target.exists():
                os.fchmod(fd, target.stat().st_mode & 0o7777)
        finally:
            os.close(fd)
        return temporary
    raise BionerError(f"{target}: cannot make a temporary file beside it")


def _write_error(destination: str | Path, error: OSError) -> BionerError:
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = "no space left on the device"
    return BionerError(f"{destination}: cannot write: {reason}; nothing was written")


__all__ = [
    "atomic_open",
    "atomic_path",
    "check_distinct",
    "check_output",
    "create_temporary",
    "is_special_file",
    "real_path",
    "write_text",
]
