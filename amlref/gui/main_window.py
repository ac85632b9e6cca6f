"""The main window: sidebar | article table | detail pane, a search box that filters as you
type, drag and drop in and out, dialogs, undo/redo.  Widgets call the Library facade and the
services; long work goes to :class:`~amlref.gui.workers.JobRunner`.  Drops and imports are in
gui/drops.py, undoable edits in gui/edits.py, library-wide jobs and dialogs in
gui/library_jobs.py, the table's context menu with the edits, auto-export in
gui/autoexport_jobs.py (mixins of this class); plugins' parts in gui/extensions.py."""
from __future__ import annotations

import json
import logging
import os

from PySide6.QtCore import QByteArray, QSettings, QTimer, QUrl, Qt, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLabel, QLineEdit,
    QMainWindow, QMessageBox, QSplitter, QTableView, QToolBar)

from amlref.gui import (backup_actions, copy_formatted, extensions, queries, suggestions,
                        watch_actions)
from amlref.gui.detail import DetailPane
from amlref.gui.autoexport_jobs import AutoExportMixin
from amlref.gui.drops import DropsMixin
from amlref.gui.edits import EditsMixin
from amlref.gui.library_jobs import LibraryJobsMixin
from amlref.gui.picker import start_server_for_window
from amlref.gui.sidebar import Sidebar
from amlref.gui.table_model import ArticleTableModel
from amlref.gui.workers import JobRunner, ViewLoader, describe_error
from amlref.services.views import View

from PySide6.QtCore import QItemSelectionModel  # noqa: E402

log = logging.getLogger(__name__)

_SELECT_ROWS = QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
COLUMN_WIDTHS = (140, 44, 290, 120, 150, 60, 84, 36)   # last: "has PDF" icon
SEARCH_DELAY_MS = 150
VIEW_OF_NODE = {"category": lambda v: {"category": v}, "facet": lambda v: {"facets": [v]},
                "suggested": lambda v: {"suggested": v}, "tag": lambda v: {"tag": v},
                "trash": lambda v: {"trash": True}}

