"""Reading PDFs in a child process with a time limit and a memory limit: the one PDF worker.

A ``PdfWorker`` is one child (``amlref.pdf.child``) that reads file after file.  Per file:
- a time limit: the parent waits at most that long for the answer, then kills the child (a
  new one is started for the next file);
- a memory limit: the child's address space is capped with ``setrlimit(RLIMIT_AS)``;
- a crash of the library (the child dies) refuses that file only.
What needs no PDF library (a missing file, not a PDF, too big, a pipe) is answered in the
parent, before any child is involved (``sniff.check_file``).

    with PdfWorker() as w:
        info = w.read(path)                  # PdfInfo, or raises PdfError
        texts = w.texts(path)                # list of page texts, or raises PdfError
        for path, texts, state in w.texts_many(paths):   # a batch, read ahead
            ...

``texts_many`` keeps a few requests in flight, so the child reads the next files while the
caller stores the last one.  The module also keeps a few idle workers (``run``) so that single
calls after the first do not pay for starting Python again."""
from __future__ import annotations

import atexit
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

from amlref.pdf.child import HEAD, frame
from amlref.pdf.errors import PdfError, ReaderUnavailable
from amlref.pdf.sniff import MAX_BYTES, check_file

MEM_LIMIT = 1024 * 2**20          # address space of a child (it starts at ~55 MB)
JOBS_PER_CHILD = 5000             # a fresh child now and then: nothing leaks for long
START_TIMEOUT = 30.0              # starting Python and the libraries is not a file's time
PIPE_BYTES = 2**20                # the answers' pipe: room for the texts of the files read ahead
_PKG_ROOT = str(Path(__file__).resolve().parent.parent.parent)
_CRASH_SIGNALS = (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT)


FROZEN_FLAG = "--amlref-pdf-child"   # a frozen build's executables run the child with this


