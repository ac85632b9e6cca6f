"""The Inbox in the window: a sidebar node (per watch and per category, unread counts), the ids
of its views, the Inbox actions, and the scheduler that runs the watches in the background (on
start and every ``watch.interval_hours``) with a desktop notification where a tray exists.

gui/watch_actions.py attaches all of it to the main window.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QSystemTrayIcon, QTreeWidget, QTreeWidgetItem

from amlref.storage.watches import WatchStore

NODE = Qt.UserRole + 1          # the sidebar's node role (amlref.gui.sidebar.NODE)
INBOX, INBOX_WATCH, INBOX_CATEGORY = "inbox", "inbox-watch", "inbox-category"
MAX_TIMER_MS = 2**31 - 1


def is_inbox_node(node) -> bool:
    return bool(node) and node[0] in (INBOX, INBOX_WATCH, INBOX_CATEGORY)


def _category_labels() -> dict[str, str]:
    try:
        from amlref.taxonomy.model import load
        return {n.slug: n.label for n in load().categories()}
    except Exception:        # a broken taxonomy file must not break the sidebar
        return {}


def add_inbox_node(tree: QTreeWidget, lib, index: int | None = None) -> QTreeWidgetItem | None:
    """An "Inbox (unread)" node with one child per watch and per category that has articles in
    the Inbox (the second column: unread / total).  Nothing when there are no watches."""
    store = WatchStore(lib)
    counts = store.counts()
    if not counts["watches"]:
        return None
    bold = QFont()
    bold.setBold(True)

    def item(parent, text, node, unread, total, tip=""):
        it = QTreeWidgetItem([text, f"{unread}" if unread else (str(total) if total else "")])
        it.setData(0, NODE, node)
        it.setTextAlignment(1, Qt.AlignRight | Qt.AlignVCenter)
        it.setToolTip(0, tip or f"{unread} unread of {total}")
        if unread:
            it.setFont(0, bold)
        if parent is None:
            if index is None:
                tree.addTopLevelItem(it)
            else:
                tree.insertTopLevelItem(index, it)
        else:
            parent.addChild(it)
        return it

    root = item(None, "Inbox", (INBOX, None), counts["unread"], counts["total"],
                "What the watches brought (amlref watch ...)")
    root.setFont(0, bold)
    for name, c in counts["watches"].items():
        item(root, name, (INBOX_WATCH, name), c["unread"], c["total"])
    labels = _category_labels()
    for slug, c in counts["categories"].items():
        item(root, labels.get(slug, slug), (INBOX_CATEGORY, slug), c["unread"], c["total"],
             f"{slug}: {c['unread']} unread of {c['total']} in the Inbox")
    root.setExpanded(True)
    return root


def inbox_ids(lib, node) -> list[int]:
    """The article ids of an Inbox node: unread first, newest first within."""
    store = WatchStore(lib)
    kind, value = node
    wid = store.get(value)["id"] if kind == INBOX_WATCH else None
    items = store.items(wid, category=value if kind == INBOX_CATEGORY else None)
    items.sort(key=lambda i: i["state"] != "new")
    return list(dict.fromkeys(i["article_id"] for i in items))


def unread_ids(lib, node) -> list[int]:
    """The unread article ids of an Inbox node (shown in bold)."""
    store = WatchStore(lib)
    kind, value = node
    wid = store.get(value)["id"] if kind == INBOX_WATCH else None
    return [i["article_id"] for i in store.items(
        wid, state="new", category=value if kind == INBOX_CATEGORY else None)]


def set_state(lib, ids, state: str, node=None) -> int:
    """Mark read / keep (``state``) or dismiss (``state`` None) articles, in one watch's Inbox
    when ``node`` is that watch's node, else in every Inbox."""
    store = WatchStore(lib)
    wid = store.get(node[1])["id"] if node and node[0] == INBOX_WATCH else None
    return store.dismiss(ids, wid) if state is None else store.set_state(ids, state, wid)


def watch_citing(lib, ids) -> str:
    """"Watch papers citing this" on the selected articles: a citation alert named after the
    first one (``citing KEY`` or ``citing KEY +N``); returns its name."""
    from amlref.services.watches import add_citing
    arts = lib.articles.get_many(list(ids))
    if not arts:
        raise ValueError("no article selected")
    name = f"citing {arts[0].citekey}" + (f" +{len(arts) - 1}" if len(arts) > 1 else "")
    store, base, n = WatchStore(lib), name, 2
    while store.find(name) is not None:
        name, n = f"{base} ({n})", n + 1
    add_citing(lib, name, [a.citekey for a in arts])
    return name


