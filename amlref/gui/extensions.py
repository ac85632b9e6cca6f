"""The window side of the plugin API (amlref.plugins.api): actions on the selected articles
(Plugins menu, context menu, toolbar), detail-pane tabs, table columns and sidebar nodes
contributed through entry points -- AMLRef's own ones too.

A plugin never sees the window: it gets a :class:`WindowAPI`.  Hooks that compute per article
(a column's values, a tab's HTML) run in a worker thread of their own, one per contribution, and
their results are cached: a slow hook shows "…" where its value will be, the window goes on.
A sidebar node's query runs as a background job with its own library connection.  A hook that
raises disables its contribution for the session, says so in the status bar and is listed with
its error in the plugin manager."""
from __future__ import annotations

import logging
import queue
import threading

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTextBrowser, QToolBar

from amlref.plugins.api import AppAPI
from amlref.plugins.registry import registry

log = logging.getLogger(__name__)
PENDING = "…"
BATCH = 200


class WindowAPI(AppAPI):
    """The API object a plugin gets in the window."""

    def __init__(self, window):
        super().__init__(window.lib)
        self._w = window

    def selection(self) -> list[int]:
        return self._w.selected_ids()

    def run_in_background(self, fn, title: str = "", done=None) -> None:
        w = self._w
        title = title or "Plugin"
        w.runner.start(fn, title, on_done=done, on_error=lambda m: w.error(f"{title}: {m}"),
                       parent=w)

    def show_message(self, text: str, kind: str = "info") -> None:
        self.messages.append((kind, text))
        self._w.show_message(kind, "Plugin", text)

    def open_url(self, url: str) -> None:
        self._w.open_url(url)

    def refresh(self) -> None:
        self._w.refresh(True)


class _Worker(QObject):
    """One daemon thread running one contribution's hook; results come back as a signal (queued
    to the GUI thread).  Daemon: a hook that never returns cannot keep the app from quitting."""
    done = Signal(object, object)      # token, result
    failed = Signal(object, str)       # exception, hook name

    def __init__(self, fn, hook: str, parent=None):
        super().__init__(parent)
        self.fn, self.hook = fn, hook
        self.q: queue.Queue = queue.Queue()
        threading.Thread(target=self._loop, daemon=True, name=f"plugin-{hook}").start()

    def submit(self, token, items) -> None:
        self.q.put((token, items))

    def stop(self) -> None:
        self.q.put(None)

    def _loop(self) -> None:
        while True:
            job = self.q.get()
            if job is None:
                return
            token, items = job
            try:
                result = self.fn(items)
            except Exception as exc:   # reported on the GUI thread, the plugin disabled
                self.failed.emit(exc, self.hook)
                return
            self.done.emit(token, result)


class ExtensionColumn:
    """A plugin column in the table model: ``text(article_id)`` answers at once from the cache
    or "…" while the value is computed."""

    def __init__(self, ext: "Extensions", name: str, col):
        self.ext, self.name, self.col = ext, name, col
        self.header = col.header or name
        self.cache: dict[int, str] = {}
        self.wanted: set[int] = set()
        self.asked: set[int] = set()
        self.alive = True
        self.worker = _Worker(lambda arts: {a.id: str(col.value(a) or "") for a in arts},
                              "value")
        self.worker.done.connect(self._done)
        self.worker.failed.connect(lambda exc, hook: ext.failed("amlref.columns", name, exc,
                                                                hook))
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._ask)

    def text(self, article_id: int) -> str:
        v = self.cache.get(article_id)
        if v is not None:
            return v
        if self.alive and article_id not in self.asked:
            self.wanted.add(article_id)
            self.timer.start()
        return PENDING if self.alive else ""

    def forget(self, ids=None) -> None:
        if ids is None:
            self.cache.clear()
            self.asked.clear()
        else:
            for i in ids:
                self.cache.pop(i, None)
                self.asked.discard(i)

    def _ask(self) -> None:
        ids, self.wanted = sorted(self.wanted), set()
        self.asked.update(ids)
        for i in range(0, len(ids), BATCH):
            self.worker.submit(None, self.ext.lib.articles.get_many(ids[i:i + BATCH]))

    def _done(self, _token, values: dict) -> None:
        self.cache.update(values)
        self.ext.column_changed(self, values.keys())


