"""``amlref FILE...`` and a desktop's "Open with AMLRef": the files are imported exactly as if
they were dropped on the window (bibliography files, PDFs, folders)."""
from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QMimeData, QObject, QUrl


def open_files(window, paths) -> str:
    """Import ``paths`` into the window's library; a path that does not exist is reported (one
    line) and the others are still imported.  Returns what handle_mime says it started."""
    found = [os.path.abspath(p) for p in paths if os.path.exists(p)]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        window.error(f"{missing[0]}: no such file" + (f" (and {len(missing) - 1} more)"
                                                      if len(missing) > 1 else ""))
    if not found:
        return ""
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(p) for p in found])
    return window.handle_mime(None, md)


class FileOpenFilter(QObject):
    """macOS sends files opened from Finder (or dropped on the Dock icon) to a running app as
    QFileOpenEvent, not as arguments: they are imported the same way."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, event) -> bool:   # noqa: N802 (Qt's name)
        if event.type() == QEvent.FileOpen:
            path = event.file() or event.url().toLocalFile()
            if path:
                open_files(self.window, [path])
                return True
        return False


def install_file_open_handler(app, window) -> FileOpenFilter:
    f = FileOpenFilter(window)
    app.installEventFilter(f)
    return f
