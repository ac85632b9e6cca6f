"""Progress callbacks and cancel tokens: core code is synchronous and takes both."""
from __future__ import annotations

import threading
from typing import Callable, Optional

from amlref.core.errors import Cancelled

# progress(done, total, message) -> None ; total may be 0 when unknown
Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, message: str = "") -> None:
    return None


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def check(cancel: Optional[CancelToken]) -> None:
    if cancel is not None:
        cancel.check()