class ExtensionTab:
    """A plugin tab in the detail pane: HTML rendered in its worker for the article shown."""

    def __init__(self, ext: "Extensions", name: str, tab):
        self.ext, self.name, self.tab = ext, name, tab
        self.widget = QTextBrowser()
        self.widget.setObjectName(f"plugin_tab_{name}")
        self.widget.setOpenLinks(False)
        self.widget.anchorClicked.connect(lambda url: ext.window.open_url(url.toString()))
        self.article_id: int | None = None
        self.worker = _Worker(lambda a: tab.render(a[0], a[1]), "render")
        self.worker.done.connect(self._done)
        self.worker.failed.connect(lambda exc, hook: ext.failed("amlref.detail_tabs", name, exc,
                                                                hook))

    def show(self, article, categories) -> None:
        self.article_id = article.id if article is not None else None
        if article is None:
            self.widget.clear()
            return
        self.widget.setHtml(f"<p><i>{PENDING}</i></p>")
        self.worker.submit(article.id, (article, categories))

    def _done(self, article_id, text) -> None:
        if article_id == self.article_id:    # (an answer for an article no longer shown: dropped)
            self.widget.setHtml(str(text or ""))


class Extensions:
    """Everything plugins add to one window."""

    def __init__(self, window):
        self.window = window
        self.lib = window.lib
        self.api = WindowAPI(window)
        self.columns: list[ExtensionColumn] = []
        self.tabs: dict[str, ExtensionTab] = {}
        self.actions: dict[str, QAction] = {}
        self.context: list[QAction] = []
        self.nodes: dict[str, object] = {}
        self.menu = None

    # -- building --------------------------------------------------------------------------
    def install(self) -> "Extensions":
        w = self.window
        self._guard("amlref.columns", None, self._add_columns)
        self._guard("amlref.detail_tabs", None, self._add_tabs)
        self._guard("amlref.sidebar_nodes", None, self._add_nodes)
        self._guard("amlref.actions", None, self._add_actions)
        w.detail.article_shown.connect(self.article_shown)
        w.node_kinds["plugin"] = (self.load_node, self.node_label)   # the window's node views
        w.table.selectionModel().selectionChanged.connect(lambda *_: self._enable_actions())
        self._enable_actions()
        for p in registry.problems:
            log.warning("plugin %s (%s) disabled: %s", p.name, p.dist, p.error)
        if registry.problems:
            names = sorted({p.dist or p.name for p in registry.problems})
            w.statusBar().showMessage(f"Plugins disabled after errors: {', '.join(names)} "
                                      "(Plugins > Manage plugins…)", 15000)
        return self

    def _guard(self, group, name, fn, *args):
        try:
            return fn(*args)
        except Exception as exc:
            if name is None:
                raise
            self.failed(group, name, exc, "")
            return None

    def _add_columns(self) -> None:
        m = self.window.model
        for name, col in registry.columns().items():
            c = ExtensionColumn(self, name, col)
            self.columns.append(c)
        if self.columns:
            first = m.columnCount()
            m.beginInsertColumns(m.index(0, 0).parent(), first, first + len(self.columns) - 1)
            m.extra_columns = self.columns
            m.endInsertColumns()
            for i, c in enumerate(self.columns):
                self.window.table.setColumnWidth(first + i, int(getattr(c.col, "width", 100)))

    def _add_tabs(self) -> None:
        for name, tab in registry.detail_tabs().items():
            t = ExtensionTab(self, name, tab)
            self.tabs[name] = t
            self.window.detail.tabs.addTab(t.widget, tab.label or name)

    def _add_nodes(self) -> None:
        self.nodes = dict(registry.sidebar_nodes())
        self.window.sidebar.extra_nodes = [
            (n.label or name, ("plugin", name), n.tooltip or n.query or "")
            for name, n in self.nodes.items()]

    def _add_actions(self) -> None:
        w = self.window
        self.menu = w.menuBar().addMenu("&Plugins")
        acts = registry.actions()
        toolbar = w.findChild(QToolBar, "main_toolbar")
        for name, act in acts.items():
            a = QAction(act.label or name, w)
            a.setObjectName(f"plugin_action_{name}")
            if act.tooltip:
                a.setStatusTip(act.tooltip)
                a.setToolTip(act.tooltip)
            if act.shortcut:
                a.setShortcut(act.shortcut)
            a.triggered.connect(lambda _=False, n=name, x=act: self.run_action(n, x))
            self.actions[name] = a
            places = tuple(act.places or ())
            if "menu" in places:
                self.menu.addAction(a)
            if "context" in places:
                self.context.append(a)
            if "toolbar" in places and toolbar is not None:
                toolbar.addAction(a)
        if acts:
            self.menu.addSeparator()
        self.menu.addAction("&Manage plugins…", self.manager)

    # -- running ---------------------------------------------------------------------------
    def run_action(self, name: str, act) -> None:
        try:
            act.run(self.api)
        except Exception as exc:
            self.failed("amlref.actions", name, exc, "run")

    def _enable_actions(self) -> None:
        has = bool(self.window.selected_ids())
        for name, a in self.actions.items():
            act = registry.actions().get(name)
            a.setEnabled(act is not None and (has or not getattr(act, "needs_selection", True)))

    def context_actions(self) -> list[QAction]:
        return [a for a in self.context if a.isEnabled()]

    def article_shown(self, article_id: int) -> None:
        a = self.window.detail.article if article_id >= 0 else None
        cats = self.api.categories_of(a.id) if a is not None else []
        for t in self.tabs.values():
            t.show(a, cats)

    def column_changed(self, col: ExtensionColumn, ids) -> None:
        m = self.window.model
        c = m.columnCount() - len(self.columns) + self.columns.index(col)
        rows = [r for r in (m.row_of(i) for i in ids) if r >= 0]
        if rows:
            m.dataChanged.emit(m.index(min(rows), c), m.index(max(rows), c))

    def node_label(self, name: str) -> str:
        n = self.nodes.get(name)
        return (n.label or name) if n is not None else name

    def load_node(self, name: str) -> None:
        """Ids of a plugin's sidebar node, in the table's order, filtered by the search box:
        computed in a background job; the answer goes to the window like any view's."""
        from amlref.gui import queries
        from amlref.services.views import View
        w = self.window
        node = self.nodes.get(name)
        if node is None:    # (uninstalled or failed since the view was saved): All articles
            w.statusBar().showMessage(f"The plugin view {name!r} is not available", 8000)
            w.node = ("all", None)
            w.sidebar.select_node(w.node, emit=False)
            w.reload()
            return
        q = w.search.text().strip()
        q = q if len(q) >= 2 else None
        column, desc = w.model.sort_column, w.model.sort_desc

        def work(lib, progress, cancel):
            if node.query:
                query = f"{node.query} {q}" if q else node.query
                return queries.ids_for(lib, View(query=query), column, desc)
            wanted = set(node.article_ids(lib))
            return [i for i in queries.ids_for(lib, View(query=q), column, desc) if i in wanted]

        def done(ids):
            if tuple(w.node) == ("plugin", name):
                w._ids_loaded(list(ids), "")

        def error(message):
            self.failed("amlref.sidebar_nodes", name, RuntimeError(message), "article_ids")
            if tuple(w.node) == ("plugin", name):
                w._ids_loaded([], "")
        w.runner.start(work, self.node_label(name), done, error, parent=None, progress=False)

    # -- failures ----------------------------------------------------------------------------
    def failed(self, group: str, name: str, exc: BaseException, hook: str) -> None:
        """A hook raised: off for this session, said in the status bar, listed in the manager."""
        info = registry.fail(group, name, exc, hook)
        w = self.window
        text = f"Plugin {info.dist or name}: {info.kind} {name!r} {info.error}; it is disabled"
        w.messages.append(("error", text))
        w.statusBar().showMessage(text, 15000)
        if group == "amlref.columns":
            first = w.model.columnCount() - len(self.columns)
            for i, c in enumerate(self.columns):
                if c.name == name:
                    c.alive = False
                    c.cache.clear()
                    w.table.setColumnHidden(first + i, True)
            w.model.invalidate()
        elif group == "amlref.detail_tabs" and name in self.tabs:
            t = self.tabs.pop(name)
            i = w.detail.tabs.indexOf(t.widget)
            if i >= 0:
                w.detail.tabs.removeTab(i)
        elif group == "amlref.actions" and name in self.actions:
            self.actions[name].setEnabled(False)
            self.actions[name].setVisible(False)
        elif group == "amlref.sidebar_nodes":
            self.nodes.pop(name, None)

    def manager(self) -> None:
        from amlref.gui.plugin_manager import PluginManagerDialog
        PluginManagerDialog(self.window).exec()

    def close(self) -> None:
        for c in self.columns:
            c.worker.stop()
        for t in self.tabs.values():
            t.worker.stop()


def install(window) -> Extensions:
    return Extensions(window).install()
