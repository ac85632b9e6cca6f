"""The quick citation picker, raised over other windows when an editor asks the local server
to cite as you write, and the window's side of that server.

Keyboard only: type (the library's full-text search, results as you type), arrows choose,
Enter adds the chosen result (with the page/locator, prefix and suffix typed in the fields
below, Tab reaches them; Alt+A cites the year only), Enter on an empty search finishes, Backspace on an empty search takes
the last citation back, Esc cancels (the editor gets an empty answer).  When the window shows a
category, "Only in <category>" limits the search to it (Alt+O toggles).

The window starts the server with::

    self.cite_server = start_server_for_window(self)      # in MainWindow.__init__
    if self.cite_server: self.cite_server.stop()           # in MainWindow.closeEvent

Settings (the window's QSettings): ``server/enabled`` (default on; the server starts only when
the port is free) and ``server/port`` (default 23119, Better BibTeX's).
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QVBoxLayout)

from amlref.core.errors import AmlrefError
from amlref.server import DEFAULT_PORT, Citation, Host, LocalServer, PickRequest, PortInUse
from amlref.server.cayw import SHORT_LABEL, parse_locator

log = logging.getLogger("amlref.gui")

SEARCH_DELAY_MS = 120
# formats whose citations carry a locator, prefix and suffix (mmd keeps only a prefix)
DETAILED = {"pandoc", "latex", "cite", "natbib", "citep", "citet", "biblatex", "json",
            "scannable-cite", "asciidoctor-bibtex"}


def result_text(r: dict) -> str:
    authors = r.get("authors") or []
    who = authors[0] + (" et al." if len(authors) > 2 else f" & {authors[1]}"
                        if len(authors) == 2 else "") if authors else ""
    head = " ".join(x for x in (who, f"({r['year']})" if r.get("year") else "") if x)
    return "  —  ".join(x for x in (r["citekey"], f"{head}  {r.get('title') or ''}".strip()) if x)


class PickerDialog(QDialog):
    """``search(text, category_slug_or_None) -> [result dict]``; after ``accept()``,
    ``chosen`` holds the citations in the order added."""

    def __init__(self, search: Callable[[str, str | None], list[dict]], fmt: str = "latex",
                 category: tuple[str, str] | None = None, parent=None):
        super().__init__(parent, Qt.Dialog | Qt.FramelessWindowHint | Qt.WindowStaysOnTopHint)
        self.setWindowTitle("Insert citation — AMLRef")
        self.setObjectName("citation-picker")
        self._search = search
        self.chosen: list[Citation] = []
        self.category = category
        lay = QVBoxLayout(self)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Search the library: author, title, year:2020..2024 … "
                                      "(Enter on an empty field finishes)")
        lay.addWidget(self.field)
        self.only = QCheckBox(f"&Only in {category[1]}" if category else "")
        self.only.setChecked(bool(category))
        self.only.setVisible(bool(category))
        self.only.setFocusPolicy(Qt.NoFocus)
        lay.addWidget(self.only)
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.NoFocus)
        self.results.setMinimumWidth(640)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.ElideRight)
        lay.addWidget(self.results)
        self.detail = QFormLayout()
        self.locator, self.prefix, self.suffix = QLineEdit(), QLineEdit(), QLineEdit()
        self.locator.setPlaceholderText("12, pp. 3-5, ch. 2, fig. 1 …")
        self.prefix.setPlaceholderText("see")
        self.suffix.setPlaceholderText("for a review")
        detailed = fmt in DETAILED
        for label, edit, show in (("&Page/locator:", self.locator, detailed),
                                  ("&Prefix:", self.prefix, detailed or fmt == "mmd"),
                                  ("&Suffix:", self.suffix, detailed)):
            if show:
                self.detail.addRow(label, edit)
            else:
                edit.hide()
        self.year_only = QCheckBox("Year only (suppress &author)")
        self.year_only.setFocusPolicy(Qt.NoFocus)
        self.year_only.setVisible(detailed)
        self.detail.addRow("", self.year_only)
        lay.addLayout(self.detail)
        self.chosen_label = QLabel("")
        self.chosen_label.setWordWrap(True)
        lay.addWidget(self.chosen_label)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.run_search)
        self.field.textChanged.connect(lambda _t: self.timer.start())
        self.only.toggled.connect(lambda _b: self.run_search())
        for edit in (self.field, self.locator, self.prefix, self.suffix):
            edit.installEventFilter(self)
        self.field.setFocus()

    # -- searching ---------------------------------------------------------------------------
    def run_search(self) -> None:
        self.timer.stop()
        text = self.field.text().strip()
        cat = self.category[0] if self.category and self.only.isChecked() else None
        try:
            found = self._search(text, cat) if text else []
        except Exception as exc:       # never let a search take the dialog down
            log.warning("picker search %r: %s", text, exc)
            found = []
        self.results.clear()
        for r in found:
            item = QListWidgetItem(result_text(r))
            item.setData(Qt.UserRole, r)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)

    # -- keys --------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.KeyPress:
            return False
        key = event.key()
        if key in (Qt.Key_Up, Qt.Key_Down, Qt.Key_PageUp, Qt.Key_PageDown):
            step = {Qt.Key_Up: -1, Qt.Key_Down: 1, Qt.Key_PageUp: -10, Qt.Key_PageDown: 10}[key]
            n = self.results.count()
            if n:
                row = max(0, min(n - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
            return True
        if key in (Qt.Key_Return, Qt.Key_Enter):
            self.enter(obj)
            return True
        if key == Qt.Key_Backspace and obj is self.field and not self.field.text() and self.chosen:
            self.chosen.pop()
            self._show_chosen()
            return True
        return False

    def enter(self, source=None) -> None:
        if self.timer.isActive():          # Enter right after typing: search first
            self.run_search()
        if not self.field.text().strip():
            if source is not self.field and self.chosen and self._details():
                self._apply_details(self.chosen[-1])     # details for the last citation
                self._show_chosen()
                self.field.setFocus()
                return
            self.accept()
            return
        item = self.results.currentItem()
        if item is None:
            return
        r = item.data(Qt.UserRole)
        c = Citation(r["citekey"], id=r.get("id"), title=r.get("title") or "")
        self._apply_details(c)
        self.chosen.append(c)
        self.field.clear()
        self.results.clear()
        self.field.setFocus()
        self._show_chosen()

    def _details(self) -> bool:
        return self.year_only.isChecked() or any(
            e.text().strip() for e in (self.locator, self.prefix, self.suffix))

    def _apply_details(self, c: Citation) -> None:
        c.label, c.locator = parse_locator(self.locator.text())
        c.prefix = self.prefix.text().strip()
        c.suffix = self.suffix.text().strip()
        c.suppress_author = self.year_only.isChecked()
        for e in (self.locator, self.prefix, self.suffix):
            e.clear()
        self.year_only.setChecked(False)

    def _show_chosen(self) -> None:
        parts = []
        for c in self.chosen:
            where = f"{SHORT_LABEL.get(c.label, c.label)} {c.locator}" if c.locator else ""
            extra = ", ".join(x for x in (c.prefix, where,
                                          c.suffix, "year only" if c.suppress_author else "")
                              if x)
            parts.append(c.citekey + (f" ({extra})" if extra else ""))
        self.chosen_label.setText("Citing: " + "; ".join(parts) if parts else "")


# -- the window's side of the server ------------------------------------------------------------
class _Pending:
    def __init__(self, request: PickRequest):
        self.request = request
        self.done = threading.Event()
        self.result: list[Citation] | None = None
        self.dialog: PickerDialog | None = None

    def finish(self, result) -> None:
        self.result = result
        self.done.set()


class PickerBridge(QObject):
    """Lives in the GUI thread; server threads reach it only through queued signals."""
    ask = Signal(object)       # _Pending
    call = Signal(object)      # a callable to run in the GUI thread
    opened = Signal(object)    # the PickerDialog, once shown (for tests and the window)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.server: LocalServer | None = None
        self.current: PickerDialog | None = None
        self.ask.connect(self._show, Qt.QueuedConnection)
        self.call.connect(self._run, Qt.QueuedConnection)

    @Slot(object)
    def _run(self, fn) -> None:
        try:
            fn()
        except Exception as exc:       # a window call the server asked for: log, go on
            log.warning("citation server: %s", exc)

    def _category(self) -> tuple[str, str] | None:
        kind, value = getattr(self.window, "node", ("all", None))
        if kind != "category" or not value:
            return None
        from amlref.taxonomy import load
        node = load().get(value)
        return value, node.label if node else value

    def _show(self, pending: _Pending) -> None:
        server = self.server

        def search(text, category):
            return server.search(text, category) if server else []

        dlg = PickerDialog(search, pending.request.format, self._category())
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        pending.dialog = dlg
        self.current = dlg

        def done(code):
            if self.current is dlg:
                self.current = None
            pending.finish(list(dlg.chosen) if code == QDialog.Accepted else None)

        dlg.finished.connect(done)
        dlg.show()
        dlg.raise_()
        dlg.activateWindow()
        self.opened.emit(dlg)


class WindowHost(Host):
    """The server's view of the window: every call comes from a server thread and is moved
    to the GUI thread; the server thread waits, the window's event loop never does."""

    def __init__(self, window):
        self.bridge = PickerBridge(window, window)
        self.window = window

    def pick(self, request: PickRequest):
        pending = _Pending(request)
        self.bridge.ask.emit(pending)
        if not pending.done.wait(request.timeout):
            self.bridge.call.emit(lambda: pending.dialog and pending.dialog.reject())
            raise TimeoutError
        return pending.result

    def _in_gui(self, fn, timeout: float = 5.0):
        box, done = [], threading.Event()

        def run():
            try:
                box.append(fn())
            finally:
                done.set()
        self.bridge.call.emit(run)
        return box[0] if done.wait(timeout) and box else None

    def selected_keys(self) -> list[str]:
        ids = self._in_gui(self.window.selected_ids) or []
        server = self.bridge.server
        if not ids or server is None:
            return []
        with server.libraries.borrow() as lib:      # not the window's connection
            return [a.citekey for a in lib.articles.get_many(ids)]

    def select(self, ids: list[int]) -> None:
        self.bridge.call.emit(lambda: self.window.select_ids(ids, scroll=True))

    def minimize(self) -> None:
        self.bridge.call.emit(self.window.showMinimized)

    def clipboard(self, text: str) -> None:
        from PySide6.QtGui import QGuiApplication
        self.bridge.call.emit(lambda: QGuiApplication.clipboard().setText(text))


