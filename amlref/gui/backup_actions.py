"""File > Back up… and Restore…: the window's side of services/backup.py.

Back up writes a copy of the library (and, when asked, its files folder) where the user
chooses; Restore checks the chosen copy, keeps a copy of the library as it is in
``<library name>.backups/``, then replaces the open library's content (the window reloads)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QFileDialog, QMessageBox

from amlref.core.errors import AmlrefError
from amlref.storage.backup import backups_folder

FILTER = "AMLRef libraries (*.sqlite *.db);;All files (*)"


def add_to_menu(window, menu) -> None:
    """The two entries of the File menu."""
    window._action("&Back up library…", lambda: back_up_dialog(window), None, menu,
                   tip="Copy the library (and its attached files) to a file you choose")
    window._action("&Restore library…", lambda: restore_dialog(window), None, menu,
                   tip="Replace the library by a backup (the current one is kept first)")


def _files_box(text: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setChecked(True)
    return box


class _Busy:
    def __enter__(self):
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)

    def __exit__(self, *exc):
        QGuiApplication.restoreOverrideCursor()


def back_up(window, path: str, with_files: bool) -> dict | None:
    from amlref.services.backup import backup
    try:
        with _Busy():
            result = backup(window.lib, path, with_files=with_files)
    except AmlrefError as exc:
        window.error(f"Backup failed: {exc}")
        return None
    files = f" and {result['files']} attached file(s)" if result["files"] is not None else ""
    window.show_message("info", "Backed up", f"The library{files} was copied to "
                        f"{result['path']}.")
    return result


def restore(window, path: str, with_files: bool) -> dict | None:
    from amlref.services.backup import restore_open
    if window.runner.busy:
        window.error("Wait until the current import or indexing ends, then restore.")
        return None
    try:
        with _Busy():
            result = restore_open(window.lib, path, with_files=with_files)
    except AmlrefError as exc:
        window.error(f"Not restored: {exc}")
        return None
    window.undo_stack.clear()
    window.refresh()
    window.show_message("info", "Restored", f"The library now holds the backup {path}.\n"
                        f"The library as it was is kept in {result['previous']}.")
    return result


def back_up_dialog(window) -> None:
    lib = window.lib
    folder = backups_folder(lib.path)
    dlg = QFileDialog(window, "Back up library", str(folder.parent / f"{Path(lib.path).stem}"
                                                     "-backup.sqlite"), FILTER)
    dlg.setAcceptMode(QFileDialog.AcceptSave)
    dlg.setDefaultSuffix("sqlite")
    dlg.setOption(QFileDialog.DontUseNativeDialog, True)   # (room for the check box)
    box = _files_box("Also copy the attached files (to <name>.files beside the copy)")
    layout = dlg.layout()
    if layout is not None:
        layout.addWidget(box)
    if dlg.exec() and dlg.selectedFiles():
        back_up(window, dlg.selectedFiles()[0], box.isChecked())


def restore_dialog(window) -> None:
    start = backups_folder(window.lib.path)
    path, _ = QFileDialog.getOpenFileName(window, "Restore library from a backup",
                                          str(start if start.is_dir() else start.parent), FILTER)
    if not path:
        return
    has_files = Path(path).with_name(Path(path).stem + ".files").is_dir()
    ask = QMessageBox(QMessageBox.Question, "Restore library",
                      f"Replace the library by the backup {path}?\n\nThe library as it is now "
                      f"is kept in {backups_folder(window.lib.path)}.",
                      QMessageBox.Yes | QMessageBox.No, window)
    box = _files_box("Also restore the attached files saved with the backup")
    if has_files:
        ask.setCheckBox(box)
    if ask.exec() != QMessageBox.Yes:
        return
    restore(window, path, has_files and box.isChecked())
