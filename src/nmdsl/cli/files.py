"""Writing output files so that a reader never sees half of one.

Shared by every command that writes files (``compile``, ``fmt``, ``stats``,
``plot``); imported only when a file is written.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path


def write_atomic(dest: Path, data: bytes, keep_mode: bool = False) -> None:
    """Write via a temporary file in the same folder, then rename: never a half file.

    Something that exists and is not a regular file (``-o /dev/null``, a
    FIFO) is written into, never renamed over: replacing a device node would
    break the system.  The new file gets the usual mode (0666 less the
    umask), or with ``keep_mode`` the mode of the file it replaces.
    """
    write_all_atomic([(dest, data)], keep_mode)


def write_all_atomic(files: Sequence[tuple[Path, bytes]], keep_mode: bool = False) -> None:
    """:func:`write_atomic` for several files at once: every one is replaced, or none.

    Each file is written to a temporary file beside it first; only when all
    of them are written are they renamed into place, so a full disk or a
    folder in the way leaves the old files as they were and no temporary
    files behind.
    """
    staged: list[tuple[str | None, Path, bytes]] = []
    try:
        for dest, data in files:
            if dest.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(dest))
            if dest.exists() and not dest.is_file():
                staged.append((None, dest, data))
                continue
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
            except FileExistsError as exc:  # a file where the folder should be
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), exc.filename) from exc
            mode = dest.stat().st_mode & 0o7777 if keep_mode and dest.exists() else 0o666 & ~_umask()
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
            except OSError as exc:  # named by its folder: the temporary name means nothing to anyone
                raise type(exc)(exc.errno, exc.strerror, str(dest.parent)) from exc
            staged.append((tmp, dest, data))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, mode)  # mkstemp makes 0600
        for temporary, dest, data in staged:
            if temporary is None:
                with dest.open("wb") as f:
                    f.write(data)
            else:
                os.replace(temporary, dest)
    except BaseException:
        for temporary, _, _ in staged:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
