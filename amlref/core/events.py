"""A tiny publish/subscribe hub: the library announces changes, listeners (auto-export, the GUI)
react.  Listeners must not raise; one that does is removed and reported on stderr-free log."""
from __future__ import annotations

import logging
from typing import Callable

log = logging.getLogger(__name__)

Listener = Callable[[str, dict], None]


class Events:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, fn: Listener) -> None:
        self._listeners.append(fn)

    def unsubscribe(self, fn: Listener) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def emit(self, name: str, **data) -> None:
        for fn in list(self._listeners):
            try:
                fn(name, data)
            except Exception:  # a broken listener never breaks a write
                log.exception("event listener failed; removed")
                self.unsubscribe(fn)
