"""Library-wide jobs and dialogs of the main window: categories after a taxonomy change,
classification, citations online, missing key papers, export, auto-export, preferences."""
from __future__ import annotations

from amlref.gui.workers import describe_error
from amlref.services.views import View


class LibraryJobsMixin:
    """Part of :class:`amlref.gui.main_window.MainWindow`."""

    def _update_categories(self) -> None:
        """After a taxonomy change the library is re-classified once, in the worker (a view
        filtered by category must never do it on the GUI thread)."""
        from amlref.services import views as view_service
        from amlref.services.classify import ensure_current
        view_service.AUTO_RECLASSIFY = False
        from amlref.services.indexing import catch_up

        def work(lib, progress, cancel):   # what an interrupted import left, then the taxonomy
            left = catch_up(lib, progress=progress, cancel=cancel, give_way=True)
            return ensure_current(lib, progress=progress, cancel=cancel) or left["fts"]
        self.runner.start(work, "Updating categories",
                          lambda n: n and self.refresh(),
                          self._job_error("Updating categories failed"), parent=self)

    def classify_all(self) -> None:
        from amlref.services.classify import classify_all
        self.runner.start(lambda lib, progress, cancel: classify_all(
            lib, progress=progress, cancel=cancel), "Classifying",
            lambda n: (self.refresh(), self.statusBar().showMessage(f"Classified {n} articles",
                                                                    5000)),
            self._job_error("Classification failed"), parent=self)

    def refresh_citations(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        try:
            from amlref.services.online import refresh_citations
        except ImportError:
            self.error("Online citation refresh is not available in this installation.")
            return
        self.runner.start(lambda lib, progress, cancel: refresh_citations(
            lib, ids, progress=progress, cancel=cancel), "Refreshing citations",
            lambda r: (self.refresh(), self.show_message(
                "info", "Citations", f"Citations refreshed: {getattr(r, 'summary', lambda: r)()}")),
            self._job_error("Citation refresh failed"), parent=self)

    def show_missing_papers(self) -> None:
        try:
            from amlref.services.citations import missing
        except ImportError:
            self.error("Citation ranking is not available in this installation.")
            return
        view = None if self.node[0] in ("duplicates", "trash") else self.current_view()
        try:
            rows = missing(self.lib, view, limit=30)
        except Exception as exc:
            self.error(describe_error(exc))
            return
        self.detail.tabs.setCurrentIndex(self.detail.tabs.count() - 1)
        self.detail.show_missing(rows, self.view_label())

    def export_ids(self, scope: str, category: str | None = None) -> list[int]:
        from amlref.services.views import view_ids
        if scope == "selection":
            return self.selected_ids()
        if scope == "category":
            return view_ids(self.lib, View(category=category), order="a.citekey COLLATE BINARY")
        return list(self.model.ids)

    def export_to(self, path: str, fmt: str, ids: list[int]) -> None:
        from amlref.services.exporting import export_articles
        from amlref.services.files import atomic_write

        def job(lib, progress, cancel):
            progress(0, len(ids), "reading")
            arts = lib.articles.get_many(ids)
            cancel.check()
            atomic_write(path, export_articles(arts, fmt))
            return len(arts)
        self.runner.start(job, f"Exporting {len(ids)} articles",
                          lambda n: (self.statusBar().showMessage(
                              f"Exported {n} articles to {path}", 8000),
                              self.job_finished.emit("export", n)),
                          self._job_error("Export failed"), parent=self)

    def export_dialog(self) -> None:
        from amlref.gui.dialogs import ExportDialog
        cats = self.sidebar.categories
        d = ExportDialog(self, len(self.selected_ids()), len(self.model.ids),
                         [(c["slug"], f"{c['label']} ({c['count']})") for c in cats],
                         self.view_label())
        if d.exec() == ExportDialog.Accepted:
            c = d.choice()
            self.export_to(c["path"], c["format"], self.export_ids(c["scope"], c["category"]))

    def auto_export_dialog(self) -> None:
        from amlref.gui.dialogs import AutoExportDialog
        AutoExportDialog(self, self.lib, self.current_view().to_dict()).exec()

    def preferences_dialog(self) -> None:
        from amlref.gui.dialogs import PreferencesDialog
        d = PreferencesDialog(self, self.lib, self.settings, self.auto_export_dialog)
        if d.exec() == PreferencesDialog.Accepted:
            try:
                if d.save():
                    self.show_message("info", "Preferences", "The new library location is used "
                                      "from the next start.")
            except Exception as exc:
                self.error(describe_error(exc))
