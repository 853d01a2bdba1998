"""Writing output files so that a reader never sees half of one.

Shared by every command that writes files (``compile``, ``fmt``, ``stats``,
``plot``); imported only when a file is written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(dest: Path, data: bytes, keep_mode: bool = False) -> None:
    """Write via a temporary file in the same folder, then rename: never a half file.

    Something that exists and is not a regular file (``-o /dev/null``, a
    FIFO) is written into, never renamed over: replacing a device node would
    break the system.  The new file gets the usual mode (0666 less the
    umask), or with ``keep_mode`` the mode of the file it replaces.
    """
    if dest.exists() and not dest.is_file():
        with dest.open("wb") as f:
            f.write(data)
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    mode = dest.stat().st_mode & 0o7777 if keep_mode and dest.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)  # mkstemp makes 0600
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
