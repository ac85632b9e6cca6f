"""Per-service request rates shared by every HTTP client of the process (sources/http.py):
NCBI allows 3 requests a second (10 with an API key), the others are asked to be polite."""
from __future__ import annotations

import threading
import time
from typing import Callable


class RateLimiter:
    """At most ``rate`` requests a second: each call waits until 1/rate after the previous one.
    Thread-safe; ``clock`` and ``sleep`` can be replaced in tests."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.rate = rate
        self.clock, self.sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    @property
    def interval(self) -> float:
        return 1.0 / self.rate if self.rate > 0 else 0.0

    def wait(self) -> float:
        """Block until a request may go; returns the time waited."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval
        delay = start - now
        if delay > 0:
            self.sleep(delay)
        return delay


_limiters: dict[tuple[str, float], RateLimiter] = {}
_limiters_lock = threading.Lock()


def shared_limiter(name: str, rate: float) -> RateLimiter:
    """One limiter per service and rate for the whole process (all sessions share it)."""
    with _limiters_lock:
        key = (name, rate)
        if key not in _limiters:
            _limiters[key] = RateLimiter(rate)
        return _limiters[key]
