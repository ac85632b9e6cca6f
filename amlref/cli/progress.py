"""Progress on stderr for the commands, only when it is a terminal (never in a pipe or a log)."""
from __future__ import annotations

import sys


def status_line(done: int, total: int, message: str) -> None:
    """The current step on one line that each call overwrites (``message`` says it all)."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[K{message}")
        sys.stderr.flush()


def clear_status() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")


def counter():
    """A progress callback printing ``message: done/total`` (a new line at the end), or None
    when stderr is no terminal."""
    if not sys.stderr.isatty():
        return None

    def progress(done, total, message=""):
        if total:
            sys.stderr.write(f"\r{message}: {done}/{total}   ")
            if done >= total:
                sys.stderr.write("\n")
    return progress
