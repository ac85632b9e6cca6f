"""Atomic file writing: temporary file in the same folder, fsync, rename.  A reader never sees
an empty or half-written file, even if the process is killed mid-write."""
from __future__ import annotations

import os
import tempfile

from amlref.core.errors import InputError


def atomic_write(path: str, text: str, encoding: str = "utf-8") -> None:
    path = os.path.abspath(path)
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise InputError("folder does not exist", folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", path) from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:   # mkstemp makes the file owner-only: keep the old file's mode, else the umask's
            if os.path.exists(path):
                os.chmod(tmp, os.stat(path).st_mode & 0o777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
        except OSError:
            pass
        os.replace(tmp, path)
        try:
            dfd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"cannot write: {exc.strerror}", path) from None
        raise
