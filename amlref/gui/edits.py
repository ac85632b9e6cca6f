"""Undoable edits of the main window: fields, tags, categories, trash, notes, saved searches,
merging duplicates; the table's context menu."""
from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from amlref.core.identifiers import doi_url
from amlref.gui import queries, undo
from amlref.gui.mime import make_mime
from amlref.gui.workers import describe_error


class EditsMixin:
    """Part of :class:`amlref.gui.main_window.MainWindow`."""

    def _push(self, cmd) -> bool:
        try:
            self.undo_stack.push(cmd)
            return True
        except Exception as exc:
            self.error(describe_error(exc))
            self.detail.show_article(self.lib, self.current_id())
            return False

    def edit_article(self, article_id: int, changes: dict) -> bool:
        try:
            cmd = undo.EditFields(self.lib, article_id, changes, self._changed)
        except Exception as exc:
            self.error(describe_error(exc))
            return False
        if not self._push(cmd):
            return False
        if "citekey" in changes:
            self.offer_rename_files(article_id)
        return True

    def tag(self, ids: list[int], name: str, add: bool = True) -> bool:
        if not ids or not name.strip():
            return False
        return self._push(undo.Tag(self.lib, ids, name.strip(), add, self._changed))

    def set_category(self, ids: list[int], slug: str, on: bool, kind: str = "category") -> bool:
        if not ids or not slug:
            return False
        return self._push(undo.SetCategory(self.lib, ids, slug, on, self._changed, kind=kind))

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        self._push(undo.Trash(self.lib, ids, self._changed, restore=self.node[0] == "trash"))

    def restore_selected(self) -> None:
        ids = [i for i in self.selected_ids()
               if self.lib.articles.get(i).deleted_at is not None]
        if ids:
            self._push(undo.Trash(self.lib, ids, self._changed, restore=True))

    def empty_trash(self) -> None:
        n = len(self.lib.articles.trashed_ids())
        if not n:
            return
        if QMessageBox.question(self, "Empty trash", f"Delete {n} article(s) for good? "
                                "This cannot be undone.") != QMessageBox.Yes:
            return
        from amlref.services.attachments import empty_trash
        empty_trash(self.lib)        # and the stored copies of their files
        self.undo_stack.clear()
        self.refresh()

    def save_note(self, article_id: int, note_id, text: str) -> None:
        try:
            if note_id is None:
                if text.strip():
                    self.lib.notes.add(article_id, text)
            elif text.strip():
                self.lib.notes.update(note_id, text)
            else:
                self.lib.notes.delete(note_id)
        except Exception as exc:
            self.error(describe_error(exc))
        self.detail.show_article(self.lib, article_id)

    def tag_dialog(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        names = [n for n, _ in self.lib.tags.counts()]
        name, ok = QInputDialog.getItem(self, "Tag", f"Tag {len(ids)} article(s) with:", names,
                                        0, True)
        if ok and name.strip():
            self.tag(ids, name, True)

    def save_search(self) -> None:
        v = self.current_view()
        name, ok = QInputDialog.getText(self, "Save search", "Name:")
        if ok and name.strip():
            try:
                filters = {k: val for k, val in v.to_dict().items() if k != "query"}
                self.lib.searches.save(name.strip(), v.query or "", filters)
            except Exception as exc:
                self.error(describe_error(exc))
            self.rebuild_sidebar()

    def merge_group(self, keep: int, others: list[int]) -> bool:
        return self._push(undo.Merge(self.lib, keep, others, self._changed))

    def mark_not_duplicates(self, ids: list[int]) -> None:
        with self.lib.transaction():
            for x in ids:
                for y in ids:
                    if x < y:
                        self.lib.execute("INSERT OR IGNORE INTO not_duplicates(a, b) VALUES (?, ?)",
                                         (x, y))
        self._dup_count = None
        self.refresh()

    def merge_dialog(self) -> None:
        from amlref.gui.dialogs import MergeDialog
        sel = self.selected_ids()
        groups = [sel] if len(sel) > 1 else queries.duplicate_groups(self.lib)
        if not groups:
            self.show_message("info", "Merge duplicates", "No duplicates found.")
            return
        for n, g in enumerate(groups, 1):
            d = MergeDialog(self, self.lib, g, f"group {n} of {len(groups)}")
            if d.exec() != MergeDialog.Accepted:
                break
            if d.result_kind == "merge":
                self.merge_group(d.keep_id(), d.other_ids())
            elif d.result_kind == "not-duplicates":
                self.mark_not_duplicates(g)
        self.refresh()

    # == context menu of the table ===========================================================
    def _table_menu(self, pos) -> None:
        m = self.table_menu(self.selected_ids())
        if m is not None:
            m.exec(self.table.viewport().mapToGlobal(pos))

    def table_menu(self, ids: list[int]) -> QMenu | None:
        """The context menu of the selected articles."""
        if not ids:
            return None
        m = QMenu(self)
        m.addAction(self.act_copy)
        m.addAction(self.act_copy_ref)
        m.addAction(self.act_copy_bib)
        m.addAction("Copy \\cite{…} only", lambda: QGuiApplication.clipboard().setText(
            make_mime(self.lib, ids).text()))
        m.addSeparator()
        m.addAction(self.act_tag)
        tags = sorted({t for i in ids[:200] for t in self.lib.tags.of(i)})
        if tags:
            rm = m.addMenu("Remove tag")
            for t in tags:
                rm.addAction(t, lambda t=t: self.tag(ids, t, False))
        cm = m.addMenu("Add to category")
        for c in self.sidebar.categories:
            cm.addAction(c["label"], lambda s=c["slug"]: self.set_category(ids, s, True))
        plugin_actions = self.extensions.context_actions()   # plugins' (gui/extensions.py)
        if plugin_actions:
            m.addSeparator()
            m.addActions(plugin_actions)
        m.addSeparator()
        a = self.lib.articles.get(ids[0])
        if a.pmid:
            m.addAction("Open in PubMed",
                        lambda: self.open_url(f"https://pubmed.ncbi.nlm.nih.gov/{a.pmid}/"))
        if a.doi:
            m.addAction("Open DOI", lambda: self.open_url(doi_url(a.doi)))
        m.addAction("Refresh citations online", self.refresh_citations)
        m.addAction("Fetch metadata online", lambda: self.fetch_metadata(ids))
        if len(ids) > 1:
            m.addAction("Merge selected…", self.merge_dialog)
        m.addSeparator()
        m.addAction("Export selected…", self.export_dialog)
        if self.node[0] == "trash":
            m.addAction("Restore", self.restore_selected)
        else:
            m.addAction(self.act_delete)
        return m
