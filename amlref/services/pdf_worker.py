"""One child process that reads many PDFs (batch jobs: a folder import, full-text extraction).

``amlref.pdf`` isolates each call in its own child process by default; starting one per file
costs more than reading a 10-page PDF (about 100 ms against 45 ms here).  A batch job keeps
one reader process instead, with the same protections per file: a time limit (the parent
waits at most ``timeout`` seconds for an answer, then kills the child and starts another for
the next file), a memory limit (``resource.setrlimit`` in the child), and a crash of the
library on one file (the child dies) refuses that file only.

    with PdfWorker() as w:
        info = w.read(path)          # PdfInfo, or raises PdfError
        texts = w.texts(path)        # list of page texts, or raises PdfError
"""
from __future__ import annotations

import multiprocessing
import os

from amlref.pdf import PdfError, page_texts, read_pdf

MEMORY_LIMIT = 1536 * 2**20


def _serve(conn, memory: int) -> None:
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):
        pass
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        what, path, arg = job
        try:
            if what == "read":
                conn.send((True, read_pdf(path, isolate=False)))
            else:
                conn.send((True, page_texts(path, max_pages=arg, isolate=False)))
        except PdfError as exc:
            conn.send((False, str(exc)))
        except MemoryError:
            conn.send((False, "needs too much memory"))
            return                      # start afresh for the next file
        except RecursionError:
            conn.send((False, "nested too deeply"))
        except Exception as exc:  # noqa: BLE001 - one line for the report
            conn.send((False, f"unreadable: {type(exc).__name__}: {exc}"))


class PdfWorker:
    def __init__(self, timeout: float = 20.0, text_timeout: float = 60.0,
                 memory: int = MEMORY_LIMIT):
        self.timeout, self.text_timeout, self.memory = timeout, text_timeout, memory
        self._proc = None
        self._conn = None

    def _start(self) -> None:
        ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        parent, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, self.memory), daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent

    def _call(self, what: str, path: str, arg, timeout: float):
        if self._proc is None or not self._proc.is_alive():
            self._start()
        try:
            self._conn.send((what, str(path), arg))
            if not self._conn.poll(timeout):
                self._stop(kill=True)
                raise PdfError(f"took over {timeout:g} s")
            ok, value = self._conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._stop(kill=True)
            raise PdfError("the PDF reader crashed on this file (or ran out of memory)") from None
        if not ok:
            raise PdfError(value)
        return value

    def read(self, path: str):
        """``amlref.pdf.read_pdf`` of a file, in the reader process."""
        if not os.path.isfile(path):
            raise PdfError("no such file")
        return self._call("read", path, None, self.timeout)

    def texts(self, path: str, max_pages: int = 1000) -> list[str]:
        """``amlref.pdf.page_texts`` of a file, in the reader process."""
        if not os.path.isfile(path):
            raise PdfError("no such file")
        return self._call("texts", path, max_pages, self.text_timeout)

    def texts_many(self, paths, max_pages: int = 1000, ahead: int = 2):
        """Yield (path, texts or None, "done" or the reason) for each path, in order.  The
        reader works on the next files while the caller stores the last one (``ahead`` in
        flight); a file that hangs or crashes the reader is refused and the files sent after
        it go to a new reader."""
        from collections import deque
        todo = deque(str(p) for p in paths)
        flight: deque[str] = deque()
        while todo or flight:
            while todo and len(flight) < ahead:
                p = todo.popleft()
                if not os.path.isfile(p):
                    if not flight:
                        yield p, None, "no such file"
                        continue
                    todo.appendleft(p)    # keep the order: answered after those in flight
                    break
                if self._proc is None or not self._proc.is_alive():
                    self._start()
                try:
                    self._conn.send(("texts", p, max_pages))
                except (OSError, BrokenPipeError):
                    self._stop(kill=True)
                    todo.appendleft(p)
                    todo.extendleft(reversed(flight))
                    flight.clear()
                    break
                flight.append(p)
            if not flight:
                continue
            p = flight.popleft()
            try:
                if not self._conn.poll(self.text_timeout):
                    self._stop(kill=True)
                    reason = f"took over {self.text_timeout:g} s"
                    ok = None
                else:
                    ok, value = self._conn.recv()
            except (EOFError, OSError):
                self._stop(kill=True)
                ok, reason = None, "the PDF reader crashed on this file (or ran out of memory)"
            if ok is None:               # the reader is gone: resend the others
                todo.extendleft(reversed(flight))
                flight.clear()
                yield p, None, reason
            elif ok:
                yield p, value, "done"
            else:
                yield p, None, value

    def _stop(self, kill: bool = False) -> None:
        proc, conn, self._proc, self._conn = self._proc, self._conn, None, None
        if proc is None:
            return
        try:
            if not kill and proc.is_alive():
                conn.send(None)
                proc.join(2)
        except (OSError, BrokenPipeError):
            pass
        if proc.is_alive():
            proc.kill()
        proc.join(2)
        try:
            conn.close()
        except OSError:
            pass

    def close(self) -> None:
        self._stop()

    def __enter__(self) -> "PdfWorker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
