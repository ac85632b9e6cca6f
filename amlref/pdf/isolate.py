"""Reading PDFs in a child process with a time limit and a memory limit.

A ``PdfWorker`` is one child (``amlref.pdf.child``) that reads file after file; at the time
limit it is killed (and a new one started for the next file); its address space is capped with
``setrlimit(RLIMIT_AS)``.  The module keeps a few idle workers so that calls after the first do
not pay for starting Python again."""
from __future__ import annotations

import atexit
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from amlref.pdf.child import read_frame, write_frame
from amlref.pdf.errors import PdfError

MEM_LIMIT = 1024 * 2**20          # address space of a child (it starts at ~55 MB)
JOBS_PER_CHILD = 500              # a fresh child now and then: nothing leaks for long
_PKG_ROOT = str(Path(__file__).resolve().parent.parent.parent)


class PdfWorker:
    """One child process; ``call(op, path, timeout, ...)`` -> the result or PdfError."""

    def __init__(self, mem_limit: int = MEM_LIMIT):
        self.mem_limit = mem_limit
        self.proc: subprocess.Popen | None = None
        self.jobs = 0

    def _start(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = _PKG_ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "amlref.pdf.child", str(self.mem_limit)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            start_new_session=True)
        self.jobs = 0

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def call(self, op: str, path, timeout: float, **kwargs):
        if not self.alive or self.jobs >= JOBS_PER_CHILD:
            self.close()
            self._start()
            self._warm_up()
        self.jobs += 1
        try:
            write_frame(self.proc.stdin, (op, (str(path),), kwargs))
        except (BrokenPipeError, OSError):
            self.close()
            raise PdfError("the PDF reader stopped unexpectedly") from None
        reply = self._wait(timeout)
        status, value = reply
        if status == "ok":
            return value
        raise PdfError(value)

    def _warm_up(self) -> None:
        """Wait (up to 30 s) until the child has imported the libraries, so that starting
        Python is not counted against the first file's time limit."""
        try:
            write_frame(self.proc.stdin, ("ping", (), {}))
        except OSError:
            self.close()
            raise PdfError("the PDF reader did not start") from None
        try:
            self._wait(30.0, what="start")
        except PdfError:
            raise PdfError("the PDF reader did not start") from None

    def _wait(self, timeout: float, what: str = "read"):
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise PdfError(f"took over {timeout:g} s" if what == "read"
                               else "the PDF reader did not start")
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if ready:
                break
        try:
            reply = read_frame(self.proc.stdout)
        except Exception:
            reply = None
        if reply is None:
            code = self.proc.wait(timeout=5) if self.proc else None
            self.close()
            mb = f"{self.mem_limit / 2**20:,.0f} MB"
            if code is not None and code < 0 and -code in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT):
                raise PdfError(f"crashed the PDF library (or needed over {mb} of memory)")
            raise PdfError(f"stopped the PDF reader (over {mb} of memory?)")
        return reply

    def close(self) -> None:
        p, self.proc = self.proc, None
        if p is None:
            return
        try:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=5)
        except Exception:
            pass
        for fh in (p.stdin, p.stdout):
            try:
                fh.close()
            except Exception:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_idle: list[PdfWorker] = []
_lock = threading.Lock()
KEEP_IDLE = 2


def run(op: str, path, timeout: float, **kwargs):
    """Run ``op`` in an idle worker (or a new one); workers come back to the pool after use."""
    with _lock:
        worker = _idle.pop() if _idle else None
    if worker is None:
        worker = PdfWorker()
    try:
        return worker.call(op, path, timeout, **kwargs)
    finally:
        with _lock:
            if worker.alive and len(_idle) < KEEP_IDLE:
                _idle.append(worker)
            else:
                worker.close()


@atexit.register
def shutdown() -> None:
    """Stop the idle workers (also at exit)."""
    with _lock:
        workers, _idle[:] = list(_idle), []
    for w in workers:
        w.close()
