"""The dialogs of the Watches menu: add a PubMed watch (name and query, the query checked here
and then by PubMed itself), manage the watches (last run, remove with confirmation), and the
default watches built from the taxonomy (services.watches.suggest), editable before they are
saved, offered once on a new empty library."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox,
                               QDoubleSpinBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from amlref.sources.pubmed_query import query_problem
from amlref.storage.watches import WatchStore

OFFERED_KEY = "gui.default_watches_offered"      # a library setting: asked once per library


class _Checker(QObject):
    """Asks PubMed (esearch, no ids) whether it understands a query, in a thread of its own:
    ``done(count, notes, error)`` (notes: terms among alternatives PubMed does not know)."""
    done = Signal(int, str, str)

    def check(self, lib, query: str) -> None:
        from amlref.services.online import Online
        from amlref.sources.pubmed import search_page
        from amlref.gui.workers import describe_error
        source = Online.for_library(lib).pubmed

        def work():
            try:
                r = search_page(source, query, 0, 0)
            except Exception as exc:      # QueryError, NetworkError: one line
                self.done.emit(-1, "", describe_error(exc))
                return
            self.done.emit(int(r["count"]), "; ".join(r["notes"]), "")
        threading.Thread(target=work, daemon=True, name="amlref-query-check").start()


class AddWatchDialog(QDialog):
    """Name + PubMed query.  OK checks the query here, then asks PubMed; the watch is added
    when PubMed understands it (``added`` is its name).  When PubMed cannot be reached, a
    second OK adds it unchecked."""

    def __init__(self, lib, parent=None, name: str = "", query: str = ""):
        super().__init__(parent)
        self.lib = lib
        self.setWindowTitle("Add PubMed watch")
        self.name = QLineEdit(name)
        self.name.setObjectName("watch_name")
        self.query = QPlainTextEdit(query)
        self.query.setObjectName("watch_query")
        self.query.setPlaceholderText('e.g. "Leukemia, Myeloid, Acute"[MeSH Terms] AND '
                                      '(CD123 OR CD33) AND (CAR-T[tiab] OR "bispecific"[tiab])')
        self.query.setMinimumHeight(90)
        self.status = QLabel("New records that enter PubMed for this query come into the "
                             "Inbox (first run: the last watch.first_days days).")
        self.status.setObjectName("watch_status")
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("PubMed query", self.query)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Check and add")
        self.buttons.accepted.connect(self.check_and_add)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)
        self.resize(620, 260)
        self.added = ""
        self._unreachable = False
        self.checker = _Checker(self)
        self.checker.done.connect(self._checked)

    def _say(self, text: str, bad: bool = True) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #a00000;" if bad else "")

    def check_and_add(self) -> None:
        name, query = self.name.text().strip(), self.query.toPlainText().strip()
        if not name:
            return self._say("Give the watch a name.")
        if WatchStore(self.lib).find(name) is not None:
            return self._say(f"A watch named {name!r} exists already.")
        problem = query_problem(query)
        if problem:
            return self._say(f"Query: {problem}.")
        if self._unreachable:
            return self._add(name, query)
        self.buttons.setEnabled(False)
        self._say("Asking PubMed whether it understands the query…", bad=False)
        self.checker.check(self.lib, query)

    def _checked(self, count: int, notes: str, error: str) -> None:
        self.buttons.setEnabled(True)
        if error:
            if "refused" in error or "does not understand" in error:
                return self._say(error)
            self._unreachable = True
            return self._say(f"{error} — the query could not be checked; OK adds it "
                             "unchecked.")
        self._add(self.name.text().strip(), self.query.toPlainText().strip(),
                  f"PubMed finds {count:,} records for it today."
                  + (f" It ignores terms it does not know ({notes})." if notes else ""))

    def _add(self, name: str, query: str, note: str = "") -> None:
        from amlref.services.watches import add_query
        from amlref.gui.workers import describe_error
        try:
            add_query(self.lib, name, query)
        except Exception as exc:
            return self._say(describe_error(exc))
        self.added = name
        self.note = note
        self.accept()


class ManageWatchesDialog(QDialog):
    """Every watch with its kind, query or targets, last run and what it brought; Remove (after
    a confirmation: its Inbox goes, the articles stay), Run now."""
    run_requested = Signal()
    interval_changed = Signal()

    def __init__(self, lib, parent=None, confirm=None):
        super().__init__(parent)
        self.lib = lib
        self.confirm = confirm or self._ask
        self.changed = False
        self.setWindowTitle("Manage watches")
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("watches")
        self.table.setHorizontalHeaderLabels(["Name", "Kind", "Query / articles", "Last run",
                                              "Last brought", "Inbox (unread)"])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.clicked.connect(self.remove_selected)
        run = QPushButton("Run all now")
        run.clicked.connect(self.run_requested.emit)
        bb = QDialogButtonBox(QDialogButtonBox.Close)
        bb.addButton(self.remove_button, QDialogButtonBox.ActionRole)
        bb.addButton(run, QDialogButtonBox.ActionRole)
        bb.rejected.connect(self.reject)
        from amlref.services import config
        self.interval = QDoubleSpinBox()
        self.interval.setObjectName("watch_interval")
        self.interval.setRange(0, 24 * 28)
        self.interval.setDecimals(1)
        self.interval.setSuffix(" hours")
        self.interval.setSpecialValueText("only when the window opens")
        self.interval.setValue(float(config.get(lib, "watch.interval_hours")))
        self.interval.valueChanged.connect(self._set_interval)
        self.on_start = QCheckBox("Run the watches when the window opens")
        self.on_start.setChecked(bool(config.get(lib, "watch.on_start")))
        self.on_start.toggled.connect(
            lambda on: config.set_value(lib, "watch.on_start", "true" if on else "false"))
        when = QHBoxLayout()
        when.addWidget(QLabel("While the window is open, run them every"))
        when.addWidget(self.interval)
        when.addWidget(self.on_start)
        when.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addLayout(when)
        lay.addWidget(bb)
        self.resize(980, 380)
        self.fill()

    def _set_interval(self, hours: float) -> None:
        from amlref.services import config
        config.set_value(self.lib, "watch.interval_hours", f"{hours:g}")
        self.interval_changed.emit()

    def fill(self) -> None:
        store = WatchStore(self.lib)
        counts = store.counts()["watches"]
        watches = store.all()
        self.table.setRowCount(len(watches))
        for r, w in enumerate(watches):
            what = w["query"] if w["kind"] == "pubmed" else ", ".join(
                t.get("citekey") or t.get("pmid") or t.get("doi") for t in w["targets"])
            last = (w["last_run"] or "never").replace("T", " ").rstrip("Z")
            if w["last_error"]:
                last += f" — failed: {w['last_error']}"
            c = counts.get(w["name"], {"unread": 0, "total": 0})
            cells = [w["name"], "PubMed query" if w["kind"] == "pubmed" else "citing",
                     what, last, "" if w["last_run"] is None else str(w["last_count"] or 0),
                     f"{c['total']} ({c['unread']})"]
            for col, text in enumerate(cells):
                it = QTableWidgetItem(text)
                it.setToolTip(text)
                self.table.setItem(r, col, it)
        self.table.resizeColumnToContents(0)

    def names(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def _ask(self, names: list[str]) -> bool:
        return QMessageBox.question(
            self, "Remove watches",
            f"Remove {', '.join(repr(n) for n in names)}?  Its Inbox goes; the articles it "
            "brought stay in the library with their tag.") == QMessageBox.Yes

    def remove_selected(self) -> int:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        names = [self.table.item(r, 0).text() for r in rows]
        if not names or not self.confirm(names):
            return 0
        store = WatchStore(self.lib)
        for n in names:
            store.remove(n)
        self.changed = True
        self.fill()
        return len(names)


class DefaultWatchesDialog(QDialog):
    """One PubMed watch per top-level category of the taxonomy (services.watches.suggest):
    ticked, name and query editable; Save adds the ticked ones."""

    def __init__(self, lib, parent=None):
        super().__init__(parent)
        from amlref.services.watches import suggest
        self.lib = lib
        self.added: list[str] = []
        self.setWindowTitle("Watches for new papers")
        intro = QLabel("AMLRef can look in PubMed for new papers in each immunotherapy category "
                       "(on start and every few hours; they come into the Inbox).  These "
                       "queries come from the taxonomy; untick or edit them before saving.")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("default_watches")
        self.table.setHorizontalHeaderLabels(["Watch", "PubMed query"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.setWordWrap(False)
        try:
            rows = suggest()
        except Exception as exc:       # a taxonomy without the AML heading: say so
            from amlref.gui.workers import describe_error
            rows = []
            intro.setText(describe_error(exc))
        self.table.setRowCount(len(rows))
        have = {w["name"] for w in WatchStore(lib).all()}
        for r, (name, query) in enumerate(rows):
            n = QTableWidgetItem(name)
            n.setFlags(n.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsEditable)
            n.setCheckState(Qt.Unchecked if name in have else Qt.Checked)
            q = QTableWidgetItem(query)
            q.setToolTip(query)
            self.table.setItem(r, 0, n)
            self.table.setItem(r, 1, q)
        self.table.resizeColumnToContents(0)
        # the queries are long (hundreds of characters): the selected one is edited below
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("default_watch_query")
        self.editor.setPlaceholderText("Select a watch to see and edit its whole query")
        self.editor.setMaximumHeight(140)
        self.editor.textChanged.connect(self._edited)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_query(row))
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #a00000;")
        bb = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        bb.button(QDialogButtonBox.Save).setText("Add these watches")
        bb.button(QDialogButtonBox.Cancel).setText("Not now")
        bb.accepted.connect(self.save)
        bb.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table)
        lay.addWidget(self.editor)
        lay.addWidget(self.status)
        lay.addWidget(bb)
        self.resize(900, 520)
        if rows:
            self.table.setCurrentCell(0, 1)

    def _show_query(self, row: int) -> None:
        item = self.table.item(row, 1) if row >= 0 else None
        self.editor.blockSignals(True)
        self.editor.setPlainText(item.text() if item is not None else "")
        self.editor.setEnabled(item is not None)
        self.editor.blockSignals(False)

    def _edited(self) -> None:
        item = self.table.item(self.table.currentRow(), 1)
        if item is not None:
            text = self.editor.toPlainText()
            item.setText(text)
            item.setToolTip(text)

    def rows(self) -> list[tuple[str, str]]:
        """The ticked (name, query) pairs as edited."""
        return [(self.table.item(r, 0).text().strip(), self.table.item(r, 1).text().strip())
                for r in range(self.table.rowCount())
                if self.table.item(r, 0).checkState() == Qt.Checked]

    def save(self) -> None:
        """Check every ticked row first; add them all, or none when one is wrong."""
        from amlref.services.watches import add_query
        rows = self.rows()
        store = WatchStore(self.lib)
        for name, query in rows:
            problem = ("it needs a name" if not name else
                       "a watch of that name exists already" if store.find(name) else
                       query_problem(query))
            if problem:
                self.status.setText(f"{name or 'A watch'}: {problem}.")
                return
        if len({n for n, _ in rows}) != len(rows):
            self.status.setText("Two watches have the same name.")
            return
        try:
            with self.lib.transaction():          # all or none
                for name, query in rows:
                    add_query(self.lib, name, query)
        except Exception as exc:                  # (one line, the dialog stays)
            from amlref.gui.workers import describe_error
            self.status.setText(describe_error(exc))
            return
        self.added = [n for n, _ in rows]
        self.accept()


def should_offer(lib) -> bool:
    """A new empty library without watches, not asked before."""
    return (not lib.settings.get(OFFERED_KEY, False) and not WatchStore(lib).all()
            and lib.articles.count(include_deleted=True) == 0)


def offer_defaults(window) -> DefaultWatchesDialog | None:
    """On a new empty library, once: the default watches, shown (not waited for)."""
    if not should_offer(window.lib):
        return None
    window.lib.settings.set(OFFERED_KEY, True)
    return window.watch_actions.suggest_dialog()
