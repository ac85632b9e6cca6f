"""Dialogs: export, auto-export manager, add by identifier, merge duplicates side by side,
preferences, import report."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QRadioButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from amlref.gui.detail import field_text

FORMAT_EXT = {"bibtex": ".bib", "biblatex": ".bib", "ris": ".ris", "csljson": ".json"}


def exporter_choices() -> list[tuple[str, str]]:
    from amlref.plugins.registry import registry
    out = []
    for name, exp in sorted(registry.exporters().items()):
        out.append((name, getattr(exp, "label", name) or name))
    return out



def path_row(edit: QLineEdit, on_browse) -> QWidget:
    """A file path field with a "Browse…" button beside it."""
    row = QHBoxLayout()
    browse = QPushButton("Browse…")
    browse.clicked.connect(on_browse)
    row.addWidget(edit, 1)
    row.addWidget(browse)
    host = QWidget()
    host.setLayout(row)
    return host

class ExportDialog(QDialog):
    """What to export (selection, current view, a category) in which format, to which file."""

    def __init__(self, parent, n_selected: int, n_view: int, categories: list[tuple[str, str]],
                 view_label: str = "current view"):
        super().__init__(parent)
        self.setWindowTitle("Export")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.scope_group = QButtonGroup(self)
        self.r_sel = QRadioButton(f"Selected articles ({n_selected})")
        self.r_view = QRadioButton(f"{view_label} ({n_view})")
        self.r_cat = QRadioButton("Category:")
        self.category = QComboBox()
        for slug, label in categories:
            self.category.addItem(label, slug)
        for i, r in enumerate((self.r_sel, self.r_view, self.r_cat)):
            self.scope_group.addButton(r, i)
        (self.r_sel if n_selected else self.r_view).setChecked(True)
        self.r_sel.setEnabled(n_selected > 0)
        scope = QVBoxLayout()
        scope.addWidget(self.r_sel)
        scope.addWidget(self.r_view)
        row = QHBoxLayout()
        row.addWidget(self.r_cat)
        row.addWidget(self.category, 1)
        scope.addLayout(row)
        host = QWidget()
        host.setLayout(scope)
        form.addRow("Articles", host)
        self.format = QComboBox()
        for name, label in exporter_choices():
            self.format.addItem(f"{label} ({name})", name)
        form.addRow("Format", self.format)
        self.path = QLineEdit()
        self.path.setPlaceholderText("file to write")
        form.addRow("File", path_row(self.path, self._browse))
        lay.addLayout(form)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.button(QDialogButtonBox.Ok).setText("Export")
        bb.accepted.connect(self._accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)

    def _browse(self) -> None:
        fmt = self.format.currentData() or "bibtex"
        ext = FORMAT_EXT.get(fmt, ".txt")
        path, _ = QFileDialog.getSaveFileName(self, "Export to", f"references{ext}",
                                              f"{fmt} (*{ext});;All files (*)")
        if path:
            self.path.setText(path)

    def _accept(self) -> None:
        if not self.path.text().strip():
            QMessageBox.warning(self, "Export", "Choose a file to write.")
            return
        if not self.format.currentData():
            QMessageBox.warning(self, "Export", "No export format is available.")
            return
        self.accept()

    def choice(self) -> dict:
        scope = {0: "selection", 1: "view", 2: "category"}[self.scope_group.checkedId()]
        return {"scope": scope, "category": self.category.currentData(),
                "format": self.format.currentData(), "path": self.path.text().strip()}


class AddIdentifierDialog(QDialog):
    def __init__(self, parent, text: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Add by identifier")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("DOIs, PMIDs, PMCIDs or PubMed / doi.org links, one per line:"))
        self.edit = QPlainTextEdit(text)
        self.edit.setObjectName("identifiers")
        lay.addWidget(self.edit)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.button(QDialogButtonBox.Ok).setText("Look up and add")
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.resize(460, 260)

    def identifiers(self) -> list[str]:
        import re
        return [x for x in re.split(r"[\s,;]+", self.edit.toPlainText()) if x]


# -- auto-export --------------------------------------------------------------------------------
def _service():
    try:
        from amlref.services import autoexport
        return autoexport
    except ImportError:  # the window still works without the auto-export service
        return None


def auto_export_rows(lib) -> list[dict]:
    svc = _service()
    if svc is not None and hasattr(svc, "list_all"):
        return svc.list_all(lib)
    return [{"id": r[0], "path": r[1], "format": r[2], "view": json.loads(r[3] or "{}"),
             "last_run": r[4]} for r in lib.execute(
        "SELECT id, path, format, view, last_run FROM auto_exports ORDER BY path")]


class AutoExportDialog(QDialog):
    """Files kept up to date whenever the library changes (for LaTeX builds)."""

    def __init__(self, parent, lib, view_dict: dict | None = None):
        super().__init__(parent)
        self.lib = lib
        self.view_dict = view_dict or {}
        self.setWindowTitle("Auto-export")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("These files are rewritten whenever their articles change:"))
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("auto_exports")
        self.table.setHorizontalHeaderLabels(["File", "Format", "View", "Last written"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        self.format = QComboBox()
        for name, label in exporter_choices():
            self.format.addItem(name, name)
        if self.format.findData("biblatex") >= 0:
            self.format.setCurrentIndex(self.format.findData("biblatex"))
        add = QPushButton("Add for current view…")
        add.clicked.connect(self._add)
        rm = QPushButton("Remove")
        rm.clicked.connect(self._remove)
        run = QPushButton("Write now")
        run.clicked.connect(self._run)
        for w in (QLabel("Format"), self.format, add, rm, run):
            row.addWidget(w)
        lay.addLayout(row)
        bb = QDialogButtonBox(QDialogButtonBox.Close)
        bb.rejected.connect(self.reject)
        bb.accepted.connect(self.accept)
        lay.addWidget(bb)
        self.resize(720, 320)
        self.refresh()

    def refresh(self) -> None:
        rows = auto_export_rows(self.lib)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            view = r.get("view") or {}
            vals = [r.get("path", ""), r.get("format", ""),
                    ", ".join(f"{k}={v}" for k, v in view.items()) or "all articles",
                    r.get("last_run") or "never"]
            for j, v in enumerate(vals):
                it = QTableWidgetItem(str(v))
                it.setFlags(it.flags() & ~Qt.ItemIsEditable)
                self.table.setItem(i, j, it)

    def add_export(self, path: str, fmt: str, view: dict) -> None:
        svc = _service()
        if svc is not None:
            svc.add(self.lib, path, fmt, view)          # writes the file at once
        else:
            with self.lib.transaction():
                self.lib.execute("INSERT INTO auto_exports(path, format, view) VALUES (?, ?, ?) "
                                 "ON CONFLICT(path) DO UPDATE SET format = excluded.format, "
                                 "view = excluded.view", (path, fmt, json.dumps(view)))
            self.run_now()
        self.refresh()

    def run_now(self) -> int:
        """Write every bound file now; returns how many were written."""
        svc = _service()
        if svc is not None:
            return sum(1 for r in svc.run_all(self.lib, force=True) if r.get("written"))
        from amlref.services.exporting import export_view
        from amlref.services.files import atomic_write
        from amlref.services.views import View
        n = 0
        for r in auto_export_rows(self.lib):
            text, _ = export_view(self.lib, r["format"], View.from_dict(r["view"]))
            atomic_write(r["path"], text)
            n += 1
        return n

    def _add(self) -> None:
        fmt = self.format.currentData() or "biblatex"
        ext = FORMAT_EXT.get(fmt, ".txt")
        path, _ = QFileDialog.getSaveFileName(self, "Keep this file up to date", f"library{ext}",
                                              f"{fmt} (*{ext})")
        if path:
            self._guard(lambda: self.add_export(path, fmt, self.view_dict))

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        path = self.table.item(row, 0).text()
        svc = _service()
        if svc is not None:
            svc.remove(self.lib, path)
        else:
            with self.lib.transaction():
                self.lib.execute("DELETE FROM auto_exports WHERE path = ?", (path,))
        self.refresh()

    def _run(self) -> None:
        self._guard(lambda: self.run_now())
        self.refresh()

    def _guard(self, fn) -> None:
        from amlref.gui.workers import describe_error
        try:
            fn()
        except Exception as exc:
            QMessageBox.warning(self, "Auto-export", describe_error(exc))


# -- merge ----------------------------------------------------------------------------------
MERGE_FIELDS = ["citekey", "type", "title", "authors", "container", "issued", "volume", "issue",
                "pages", "doi", "pmid", "pmcid", "abstract", "origin", "added"]


class MergeDialog(QDialog):
    """One group of duplicates side by side; pick the record to keep.  The others' fields fill
    what it lacks, their tags/notes/links move to it, and they go to the trash (undoable)."""

    def __init__(self, parent, lib, group: list[int], position: str = ""):
        super().__init__(parent)
        self.lib = lib
        self.articles = lib.articles.get_many(group)
        self.setWindowTitle("Merge duplicates" + (f" — {position}" if position else ""))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Choose the record to keep; the others are merged into it and "
                             "moved to the trash (Edit → Undo brings them back)."))
        n = len(self.articles)
        self.table = QTableWidget(len(MERGE_FIELDS), n)
        self.table.setObjectName("merge_table")
        self.table.setVerticalHeaderLabels(MERGE_FIELDS)
        self.table.setHorizontalHeaderLabels([f"#{a.id} {a.citekey}" for a in self.articles])
        for j, a in enumerate(self.articles):
            for i, f in enumerate(MERGE_FIELDS):
                v = field_text(a, f) if hasattr(a, f) else ""
                it = QTableWidgetItem(v[:300])
                it.setToolTip(v[:2000])
                it.setFlags(it.flags() & ~Qt.ItemIsEditable)
                others = {field_text(b, f) for b in self.articles if b is not a}
                if v and others and v not in others:
                    it.setBackground(Qt.yellow)
                self.table.setItem(i, j, it)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(QLabel("Keep:"))
        self.keep_group = QButtonGroup(self)
        # keep the richest record by default
        richest = max(range(n), key=lambda j: sum(bool(field_text(self.articles[j], f))
                                                  for f in MERGE_FIELDS if f != "added"))
        for j, a in enumerate(self.articles):
            r = QRadioButton(f"#{a.id} {a.citekey}")
            self.keep_group.addButton(r, j)
            r.setChecked(j == richest)
            row.addWidget(r)
        row.addStretch(1)
        lay.addLayout(row)
        bb = QDialogButtonBox()
        self.merge_button = bb.addButton("Merge", QDialogButtonBox.AcceptRole)
        self.not_dup_button = bb.addButton("Not duplicates", QDialogButtonBox.ActionRole)
        self.skip_button = bb.addButton("Skip", QDialogButtonBox.RejectRole)
        self.not_dup_button.clicked.connect(self._not_dup)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.result_kind = "skip"
        self.resize(900, 560)

    def accept(self) -> None:
        self.result_kind = "merge"
        super().accept()

    def _not_dup(self) -> None:
        self.result_kind = "not-duplicates"
        super().accept()

    def keep_id(self) -> int:
        return self.articles[max(self.keep_group.checkedId(), 0)].id

    def other_ids(self) -> list[int]:
        k = self.keep_id()
        return [a.id for a in self.articles if a.id != k]


# -- preferences ----------------------------------------------------------------------------
class PreferencesDialog(QDialog):
    """Library location (next start), citation-key formula, NCBI API key and e-mail, citation
    style, auto-export."""

    def __init__(self, parent, lib, settings, open_auto_export=None):
        super().__init__(parent)
        self.lib, self.qsettings = lib, settings
        self.setWindowTitle("Preferences")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.library = QLineEdit(str(settings.value("library_path", "") or lib.path))
        self.library.setObjectName("library_path")
        form.addRow("Library file", path_row(self.library, self._browse))
        from amlref.core import citekeys
        self.formula = QLineEdit(lib.settings.get("citekey_formula", citekeys.DEFAULT_FORMULA))
        self.formula.setObjectName("citekey_formula")
        form.addRow("Citation-key formula", self.formula)
        self.email = QLineEdit(lib.settings.get("online.email", "") or "")
        self.email.setObjectName("email")
        self.email.setPlaceholderText("you@example.org (NCBI and Crossref ask for a contact)")
        form.addRow("E-mail", self.email)
        self.api_key = QLineEdit(lib.settings.get("online.ncbi_api_key", "") or "")
        self.api_key.setObjectName("ncbi_api_key")
        self.api_key.setEchoMode(QLineEdit.PasswordEchoOnEdit)
        form.addRow("NCBI API key", self.api_key)
        from amlref.gui.copy_formatted import style_chooser
        self.citation_style = style_chooser(lib)
        form.addRow("Citation style", self.citation_style)
        ae = QPushButton("Auto-export…")
        if open_auto_export:
            ae.clicked.connect(open_auto_export)
        form.addRow("Auto-export", ae)
        pm = QPushButton("Plugins…")        # the plugin manager (gui/plugin_manager.py)
        pm.setObjectName("plugins_button")
        pm.clicked.connect(self._plugins)
        form.addRow("Plugins", pm)
        lay.addLayout(form)
        from amlref.gui.files_prefs import FilesPreferences
        self.files = FilesPreferences(lib)
        lay.addWidget(self.files)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.resize(560, 220)

    def _plugins(self) -> None:
        from amlref.gui.plugin_manager import PluginManagerDialog
        PluginManagerDialog(self).exec()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Library file", self.library.text(),
                                              "AMLRef library (*.sqlite);;All files (*)",
                                              options=QFileDialog.DontConfirmOverwrite)
        if path:
            self.library.setText(path)

    def save(self) -> bool:
        """Store the values; True when the library location changed (applies on next start)."""
        from amlref.core import citekeys
        from amlref.core.errors import InputError
        formula = self.formula.text().strip() or citekeys.DEFAULT_FORMULA
        try:
            from amlref.core.article import Article, Person
            citekeys.make_key(Article(title="Test title", issued="2024",
                                      authors=[Person("Test", "T")]), formula)
        except Exception as exc:
            raise InputError(f"citation-key formula {formula!r} does not work: {exc}") from None
        self.files.save(self.lib)
        with self.lib.transaction():
            self.lib.settings.set("citekey_formula", formula)
            self.lib.settings.set("online.email", self.email.text().strip())
            self.lib.settings.set("online.ncbi_api_key", self.api_key.text().strip())
            from amlref.gui.copy_formatted import save_style
            save_style(self.lib, self.citation_style)
        new = self.library.text().strip()
        changed = bool(new) and new != str(self.lib.path)
        if new:
            self.qsettings.setValue("library_path", new)
        return changed


def import_report_text(report) -> tuple[str, str]:
    """(summary line, details) of an ImportReport."""
    summary = report.summary()
    lines = []
    for f in report.files:
        lines.append(f"{f['file']}: {f['format']} ({f.get('encoding') or '?'}), "
                     f"{f['records']} records")
    if report.skipped:
        lines.append("")
        lines.append("Not imported:")
        lines += [f"  {p}" for p in report.skipped[:200]]
        if len(report.skipped) > 200:
            lines.append(f"  … and {len(report.skipped) - 200} more")
    if report.warnings:
        lines.append("")
        lines += report.warnings[:50]
    return summary, "\n".join(lines)
