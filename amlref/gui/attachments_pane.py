"""The files of the shown article, in the detail pane: a first-page thumbnail per PDF (made in
a worker thread, never on the GUI thread), missing files shown as missing (no dialog), where
the searched words are in the PDFs, double-click opens a file in the system viewer, and a file
can be dragged out to a file manager or a mail client."""
from __future__ import annotations

import os

from PySide6.QtCore import QMimeData, QObject, QRunnable, QSize, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

THUMB_WIDTH = 96
_PATH = Qt.ItemDataRole.UserRole


class _ThumbSignals(QObject):
    done = Signal(str, bytes)      # sha256 (or path), PNG


class _Thumb(QRunnable):
    def __init__(self, key: str, path: str):
        super().__init__()
        self.key, self.path = key, path
        self.signals = _ThumbSignals()

    def run(self) -> None:
        from amlref.pdf import PdfError, first_page_png
        try:
            png = first_page_png(self.path, THUMB_WIDTH * 2)
        except (PdfError, OSError):
            png = b""
        self.signals.done.emit(self.key, png)


class _FileList(QListWidget):
    """Dragging items out gives the files' URLs (file managers copy, mail clients attach)."""

    def mimeData(self, items):
        md = QMimeData()
        md.setUrls([QUrl.fromLocalFile(it.data(_PATH)) for it in items
                    if it.data(_PATH) and os.path.isfile(it.data(_PATH))])
        return md

    def mimeTypes(self):
        return ["text/uri-list"]

    def supportedDropActions(self):
        return Qt.CopyAction


class AttachmentsPane(QWidget):
    opened = Signal(str)            # a file was handed to the system viewer

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("attachments")
        self.query = lambda: ""          # the window's search text (for the pages of hits)
        self.thumbs: dict[str, QPixmap] = {}
        self._running: set[str] = set()
        self._jobs: list[_Thumb] = []
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setObjectName("files_label")
        self.list = _FileList()
        self.list.setObjectName("files")
        self.list.setIconSize(QSize(THUMB_WIDTH, int(THUMB_WIDTH * 1.3)))
        self.list.setDragEnabled(True)
        self.list.setSelectionMode(QListWidget.ExtendedSelection)
        self.list.itemActivated.connect(self.open_item)
        self.list.itemDoubleClicked.connect(self.open_item)
        self.list.setMaximumHeight(int(THUMB_WIDTH * 1.3) + 24)
        lay.addWidget(self.label)
        lay.addWidget(self.list)
        self.hits: dict[int, list[int]] = {}
        self.setVisible(False)

    def show_article(self, lib, a) -> None:
        self.list.clear()
        self.hits = {}
        if lib is None or a is None:
            self.label.clear()
            self.setVisible(False)
            return
        atts = lib.attachments.of(a.id)
        self.setVisible(bool(atts))
        if not atts:
            return
        hits = self._pages(lib, a.id)
        missing = 0
        for att in atts:
            path = lib.attachments.resolve(att)
            gone = lib.attachments.missing(att)
            missing += gone
            name = os.path.basename(path.replace("\\", "/")) or path
            text = name + ("  (missing)" if gone else "")
            if att.id in hits:
                pages = hits[att.id]
                text += "\nwords on page" + ("s " if len(pages) > 1 else " ") + \
                    ", ".join(map(str, pages[:12])) + (" …" if len(pages) > 12 else "")
            it = QListWidgetItem(text)
            it.setData(_PATH, path)
            size = f"{att.size:,} bytes" if att.size else "size unknown"
            it.setToolTip(f"{path}\n{att.mode}, {att.kind}, {size}"
                          + ("\nmissing: not at this path (Library › Find moved files)"
                             if gone else ""))
            if gone:
                it.setForeground(Qt.gray)
                it.setFlags(it.flags() & ~Qt.ItemIsDragEnabled)
            elif att.kind == "pdf":
                key = att.sha256 or path
                it.setData(_PATH + 1, key)
                if key in self.thumbs:
                    it.setIcon(QIcon(self.thumbs[key]))
                else:
                    self._thumbnail(key, path)
            self.list.addItem(it)
        self.hits = hits
        n = len(atts)
        self.label.setText(f"Files ({n})" + (f", {missing} missing" if missing else "")
                           + (": search words found in the PDF" if hits else ""))

    def _pages(self, lib, article_id: int) -> dict[int, list[int]]:
        q = (self.query() or "").strip()
        if len(q) < 2:
            return {}
        from amlref.storage.search import parse_query
        pq = parse_query(q, prefix_last=False)
        match = pq.fulltext_match or pq.text_match
        out: dict[int, list[int]] = {}
        if match:
            for att_id, page in lib.fulltext.pages(article_id, match):
                out.setdefault(att_id, []).append(page)
        return out

    def _thumbnail(self, key: str, path: str) -> None:
        if key in self._running:
            return
        self._running.add(key)
        job = _Thumb(key, path)
        job.setAutoDelete(False)
        job.signals.done.connect(self._thumb_done)
        self._jobs.append(job)
        self.pool.start(job)

    def _thumb_done(self, key: str, png: bytes) -> None:
        self._running.discard(key)
        self._jobs = [j for j in self._jobs if j.key != key]
        pix = QPixmap()
        if png and pix.loadFromData(png, "PNG"):
            self.thumbs[key] = pix
            for i in range(self.list.count()):
                it = self.list.item(i)
                p = it.data(_PATH)
                if p and self._key_of(it) == key:
                    it.setIcon(QIcon(pix))

    def _key_of(self, item) -> str:
        return item.data(_PATH + 1) or ""

    def open_item(self, item) -> None:
        path = item.data(_PATH)
        if not path or not os.path.isfile(path):
            self.label.setText(f"Missing: {path} (Library › Find moved files)")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        self.opened.emit(path)

    def wait(self, ms: int = 10000) -> None:
        self.pool.waitForDone(ms)
