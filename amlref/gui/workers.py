"""Work off the GUI thread.

- :class:`JobRunner` runs long jobs (import, online add, export, classification, merges of many)
  one at a time in a single writer thread, each job on its own Library connection (WAL lets the
  window keep reading), with a cancellable progress dialog.  Results come back by signal.
- :class:`ViewLoader` owns a read-only connection in its own thread and answers "which ids does
  this view hold, in this order" so typing in the search box never freezes the window; stale
  requests are dropped.
Workers never touch widgets."""
from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from amlref.core.errors import AmlrefError, Cancelled
from amlref.core.progress import CancelToken


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, AmlrefError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class JobSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Job(QRunnable):
    def __init__(self, fn: Callable, lib_path: str | None):
        super().__init__()
        self.fn, self.lib_path = fn, lib_path
        self.signals = JobSignals()
        self.cancel = CancelToken()
        self.setAutoDelete(False)

    def run(self) -> None:
        lib = None
        try:
            if self.lib_path is not None:
                from amlref.storage.library import Library
                lib = Library.open(self.lib_path)
            result = self.fn(lib, self._progress, self.cancel)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # every error goes back as a readable message
            if not isinstance(exc, AmlrefError):
                traceback.print_exc()
            self.signals.failed.emit(describe_error(exc))
        else:
            self.signals.finished.emit(result)
        finally:
            if lib is not None:
                lib.close()

    def _progress(self, done: int, total: int, message: str = "") -> None:
        self.signals.progress.emit(int(done), int(total), str(message))


class JobRunner(QObject):
    """One writer at a time.  ``start(fn, ...)`` with ``fn(lib, progress, cancel)``."""

    job_started = Signal(str)
    job_done = Signal(str)

    def __init__(self, lib_path: str | None, parent: QObject | None = None):
        super().__init__(parent)
        self.lib_path = lib_path
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.jobs: list[Job] = []

    def start(self, fn: Callable, title: str, on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[str], None] | None = None, parent: QWidget | None = None,
              progress: bool = True, own_library: bool = True) -> Job:
        job = Job(fn, self.lib_path if own_library else None)
        dialog = None
        if progress and parent is not None:
            dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
            dialog.setWindowTitle(title)
            dialog.setWindowModality(Qt.WindowModal)
            dialog.setMinimumDuration(400)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(job.cancel.cancel)
            job.dialog = dialog

            def on_progress(done, total, message, d=dialog):
                d.setMaximum(max(total, 0))
                d.setValue(min(done, total) if total else 0)
                if message:
                    d.setLabelText(f"{title}: {message}")
            job.signals.progress.connect(on_progress)

        def finish():
            if dialog is not None:
                dialog.reset()
                dialog.hide()
                dialog.deleteLater()
            if job in self.jobs:
                self.jobs.remove(job)
            self.job_done.emit(title)

        def ok(result):
            finish()
            if on_done:
                on_done(result)

        def failed(message):
            finish()
            if on_error:
                on_error(message)

        def cancelled():
            finish()
            if on_error:
                on_error("cancelled: nothing was changed")

        job.signals.finished.connect(ok)
        job.signals.failed.connect(failed)
        job.signals.cancelled.connect(cancelled)
        self.jobs.append(job)
        self.job_started.emit(title)
        self.pool.start(job)
        return job

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)


HEAD = 300   # ids sent first, so the first screen shows before the whole list is known
PAINT_PAUSE_STEPS = 8   # x 10 ms


class _ViewWorker(QObject):
    done = Signal(int, object, str, int)   # no bool: PySide6 mis-counts bools across threads

    def __init__(self, lib_path: str):
        super().__init__()
        self.lib_path = lib_path
        self.lib = None
        self.latest = 0
        self.current = 0
        self.lock = threading.Lock()

    @Slot(int, object, object, int)
    def load(self, gen: int, view, column, desc: int) -> None:
        with self.lock:
            if gen < self.latest:
                return  # a newer request is queued: skip this one
        from amlref.gui.queries import ids_for
        try:
            if self.lib is None:
                from amlref.storage.library import Library
                self.lib = Library.open(self.lib_path)
                # a newer request (the next keystroke) interrupts the query that is running
                self.lib.conn.set_progress_handler(self._stale, 20000)
            self.current = gen
            head = ids_for(self.lib, view, column, desc, limit=HEAD)
            if len(head) < HEAD:
                self.done.emit(gen, head, "", 1)
                return
            self.done.emit(gen, head, "", 0)
            # let the window paint the first screen before the rest of the list is built
            # (building it holds the GIL the painting needs)
            for _ in range(PAINT_PAUSE_STEPS):
                if self._stale():
                    return
                time.sleep(0.01)
            ids = ids_for(self.lib, view, column, desc)
        except Exception as exc:
            if self._stale():
                return          # interrupted by a newer request: its answer will come
            self.done.emit(gen, [], describe_error(exc), 1)
            return
        self.done.emit(gen, ids, "", 1)

    def _stale(self) -> int:
        return 1 if self.latest > self.current else 0

    @Slot()
    def close(self) -> None:
        if self.lib is not None:
            self.lib.close()
            self.lib = None


class ViewLoader(QObject):
    """Ask with ``request(view, column, desc)``; ``loaded(ids, error, complete)`` answers the
    latest one: first the head of the list (complete=False) when it is long, then all of it."""

    loaded = Signal(object, str, int)
    _ask = Signal(int, object, object, int)
    _close = Signal()

    def __init__(self, lib_path: str, parent: QObject | None = None):
        super().__init__(parent)
        self.gen = 0
        self.thread = QThread()
        self.thread.setObjectName("amlref-view-loader")
        self.worker = _ViewWorker(lib_path)
        self.worker.moveToThread(self.thread)
        self._ask.connect(self.worker.load, Qt.QueuedConnection)
        self._close.connect(self.worker.close, Qt.BlockingQueuedConnection)
        self.worker.done.connect(self._done, Qt.QueuedConnection)
        self.thread.start()
        from PySide6.QtCore import QCoreApplication
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def request(self, view, column, desc) -> int:
        self.gen += 1
        with self.worker.lock:
            self.worker.latest = self.gen
        self._ask.emit(self.gen, view, column, 1 if desc else 0)
        return self.gen

    @Slot(int, object, str, int)
    def _done(self, gen: int, ids, error: str, complete: int) -> None:
        if gen == self.gen:
            self.loaded.emit(ids, error, int(complete))

    def stop(self) -> None:
        if self.thread.isRunning():
            self._close.emit()
            self.thread.quit()
            self.thread.wait(5000)