class MainWindow(DropsMixin, EditsMixin, LibraryJobsMixin, AutoExportMixin, QMainWindow):
    view_loaded = Signal(int)          # the view is complete: number of rows
    first_rows = Signal(int)           # the first screen of a view is shown (maybe not all yet)
    job_finished = Signal(str, object)  # what, result (report / message)

    def __init__(self, lib, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.lib = lib
        self.settings = settings if settings is not None else QSettings("AMLRef", "AMLRef")
        self.messages: list[tuple[str, str]] = []   # (kind, text) of every message shown
        self.last_report = None
        self.node = ("all", None)
        self.node_kinds: dict[str, tuple] = {}       # node kind -> (load(value), label(value))
        self.node_views = dict(VIEW_OF_NODE)         # node kind -> View fields
        self._pending_select: list[int] | None = None
        self._partial = False
        self._detail_dirty = False
        self._dup_count: int | None = None
        self.undo_stack = QUndoStack(self)
        self.autoexport_timer = QTimer(self)
        self.autoexport_timer.setSingleShot(True)
        self.autoexport_timer.setInterval(1500)
        self.autoexport_timer.timeout.connect(self.run_auto_exports)
        self.runner = JobRunner(str(lib.path), self)
        self.loader = ViewLoader(str(lib.path), self)
        self.loader.loaded.connect(self._ids_loaded)
        self.setWindowTitle(f"AMLRef — {os.path.basename(str(lib.path))}")
        self.setAcceptDrops(True)
        self._build_ui()
        self._build_actions()
        self.extensions = extensions.install(self)   # plugins' columns, tabs, nodes, actions
        watch_actions.install(self)     # Watches menu, Inbox, chart, needs metadata, scheduler
        self._restore_settings()
        self.reload()            # the ids load in the loader thread while the sidebar is built
        self.rebuild_sidebar()
        self.sidebar.select_node(self.node, emit=False)
        self._update_categories()
        suggestions.install(self)
        # cite as you write: Better BibTeX's local interface for the editors (a setting; off
        # with a status-bar message when the port is taken)
        self.cite_server = start_server_for_window(self)

    # == UI ====================================================================================
    def _build_ui(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search: words, \"a phrase\", author:name, title:car, "
                                       "year:2020..2024, doi:…, -exclude   (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self._search_now)

        self.sidebar = Sidebar()
        self.sidebar.node_selected.connect(self.select_node)
        self.sidebar.dropped_on.connect(self.handle_mime)

        self.model = ArticleTableModel(self.lib, self)
        self.model.sort_requested.connect(self._sort_requested)
        t = self.table = QTableView()
        t.setObjectName("articles")
        t.setModel(self.model)
        t.setSelectionBehavior(QAbstractItemView.SelectRows)
        t.setSelectionMode(QAbstractItemView.ExtendedSelection)
        t.setSortingEnabled(True)
        t.horizontalHeader().setSortIndicator(queries.COLUMNS.index(queries.DEFAULT_SORT[0]),
                                              Qt.DescendingOrder)
        t.setDragEnabled(True)
        t.setDragDropMode(QAbstractItemView.DragOnly)
        t.setDefaultDropAction(Qt.CopyAction)
        t.setWordWrap(False)
        t.setAlternatingRowColors(True)
        t.setShowGrid(False)
        t.verticalHeader().hide()
        t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 8)
        t.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        t.horizontalHeader().setHighlightSections(False)
        t.horizontalHeader().setStretchLastSection(False)
        for i, w in enumerate(COLUMN_WIDTHS):
            t.setColumnWidth(i, w)
        t.setContextMenuPolicy(Qt.CustomContextMenu)
        t.customContextMenuRequested.connect(self._table_menu)
        t.selectionModel().selectionChanged.connect(self._selection_changed)
        t.doubleClicked.connect(lambda _i: self.detail.tabs.setCurrentIndex(0))

        self.detail = DetailPane()
        self.detail.edit_requested.connect(self.edit_article)
        self.detail.category_toggled.connect(
            lambda aid, slug, on: self.set_category([aid], slug, bool(on)))
        self.detail.tag_requested.connect(lambda aid, name, add: self.tag([aid], name, bool(add)))
        self.detail.note_saved.connect(self.save_note)
        self.detail.jump_requested.connect(self.jump_to)
        self.detail.stub_add_requested.connect(self.add_stub)
        self.detail.link_activated.connect(self.open_url)
        self.detail.missing_requested.connect(self.show_missing_papers)
        self.detail.files.query = self.search.text     # pages of the searched words in PDFs

        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([250, 880, 450])
        self.setCentralWidget(self.splitter)
        self.count_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)
        self.resize(1440, 860)

    def _action(self, text, slot, shortcut=None, menu=None, context=None, tip=None):
        a = QAction(text, self)
        a.triggered.connect(lambda _=False: slot())
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        if context is not None:
            a.setShortcutContext(context)
        if tip:
            a.setStatusTip(tip)
        if menu is not None:
            menu.addAction(a)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        self.act_import = self._action("&Import files…", self.import_dialog, "Ctrl+I", f)
        self._action("Import a f&older…", self.import_folder_dialog, "Ctrl+Shift+I", f)
        self.act_add = self._action("&Add by identifier…", self.add_dialog, "Ctrl+N", f)
        self._action("&Paste references / identifiers", self.paste, None, f)
        f.addSeparator()
        self.act_export = self._action("&Export…", self.export_dialog, "Ctrl+E", f)
        self._action("A&uto-export…", self.auto_export_dialog, None, f)
        f.addSeparator()
        backup_actions.add_to_menu(self, f)     # Back up…, Restore…
        f.addSeparator()
        self._action("Load &demo library", self.load_demo, None, f)
        self._action("&Preferences…", self.preferences_dialog, "Ctrl+,", f)
        f.addSeparator()
        self._action("&Quit", self.close, QKeySequence.Quit, f)

        e = mb.addMenu("&Edit")
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence.Redo, QKeySequence("Ctrl+Shift+Z")])
        e.addAction(self.act_undo)
        e.addAction(self.act_redo)
        e.addSeparator()
        tw = Qt.WidgetWithChildrenShortcut
        self.act_copy = self._action("&Copy (\\cite, BibTeX, reference)", self.copy,
                                     QKeySequence.Copy, e, tw)
        self.table.addAction(self.act_copy)
        self.act_copy_ref = self._action(
            "Copy as &formatted reference", lambda: self.statusBar().showMessage(
                copy_formatted.copy_selection(self.lib, self.selected_ids()), 4000),
            "Ctrl+Shift+C", e, tw)
        self.act_copy_bib = self._action(
            "Copy &bibliography", lambda: self.statusBar().showMessage(
                copy_formatted.copy_selection(self.lib, self.selected_ids(), bibliography=True),
                4000), None, e, tw)
        self.table.addAction(self.act_copy_ref)
        self.table.addAction(self.act_copy_bib)
        self.act_paste = self._action("Paste", self.paste, QKeySequence.Paste, None, tw)
        self.table.addAction(self.act_paste)
        self.sidebar.addAction(self.act_paste)
        self.act_tag = self._action("&Tag selected…", self.tag_dialog, "Ctrl+T", e)
        self.act_delete = self._action("&Delete (to trash)", self.delete_selected,
                                       QKeySequence.Delete, e, tw)
        self.table.addAction(self.act_delete)
        self._action("&Restore from trash", self.restore_selected, "Ctrl+Shift+R", e)
        self._action("Empty trash…", self.empty_trash, None, e)
        e.addSeparator()
        self.act_merge = self._action("&Merge duplicates…", self.merge_dialog, "Ctrl+M", e)
        self._action("Select &all", self.table.selectAll, QKeySequence.SelectAll, None, tw)

        v = mb.addMenu("&View")
        self._action("&Find", self.focus_search, QKeySequence.Find, v)
        self._action("&Refresh", self.refresh, QKeySequence.Refresh, v)
        self._action("Save &search…", self.save_search, "Ctrl+S", v)
        self._action("Show &duplicates", lambda: self.sidebar.select_node(("duplicates", None)),
                     None, v)
        self._action("Show &trash", lambda: self.sidebar.select_node(("trash", None)), None, v)

        lib_menu = mb.addMenu("&Library")
        self._action("&Classify all articles", self.classify_all, None, lib_menu)
        self._action("Refresh &citations online (selection)", self.refresh_citations, None,
                     lib_menu)
        self._action("&Missing key papers of this view", self.show_missing_papers, None, lib_menu)
        self._action("&Find moved files…", self.find_moved_files, None, lib_menu)

        tb = QToolBar("Main")
        tb.setObjectName("main_toolbar")
        tb.setMovable(False)
        tb.addAction(self.act_import)
        tb.addAction(self.act_add)
        tb.addAction(self.act_export)
        tb.addSeparator()
        tb.addAction(self.act_undo)
        tb.addAction(self.act_redo)
        tb.addSeparator()
        tb.addWidget(self.search)
        self.addToolBar(tb)

    # == settings ============================================================================
    def _restore_settings(self) -> None:
        s = self.settings
        geo = s.value("window/geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            self.restoreGeometry(geo)
        split = s.value("window/splitter")
        if isinstance(split, QByteArray) and not split.isEmpty():
            self.splitter.restoreState(split)
        header = s.value("table/header")
        if isinstance(header, QByteArray) and not header.isEmpty():
            self.table.horizontalHeader().restoreState(header)
            h = self.table.horizontalHeader()
            col = h.sortIndicatorSection()
            if 0 <= col < len(queries.COLUMNS):
                self.model.sort_column = queries.COLUMNS[col]
                self.model.sort_desc = h.sortIndicatorOrder() == Qt.DescendingOrder
        node = s.value("view/node")
        if node:
            try:
                kind, value = json.loads(node)
                self.node = (kind, value)
            except (ValueError, TypeError):
                pass

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("table/header", self.table.horizontalHeader().saveState())
        s.setValue("view/node", json.dumps(list(self.node)))
        s.sync()

    def closeEvent(self, event) -> None:
        if self.cite_server is not None:
            self.cite_server.stop()
        if self.runner.busy:
            for job in list(self.runner.jobs):
                job.cancel.cancel()
            self.runner.wait(10000)
        if self.autoexport_timer.isActive():   # files bound to views: written before closing
            self.autoexport_timer.stop()
            try:
                from amlref.services.autoexport import run_all
                run_all(self.lib)
            except Exception as exc:   # never block closing; say what was not written
                log.warning("auto-export at close failed: %s", exc)
        self.save_settings()
        self.loader.stop()
        self.extensions.close()
        super().closeEvent(event)

    # == views ================================================================================
    def current_view(self) -> View:
        q = self.search.text().strip()
        q = q if len(q) >= 2 else None     # one letter does not filter yet
        kind, value = self.node
        if kind in self.node_views:        # node kind -> View fields (gui/watch_actions adds)
            return View(**self.node_views[kind](value), query=q)
        if kind == "search":
            from amlref.services.views import saved_view
            try:
                v = saved_view(self.lib, value)
            except Exception:
                return View(query=q)
            if q:
                v.query = f"{v.query} {q}" if v.query else q
            return v
        return View(query=q)

    def view_label(self) -> str:
        kind, value = self.node
        if kind == "suggested":
            label = f"Suggested in {queries.label(value)}"
        elif kind in self.node_kinds:          # plugins' nodes, the Inbox: (load, label)
            label = self.node_kinds[kind][1](value)
        else:
            label = {"all": "All articles", "trash": "Trash", "duplicates": "Duplicates",
                     "needs-metadata": "Needs metadata"}.get(kind, f"{kind} {value}")
        if self.search.text().strip():
            label += f" matching “{self.search.text().strip()}”"
        return label

    def select_node(self, node) -> None:
        self.node = tuple(node)
        self.reload()

    def _search_now(self) -> None:
        self.search_timer.stop()
        self.reload()

    def _sort_requested(self, column, desc) -> None:
        self.reload()

    def reload(self) -> None:
        """Ask for the ids of the current view (in the loader thread; the answer comes back to
        :meth:`_ids_loaded`)."""
        if self.node[0] == "duplicates":
            try:
                groups = queries.duplicate_groups(self.lib)
            except Exception as exc:
                self._ids_loaded([], describe_error(exc))
                return
            self._dup_count = len(groups)
            self._ids_loaded([i for g in groups for i in g], "")
            return
        if self.node[0] in self.node_kinds:    # ids from elsewhere (plugins, the Inbox)
            self.node_kinds[self.node[0]][0](self.node[1])
            return
        detail = getattr(self, "detail", None)
        if detail is not None and detail.files.isVisible():   # files list the hits' pages
            self._detail_dirty = True
        # a search keeps the table's order (newest first unless a column was clicked), as the
        # sort indicator says; ranking every match by relevance costs too much while typing
        self.loader.request(self.current_view(), self.model.sort_column, self.model.sort_desc)

    def _ids_loaded(self, ids, error: str = "", complete: int = 1) -> None:
        complete = bool(complete)
        m = self.model
        if self._partial and complete and not error and len(ids) >= len(m.ids) \
                and ids[:len(m.ids)] == m.ids:
            m.extend(ids[len(m.ids):])       # the rest of the list: scroll and selection stay
            if self._pending_select:         # what was selected before is further down
                self.select_ids(self._pending_select, scroll=True)
            self._pending_select = None
        else:
            keep = self._pending_select if self._pending_select is not None else self.selected_ids()
            m.set_ids(ids)
            if self.select_ids(keep, scroll=True):
                self._pending_select = None
            else:
                self._pending_select = None if complete else (keep or None)
                if ids:
                    self.select_ids([ids[0]])
            if not ids:
                self.detail.show_article(self.lib, None)
        self._partial = not complete
        if error:
            self.statusBar().showMessage(error, 8000)
        n = f"{len(ids):,}" if complete else f"{len(ids):,}+"
        noun = "article" if n == "1" else "articles"
        self.count_label.setText(f"{n} {noun} · {self.view_label()}" + self._not_yet_indexed())
        self.first_rows.emit(len(ids))
        if complete:
            self.view_loaded.emit(len(ids))

    def _not_yet_indexed(self) -> str:
        """While an import is being indexed, a search or category view cannot show its new
        articles yet: the count says so."""
        try:
            v = self.current_view()
            kinds = (["fts"] if v.query else []) + (["classify"] if v.category or v.facets else [])
            waiting = max((self.lib.pending.count(k) for k in kinds), default=0)
        except Exception:   # (a closed or busy library: say nothing)
            return ""
        return f" · {waiting:,} new articles not indexed yet" if waiting else ""

    def refresh(self, structural: bool = True) -> None:
        self._detail_dirty = True      # the library changed: show the selected article afresh
        self.model.invalidate()
        if structural:
            self.rebuild_sidebar()
        self.reload()

    def rebuild_sidebar(self) -> None:
        self.sidebar.rebuild(self.lib, self._dup_count)
        self.detail.set_category_choices(self.sidebar.categories, self.sidebar.facets)

    def _changed(self, ids, structural: bool) -> None:
        """After an undoable command: repaint the rows, refresh the detail pane, and for
        structural changes (tags, categories, trash) the sidebar counts and the view."""
        self.model.invalidate(ids)
        self.schedule_auto_export()
        if structural:
            self.refresh(True)
        cur = self.current_id()
        if cur is not None and cur in ids:
            self.detail.show_article(self.lib, cur)

    # == selection ===========================================================================
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.ids[r] for r in rows if r < len(self.model.ids)]

    def current_id(self) -> int | None:
        ids = self.selected_ids()
        return ids[0] if ids else None

    def select_ids(self, ids, scroll: bool = False) -> bool:
        from PySide6.QtCore import QItemSelection, QItemSelectionModel
        rows = [r for r in (self.model.row_of(i) for i in ids or []) if r >= 0]
        if not rows:
            return False
        sel = QItemSelection()
        last = self.model.columnCount() - 1
        for r in rows:
            sel.select(self.model.index(r, 0), self.model.index(r, last))
        sm = self.table.selectionModel()
        sm.select(sel, _SELECT_ROWS)
        sm.setCurrentIndex(self.model.index(rows[0], 0), QItemSelectionModel.NoUpdate)
        if scroll:
            self.table.scrollTo(self.model.index(rows[0], 0))
        return True

    def _selection_changed(self, *_):
        cur = self.current_id()
        shown = self.detail.article
        if cur is not None and shown is not None and shown.id == cur and not self._detail_dirty:
            return   # the same article stays selected (e.g. while typing a search)
        self._detail_dirty = False
        self.detail.show_article(self.lib, cur)

    def jump_to(self, article_id: int) -> None:
        """Select an article; when it is not in the view, show All articles first."""
        if self.select_ids([article_id], scroll=True):
            return
        self._pending_select = [article_id]
        if self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self.node = ("all", None)
        self.sidebar.select_node(self.node, emit=False)
        self.reload()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # == messages ============================================================================
    def show_message(self, kind: str, title: str, text: str, details: str = "") -> QMessageBox:
        """Non-blocking message box (errors are readable sentences, never tracebacks)."""
        self.messages.append((kind, text))
        icon = {"error": QMessageBox.Warning, "info": QMessageBox.Information}.get(
            kind, QMessageBox.Information)
        box = QMessageBox(icon, title, text, QMessageBox.Ok, self)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModal)
        box.open()
        self.statusBar().showMessage(text.splitlines()[0] if text else "", 8000)
        return box

    def error(self, text: str, title: str = "AMLRef") -> None:
        self.show_message("error", title, text)

    def open_url(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))
