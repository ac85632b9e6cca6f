"""Watches in the window (issue 17) and the needs-metadata view (issue 14), attached to the
main window through its extension points (``node_kinds``, ``node_views``, the context menu's
extra actions) so main_window.py stays small:

- the :class:`~amlref.gui.inbox.WatchScheduler`, started once the window shows (on start and
  every ``watch.interval_hours``), its progress in the status bar, the sidebar rebuilt when a
  run finished, a tray message (or the status bar) with the counts by category; stopped when
  the window closes (a run in flight is cancelled between groups: what was filed stays whole);
- the Inbox nodes' views, and Mark read / Mark unread / Keep / Dismiss on the selected rows
  (keys M, U, K, D in the table; context menu; Dismiss is undoable);
- the Watches menu: Run now, Add PubMed watch…, Watch papers citing this, Manage watches…,
  Suggested watches…;
- View › The field at a glance… (ChartDialog of the current view) and a toolbar button;
- Library › Fetch metadata for articles that need it."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtWidgets import QMenu, QToolBar

from amlref.core.errors import NotFound
from amlref.gui import inbox, needs_metadata
from amlref.gui.workers import describe_error
from amlref.storage.watches import WatchStore

INBOX_KINDS = (inbox.INBOX, inbox.INBOX_WATCH, inbox.INBOX_CATEGORY)


class Dismiss(QUndoCommand):
    """Dismiss articles from an Inbox (one watch's, or all); undo puts the rows back with their
    state and date and forgets the identifiers this command remembered as dismissed."""

    def __init__(self, lib, ids, node, on_change):
        super().__init__(f"Dismiss {len(ids)} article(s) from the Inbox")
        self.lib, self.ids, self.node, self.on_change = lib, list(ids), node, on_change
        store = WatchStore(lib)
        wid = store.get(node[1])["id"] if node and node[0] == inbox.INBOX_WATCH else None
        wanted = set(self.ids)
        self.rows = [i for i in store.items(wid) if i["article_id"] in wanted]
        self.before = self._dismissed()

    def _dismissed(self) -> set[tuple[int, str]]:
        wids = sorted({r["watch_id"] for r in self.rows})
        if not wids:
            return set()
        return {(w, k) for w, k in self.lib.execute(
            f"SELECT watch_id, ident FROM inbox_dismissed WHERE watch_id IN "
            f"({','.join('?' * len(wids))})", wids)}

    def redo(self):
        inbox.set_state(self.lib, self.ids, None, self.node)
        self.on_change()

    def undo(self):
        store = WatchStore(self.lib)
        with self.lib.transaction():
            for w, k in self._dismissed() - self.before:
                self.lib.execute("DELETE FROM inbox_dismissed WHERE watch_id = ? AND ident = ?",
                                 (w, k))
            for r in self.rows:
                store.put(r["watch_id"], [r["article_id"]], r["state"], r["added"])
        self.on_change()


class WatchActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = w = window
        self.started = False
        self.scheduler = inbox.WatchScheduler(w.runner, w.lib, parent=w)
        self.scheduler.progress.connect(lambda text: w.statusBar().showMessage(text, 15000))
        self.scheduler.finished.connect(self._finished)
        self.scheduler.failed.connect(lambda text: w.messages.append(("error", text)))
        self.scheduler.notified.connect(self._notified)
        for kind in INBOX_KINDS:
            w.node_kinds[kind] = (lambda v, k=kind: self.load((k, v)),
                                  lambda v, k=kind: self.label((k, v)))
        w.node_views[needs_metadata.NODE[0]] = needs_metadata.view_fields
        self._build_actions()
        w.view_loaded.connect(lambda _n: self._enable())
        w.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        w.installEventFilter(self)
        self._enable()

    # -- start and stop -------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        if obj is self.w:
            if event.type() == QEvent.Show and not self.started:
                self.started = True                  # after the window is on screen
                QTimer.singleShot(0, self.scheduler.start)
            elif event.type() == QEvent.Close:
                self.scheduler.stop()                # the window waits for the job to end
        return False

    def _finished(self, reports) -> None:
        w = self.w
        if any(r.added or r.known for r in reports):
            w.refresh(True)                          # counts, and the Inbox view shown
            w.index_pending()
        else:
            w.rebuild_sidebar()
        w.job_finished.emit("watches", reports)

    def _notified(self, text: str) -> None:
        self.w.messages.append(("info", f"Watches: {text}"))
        tray = self.scheduler.tray
        if tray is None or not tray.isVisible():     # no tray: the status bar says it
            self.w.statusBar().showMessage(f"Watches: {text}", 30000)

    # -- actions ------------------------------------------------------------------------------
    def _act(self, text, slot, menu=None, shortcut=None, tip=None, name=None) -> QAction:
        a = QAction(text, self.w)
        a.triggered.connect(lambda _=False: slot())
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.w.table.addAction(a)               # keys work where the rows are
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        if name:
            a.setObjectName(name)
        if menu is not None:
            menu.addAction(a)
        return a

    def _build_actions(self) -> None:
        w = self.w
        mb = w.menuBar()
        plugins = w.extensions.menu.menuAction() if w.extensions.menu is not None else None
        m = QMenu("&Watches", w)
        mb.insertMenu(plugins, m) if plugins is not None else mb.addMenu(m)
        self.menu = m
        self.act_run = self._act("&Run watches now", self.run_now, m, name="watches_run",
                                 tip="Look for new papers for every watch (in the background)")
        self.act_add = self._act("&Add PubMed watch…", self.add_dialog, m, name="watches_add")
        self.act_citing = self._act(
            "Watch papers &citing this", self.watch_citing, m, name="watches_citing",
            tip="A citation alert: new papers citing the selected articles")
        self.act_manage = self._act("&Manage watches…", self.manage_dialog, m,
                                    name="watches_manage")
        self.act_suggest = self._act("&Suggested watches…", self.suggest_dialog, m,
                                     name="watches_suggest")
        m.addSeparator()
        self.act_read = self._act("Mark &read", lambda: self.set_state("read"), m, "M",
                                  name="inbox_read")
        self.act_unread = self._act("Mark &unread", lambda: self.set_state("new"), m, "U",
                                    name="inbox_unread")
        self.act_keep = self._act("&Keep", lambda: self.set_state("kept"), m, "K",
                                  tip="Kept: read, and marked as worth keeping",
                                  name="inbox_keep")
        self.act_dismiss = self._act(
            "&Dismiss", self.dismiss, m, "D", name="inbox_dismiss",
            tip="Out of the Inbox; this watch will not bring it back (Undo puts it back)")
        self.inbox_actions = [self.act_read, self.act_unread, self.act_keep, self.act_dismiss]
        w.extensions.context += [*self.inbox_actions, self.act_citing]   # the context menu

        view = next(a.menu() for a in mb.actions() if a.text() == "&View")
        self.act_chart = self._act("The field at a &glance…", self.chart, view, "Ctrl+G",
                                   tip="Articles per year by category, new per week, top "
                                   "journals of this view; export PNG/SVG", name="chart")
        self.act_chart.setShortcutContext(Qt.WindowShortcut)
        w.addAction(self.act_chart)
        view.addAction("Show &Inbox", self.show_inbox)
        view.addAction("Show articles that need &metadata",
                       lambda: w.sidebar.select_node(needs_metadata.NODE))
        lib_menu = next(a.menu() for a in mb.actions() if a.text() == "&Library")
        self._act("Fetch metadata for articles that &need it",
                  lambda: needs_metadata.fetch_all(w), lib_menu, name="fetch_needs_metadata",
                  tip="Look up online the articles made from a PDF alone")
        tb = w.findChild(QToolBar, "main_toolbar")
        if tb is not None:
            tb.insertAction(tb.actions()[3] if len(tb.actions()) > 3 else None, self.act_chart)

    def _enable(self) -> None:
        in_inbox = tuple(self.w.node)[0] in INBOX_KINDS
        if not in_inbox:
            self.w.model.bold_ids = set()            # (unread rows are bold in the Inbox)
        has = bool(self.w.selected_ids())
        for a in self.inbox_actions:
            a.setEnabled(in_inbox and has)
        self.act_citing.setEnabled(has)

    # -- the Inbox views ------------------------------------------------------------------------
    def load(self, node) -> None:
        """The ids of an Inbox node in the table's order (unread ones in bold: Mark read
        leaves the rows where they are), filtered by the search box."""
        from amlref.gui import queries
        from amlref.services.views import View
        w = self.w
        try:
            ids = queries.sort_ids(w.lib, inbox.inbox_ids(w.lib, node), w.model.sort_column,
                                   w.model.sort_desc)
            q = w.search.text().strip()
            if len(q) >= 2:
                keep = set(queries.ids_for(w.lib, View(query=q), w.model.sort_column,
                                           w.model.sort_desc))
                ids = [i for i in ids if i in keep]
        except NotFound as exc:           # (a watch removed since): All articles
            w.statusBar().showMessage(describe_error(exc), 8000)
            w.node = ("all", None)
            w.sidebar.select_node(w.node, emit=False)
            w.reload()
            return
        w.model.bold_ids = set(inbox.unread_ids(w.lib, node))
        w._ids_loaded(ids, "")
        self._enable()

    def label(self, node) -> str:
        kind, value = node
        if kind == inbox.INBOX_WATCH:
            return f"Inbox of {value}"
        if kind == inbox.INBOX_CATEGORY:
            from amlref.gui.queries import label
            return f"Inbox: {label(value)}"
        return "Inbox"

    def show_inbox(self) -> None:
        if not self.w.sidebar.select_node((inbox.INBOX, None)):
            self.w.statusBar().showMessage(
                "No Inbox yet: Watches › Add PubMed watch… or Suggested watches…", 8000)

    def apply_interval(self) -> None:
        """The timer after ``watch.interval_hours`` changed (no run now)."""
        ms = self.scheduler.interval_ms()
        if ms:
            self.scheduler.timer.start(ms)
        else:
            self.scheduler.timer.stop()

    def _after_change(self) -> None:
        self.refresh_inbox(rows_changed=True)

    def refresh_inbox(self, rows_changed: bool) -> None:
        """New counts in the Inbox node only (not the whole sidebar: its category counts cost
        more at 100,000 articles), then the view: reloaded when rows went or came back, else
        only repainted (the unread ones in bold)."""
        from amlref.gui.sidebar import NODE
        w, sb = self.w, self.w.sidebar
        tops = [sb.topLevelItem(i) for i in range(sb.topLevelItemCount())]
        old = next((it for it in tops if it.data(0, NODE) == (inbox.INBOX, None)), None)
        current = sb.current_node()
        sb.blockSignals(True)
        try:
            if old is None:
                w.rebuild_sidebar()
            else:
                index, expanded = sb.indexOfTopLevelItem(old), old.isExpanded()
                sb.takeTopLevelItem(index)
                new = inbox.add_inbox_node(sb, w.lib, index=index)
                if new is not None:
                    new.setExpanded(expanded)
            if current is not None:
                sb.select_node(current, emit=False)
        finally:
            sb.blockSignals(False)
        if tuple(w.node)[0] not in INBOX_KINDS:
            return
        if rows_changed:
            w.reload()
        else:
            w.model.bold_ids = set(inbox.unread_ids(w.lib, tuple(w.node)))
            w.model.invalidate()

    def set_state(self, state: str) -> int:
        w = self.w
        ids = w.selected_ids()
        if not ids or tuple(w.node)[0] not in INBOX_KINDS:
            return 0
        n = inbox.set_state(w.lib, ids, state, tuple(w.node))
        self.refresh_inbox(rows_changed=False)
        return n

    def dismiss(self) -> None:
        w = self.w
        ids = w.selected_ids()
        if ids and tuple(w.node)[0] in INBOX_KINDS:
            w._push(Dismiss(w.lib, ids, tuple(w.node), self._after_change))

    # -- the menu's dialogs -----------------------------------------------------------------
    def run_now(self) -> bool:
        if not WatchStore(self.w.lib).all():
            self.w.statusBar().showMessage("No watches yet: Watches › Add PubMed watch…", 8000)
            return False
        if not self.scheduler.run_now():
            self.w.statusBar().showMessage("Watches: a run is going already", 5000)
            return False
        return True

    def add_dialog(self):
        from amlref.gui.watch_dialogs import AddWatchDialog
        d = AddWatchDialog(self.w.lib, self.w)
        d.setAttribute(Qt.WA_DeleteOnClose)
        d.accepted.connect(lambda: self._added([d.added], getattr(d, "note", "")))
        d.open()
        return d

    def suggest_dialog(self):
        from amlref.gui.watch_dialogs import DefaultWatchesDialog
        d = DefaultWatchesDialog(self.w.lib, self.w)
        d.setAttribute(Qt.WA_DeleteOnClose)
        d.accepted.connect(lambda: self._added(d.added))
        d.open()
        return d

    def manage_dialog(self):
        from amlref.gui.watch_dialogs import ManageWatchesDialog
        d = ManageWatchesDialog(self.w.lib, self.w)
        d.setAttribute(Qt.WA_DeleteOnClose)
        d.run_requested.connect(self.run_now)
        d.interval_changed.connect(self.apply_interval)
        self.scheduler.finished.connect(d.fill)
        d.finished.connect(lambda _r: self.scheduler.finished.disconnect(d.fill))
        d.finished.connect(lambda _r: self.w.refresh(True) if d.changed else None)
        d.open()
        return d

    def _added(self, names, note: str = "") -> None:
        names = [n for n in names if n]
        if not names:
            return
        self.w.rebuild_sidebar()
        self.w.statusBar().showMessage(
            f"Watch{'es' if len(names) > 1 else ''} added: {', '.join(names)}"
            + (f" ({note})" if note else "") + " — looking for papers now", 10000)
        self.run_now()

    def watch_citing(self) -> str:
        w = self.w
        try:
            name = inbox.watch_citing(w.lib, w.selected_ids())
        except Exception as exc:
            w.error(f"Watch papers citing this: {describe_error(exc)}")
            return ""
        self._added([name])
        return name

    def chart_view(self):
        """(View, title) of the chart: the current view's; in the Inbox, the watch's articles
        (its tag), the category, or the whole library."""
        from amlref.gui.queries import label
        from amlref.services.views import View
        w = self.w
        kind, value = tuple(w.node)
        if kind == inbox.INBOX_WATCH:
            return View(tag=value), f"Articles brought by the watch {value}"
        if kind == inbox.INBOX_CATEGORY:
            return View(category=value), label(value)
        if kind == inbox.INBOX:
            return View(), "All articles"
        return w.current_view(), w.view_label()

    def chart(self):
        from amlref.gui.chart import ChartDialog
        w = self.w
        try:
            d = ChartDialog(w.lib, *self.chart_view(), parent=w)
        except Exception as exc:
            w.error(f"The field at a glance: {describe_error(exc)}")
            return None
        d.setAttribute(Qt.WA_DeleteOnClose)
        d.show()
        return d


def install(window) -> WatchActions:
    window.watch_actions = WatchActions(window)
    return window.watch_actions