def notification_text(reports, labels: dict[str, str] | None = None) -> str:
    """"12 new articles: Checkpoint inhibitors 5, Vaccines 2 ..." (empty when nothing new)."""
    labels = labels if labels is not None else _category_labels()
    new = sum(len(r.added) for r in reports if not r.error)
    if not new:
        return ""
    cats: dict[str, int] = {}
    for r in reports:
        for slug, n in r.by_category.items():
            cats[slug] = cats.get(slug, 0) + n
    s = f"{new} new article{'s' if new != 1 else ''}"
    if cats:
        s += ": " + ", ".join(f"{labels.get(k, k)} {v}"
                              for k, v in sorted(cats.items(), key=lambda kv: -kv[1]))
    return s


class WatchScheduler(QObject):
    """Runs every watch through the window's writer (a :class:`~amlref.gui.workers.JobRunner`),
    never in the GUI thread: on :meth:`start` when ``watch.on_start`` is set, then every
    ``watch.interval_hours`` (0: only on start).  A run already going is not started twice;
    one that another program holds is reported, not waited for."""

    progress = Signal(str)             # a status-bar line
    finished = Signal(object)          # list of RunReport
    notified = Signal(str)             # the notification text (also sent to the tray)
    failed = Signal(str)

    def __init__(self, runner, lib, parent=None, tray: QSystemTrayIcon | None = None):
        super().__init__(parent)
        self.runner, self.lib = runner, lib
        self.tray = tray
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.run_now)
        self.job = None
        self.errors: list[str] = []

    def interval_ms(self) -> int:
        from amlref.services import config
        hours = float(config.get(self.lib, "watch.interval_hours"))
        return min(int(hours * 3_600_000), MAX_TIMER_MS) if hours > 0 else 0

    def start(self) -> None:
        from amlref.services import config
        ms = self.interval_ms()
        if ms:
            self.timer.start(ms)
        else:
            self.timer.stop()
        if config.get(self.lib, "watch.on_start") and WatchStore(self.lib).all():
            QTimer.singleShot(0, self.run_now)

    @property
    def running(self) -> bool:
        return self.job is not None

    def run_now(self) -> bool:
        """Start a background run of every watch; False when one is going already (or there
        is no watch: the timer then says nothing)."""
        if self.job is not None or not WatchStore(self.lib).all():
            return False
        from amlref.services.watches import run_all
        self.errors = []
        errors = self.errors

        def work(lib, progress, cancel):
            return run_all(lib, progress=progress, cancel=cancel,
                           on_error=lambda name, exc: errors.append(str(exc)))
        self.progress.emit("Watches: starting")
        self.job = self.runner.start(work, "Watches", on_done=self._done, on_error=self._failed,
                                     progress=False)
        self.job.signals.progress.connect(
            lambda done, total, msg: self.progress.emit(f"Watches: {msg}"))
        return True

    def _done(self, reports) -> None:
        self.job = None
        text = notification_text(reports)
        if self.errors:
            self.failed.emit(self.errors[0] if len(self.errors) == 1
                             else f"{self.errors[0]} (and {len(self.errors) - 1} more)")
        self.progress.emit(f"Watches: {text or 'nothing new'}")
        if text:
            self._notify(text)
        self.finished.emit(reports)

    def _failed(self, message: str) -> None:
        if self.job is not None and self.job.cancel.cancelled:    # stopped (closing)
            message = ("stopped; what was filed before is kept, the next run goes on from "
                       "there")
        self.job = None
        self.progress.emit(f"Watches: {message}")
        self.failed.emit(message)
        self.finished.emit([])

    def _notify(self, text: str) -> None:
        from amlref.services import config
        if not config.get(self.lib, "watch.notify"):
            return
        self.notified.emit(text)
        if self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            from PySide6.QtWidgets import QApplication
            self.tray = QSystemTrayIcon(QApplication.windowIcon(), self)
            self.tray.show()
        if self.tray is not None and self.tray.isVisible():
            self.tray.showMessage("AMLRef watches", text, QSystemTrayIcon.Information, 10_000)

    def stop(self) -> None:
        self.timer.stop()
        if self.job is not None:
            self.job.cancel.cancel()