def child_command(mem_limit: int) -> list[str]:
    """The child's command line: ``python -m amlref.pdf.child``, or in a frozen (PyInstaller)
    build, where ``sys.executable`` is the app itself, the app with ``FROZEN_FLAG`` (its entry
    scripts in packaging/pyinstaller/ hand that over to ``amlref.pdf.child.main``)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_FLAG, str(mem_limit)]
    return [sys.executable, "-m", "amlref.pdf.child", str(mem_limit)]


class PdfWorker:
    """One child process.  ``timeout`` / ``text_timeout``: the default time limits (s) of
    ``read``/``thumb`` and of ``texts``/``texts_many``; ``mem_limit``: the child's address
    space (bytes).  A child whose resident memory passes half of it is replaced after its
    answer."""

    def __init__(self, mem_limit: int = MEM_LIMIT, *, timeout: float = 20.0,
                 text_timeout: float = 60.0):
        self.mem_limit = mem_limit
        self.timeout, self.text_timeout = timeout, text_timeout
        self.proc: subprocess.Popen | None = None
        self.jobs = 0
        self._in_flight = 0          # requests sent, not answered
        self._starting = False       # the start-up ping's answer is still to come
        self._retire = False         # replace the child once nothing is in flight

    # -- the child ---------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        """Start the child now (it imports the libraries while the caller goes on); calls
        start it when needed anyway."""
        if self._in_flight == 0 and (not self.alive or self._retire or
                                     self.jobs >= JOBS_PER_CHILD):
            self.close()
            env = dict(os.environ)
            env["PYTHONPATH"] = _PKG_ROOT + (os.pathsep + env["PYTHONPATH"]
                                             if env.get("PYTHONPATH") else "")
            try:
                self.proc = subprocess.Popen(
                    child_command(self.mem_limit), bufsize=0,
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    env=env, start_new_session=True)
            except OSError:
                raise ReaderUnavailable() from None
            _widen(self.proc.stdout.fileno())
            self.jobs, self._retire = 0, False
            self._starting = True
            self._send(("ping", (), {}))

    def close(self) -> None:
        p, self.proc = self.proc, None
        self._in_flight, self._starting = 0, False
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

    # -- one file ----------------------------------------------------------------------------
    def call(self, op: str, path, timeout: float, **kwargs):
        """Run ``op`` ("read", "texts", "thumb") on one file in the child: its result, or
        PdfError with the one-line reason."""
        self.start()
        self._ready()                # the file's clock starts when the child is waiting for it
        self._request(op, path, kwargs)
        status, value = self._receive(timeout)
        if status == "ok":
            return value
        raise PdfError(value)

    def read(self, path, timeout: float | None = None, max_bytes: int = MAX_BYTES):
        """``amlref.pdf.read_pdf`` of one file (a PdfInfo)."""
        check_file(path, max_bytes)
        return self.call("read", path, self.timeout if timeout is None else timeout,
                         max_bytes=max_bytes)

    def texts(self, path, max_pages: int = 1000, timeout: float | None = None,
              max_bytes: int = MAX_BYTES) -> list[str]:
        """``amlref.pdf.page_texts`` of one file: the text of every page."""
        check_file(path, max_bytes)
        return self.call("texts", path, self.text_timeout if timeout is None else timeout,
                         max_pages=max_pages, max_bytes=max_bytes)

    def thumb(self, path, width: int = 240, timeout: float | None = None) -> bytes:
        """``amlref.pdf.first_page_png`` of one file."""
        check_file(path, MAX_BYTES)
        return self.call("thumb", path, self.timeout if timeout is None else timeout,
                         width=width)

    # -- many files --------------------------------------------------------------------------
    def texts_many(self, paths, max_pages: int = 1000, ahead: int = 4,
                   timeout: float | None = None, max_bytes: int = MAX_BYTES):
        """Yield ``(path, texts or None, "done" or the reason)`` for each path, in order.
        ``paths`` may be a lazy iterable: it is read ``ahead`` files ahead of the answers.
        Each file has its own time limit; a file that hangs or crashes the child is refused,
        and the files sent after it go to a new child.  Raises ReaderUnavailable when no child
        can be started (no file is to blame)."""
        kwargs = {"max_pages": max_pages, "max_bytes": max_bytes}
        source = iter(paths)
        redo: deque[str] = deque()          # sent to a child that died: send again
        flight: deque[tuple[str, str | None]] = deque()   # (path, reason if answered here)
        try:
            while True:
                while len(flight) < ahead and not (self._retire and self._in_flight):
                    path = redo.popleft() if redo else next(source, None)
                    if path is None:
                        break
                    path = str(path)
                    try:
                        check_file(path, max_bytes)
                        self.start()
                        self._request("texts", path, kwargs)
                    except ReaderUnavailable:
                        raise
                    except PdfError as exc:
                        flight.append((path, str(exc)))
                    except _Gone:
                        redo.appendleft(path)
                        break
                    else:
                        flight.append((path, None))
                if not flight:
                    return
                path, reason = flight.popleft()
                if reason is not None:
                    yield path, None, reason
                    continue
                try:
                    status, value = self._receive(self.text_timeout if timeout is None
                                                  else timeout)
                except ReaderUnavailable:
                    raise
                except PdfError as exc:     # the child is gone: the others go to a new one
                    redo.extendleft(reversed([p for p, _ in flight]))
                    flight.clear()
                    yield path, None, str(exc)
                    continue
                yield (path, value, "done") if status == "ok" else (path, None, value)
        finally:
            if self._in_flight:             # left before the end: no stale answers later
                self.close()

    # -- the pipes ---------------------------------------------------------------------------
    def _request(self, op: str, path, kwargs: dict) -> None:
        self._send((op, (str(path),), kwargs))
        self.jobs += 1
        self._in_flight += 1
        if self.jobs >= JOBS_PER_CHILD:
            self._retire = True

    def _send(self, obj) -> None:
        view = memoryview(frame(obj))
        try:
            while view:
                view = view[self.proc.stdin.write(view):]
        except (BrokenPipeError, OSError, ValueError):
            if self._in_flight:          # the child died on a file sent before: its answer
                raise _Gone from None    # (the end of the pipe) says so, then this is resent
            started = self._starting
            self.close()
            if started:
                raise ReaderUnavailable() from None
            raise PdfError("the PDF reader stopped unexpectedly") from None

    def _receive(self, timeout: float):
        """The next answer, as (status, value); PdfError when the child has to be killed (over
        the time limit) or has died (a crash, over the memory limit)."""
        self._ready()
        status, value, rss = self._answer(timeout)
        self._in_flight -= 1
        if rss > self.mem_limit // 2:
            self._retire = True
        return status, value

    def _ready(self) -> None:
        """Take the start-up ping's answer, if it is still to come."""
        if self._starting:
            try:
                self._answer(START_TIMEOUT)
            except PdfError:
                self.close()
                raise ReaderUnavailable() from None
            self._starting = False

    def _answer(self, timeout: float):
        import pickle
        deadline = time.monotonic() + timeout
        try:
            (n,) = HEAD.unpack(self._read_exact(4, deadline))
            return pickle.loads(self._read_exact(n, deadline))
        except TimeoutError:
            self.close()
            raise PdfError(f"took over {timeout:g} s") from None
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):
            pass
        code = None
        try:
            code = self.proc.wait(timeout=5)
        except Exception:
            pass
        self.close()
        mb = f"{self.mem_limit / 2**20:,.0f} MB"
        if code is not None and code < 0 and -code in _CRASH_SIGNALS:
            raise PdfError(f"crashed the PDF library (or needed over {mb} of memory)")
        raise PdfError(f"stopped the PDF reader (over {mb} of memory?)")

    def _read_exact(self, n: int, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()
        parts, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, min(n - got, 1 << 20))
            if not chunk:
                raise EOFError
            parts.append(chunk)
            got += len(chunk)
        return parts[0] if len(parts) == 1 else b"".join(parts)


def _widen(fd: int) -> None:
    """A pipe holds 64 KiB by default, about one file's text: the child would wait for the
    parent to take each answer before it reads on (Linux lets a pipe grow to 1 MiB)."""
    try:
        import fcntl
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):    # not Linux, or over the system's cap
        pass


class _Gone(Exception):
    """The child's stdin is closed while answers are still due."""


_idle: list[PdfWorker] = []
_lock = threading.Lock()
KEEP_IDLE = 2


def run(op: str, path, **kwargs):
    """``PdfWorker.read|texts|thumb`` (``op``) in an idle worker (or a new one); workers come
    back to the pool after use."""
    with _lock:
        worker = _idle.pop() if _idle else None
    if worker is None:
        worker = PdfWorker()
    try:
        return getattr(worker, op)(path, **kwargs)
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
