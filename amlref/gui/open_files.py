"""``amlref FILE...`` and a desktop's "Open with AMLRef": the files are imported exactly as if
they were dropped on the window (bibliography files, PDFs, folders of PDFs)."""
from __future__ import annotations

import os

from PySide6.QtCore import QMimeData, QUrl


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