class WindowServer:
    """The server a window runs; ``stop()`` when the window closes (also done at quit)."""

    def __init__(self, server: LocalServer, host: WindowHost):
        self.server, self.host = server, host
        self._stopped = False

    @property
    def port(self) -> int | None:
        return self.server.port

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            if self.host.bridge.current is not None:
                self.host.bridge.current.reject()
            self.server.stop()


def start_server_for_window(window, port: int | None = None) -> WindowServer | None:
    """Start the local server for ``window`` (``window.lib``, ``window.settings``) when the
    setting allows and the port is free; None otherwise (a status-bar message says why)."""
    settings = getattr(window, "settings", None)
    enabled = settings.value("server/enabled", True, type=bool) if settings is not None else True
    if not enabled:
        return None
    if port is None:
        port = int(settings.value("server/port", DEFAULT_PORT)) if settings is not None \
            else DEFAULT_PORT
    host = WindowHost(window)
    try:
        server = LocalServer(window.lib.path, port=port, host=host)
        host.bridge.server = server
        server.start()
    except PortInUse as exc:
        log.info("citation server not started: %s", exc)
        _status(window, f"Cite-as-you-write server off: {exc}")
        return None
    except AmlrefError as exc:
        log.warning("citation server not started: %s", exc)
        _status(window, f"Cite-as-you-write server off: {exc}")
        return None
    ws = WindowServer(server, host)
    from PySide6.QtCore import QCoreApplication
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(ws.stop)
    return ws


def _status(window, text: str) -> None:
    bar = getattr(window, "statusBar", None)
    if callable(bar):
        bar().showMessage(text, 10000)
