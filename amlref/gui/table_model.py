"""The article table model: holds only row ids and fetches rows on demand, a page at a time,
with a small cache (the way to show 100,000 articles; see Anki's browser table model).
Sorting asks the library for the ids in a new SQL ORDER BY."""
from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from amlref.gui import queries
from amlref.gui.mime import IDS_MIME, make_mime

PAGE = 100
MAX_PAGES = 64
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_USER = Qt.ItemDataRole.UserRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_FONT = Qt.ItemDataRole.FontRole
_RIGHT = Qt.AlignRight | Qt.AlignVCenter
PDF_COLUMN = len(queries.COLUMNS)      # last: an icon when the article has a PDF attached
_FLAGS = Qt.ItemIsSelectable | Qt.ItemIsEnabled | Qt.ItemIsDragEnabled


class ArticleTableModel(QAbstractTableModel):
    sort_requested = Signal(object, int)    # column name (or None), descending (0/1)

    def __init__(self, lib, parent=None):
        super().__init__(parent)
        self.lib = lib
        self.ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._pages: OrderedDict[int, dict[int, tuple]] = OrderedDict()
        self.fetches = 0
        self.sort_column: str | None = queries.DEFAULT_SORT[0]
        self.sort_desc = queries.DEFAULT_SORT[1]
        self.extra_columns: list = []   # plugins' columns (gui/extensions.py), after PDF
        self.bold_ids: set[int] = set()  # rows shown in bold: unread in the Inbox
        self._bold = QFont()
        self._bold.setBold(True)

    # -- content -----------------------------------------------------------------------------
    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = list(ids)
        self._row_of = None
        self._pages.clear()
        self.endResetModel()

    def extend(self, more: list[int]) -> None:
        """Append rows (the rest of a list whose head is shown): keeps scroll and selection."""
        if not more:
            return
        n = len(self.ids)
        self.beginInsertRows(QModelIndex(), n, n + len(more) - 1)
        self.ids.extend(more)
        self._row_of = None
        last = n // PAGE
        self._pages.pop(last, None)   # the last page was cut short: fetch it again
        self.endInsertRows()

    def invalidate(self, ids=None) -> None:
        """Forget cached rows (all, or the pages holding these ids) and repaint."""
        for c in self.extra_columns:
            c.forget(ids)
        if ids is None:
            self._pages.clear()
        else:
            wanted = set(ids)
            for p in [p for p, rows in self._pages.items() if wanted & rows.keys()]:
                del self._pages[p]
        if self.ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.ids) - 1, self.columnCount() - 1))

    def row_of(self, article_id: int) -> int:
        if self._row_of is None:
            self._row_of = {aid: i for i, aid in enumerate(self.ids)}
        return self._row_of.get(article_id, -1)

    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def _row(self, row: int) -> tuple | None:
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            chunk = self.ids[page * PAGE:(page + 1) * PAGE]
            rows = queries.rows_for(self.lib, chunk)
            pdf = self.lib.attachments.with_pdf(chunk)
            rows = {i: r + (i in pdf,) for i, r in rows.items()}
            self.fetches += 1
            self._pages[page] = rows
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows.get(self.ids[row])

    # -- Qt model ----------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(queries.COLUMNS) + 1 + len(self.extra_columns)

    def data(self, index, role=_DISPLAY):
        # called thousands of times per paint: plain comparisons, constants precomputed
        if role == _DISPLAY:
            row = index.row()
            if row >= len(self.ids):
                return None
            r = self._row(row)
            if r is None:
                return ""
            c = index.column()
            if c > PDF_COLUMN:
                return self.extra_columns[c - PDF_COLUMN - 1].text(self.ids[row])
            v = r[c]
            return str(v) if v and c != PDF_COLUMN else ""
        if role == _ALIGN:
            return _RIGHT if index.column() in (1, 5) else None
        if role == _TOOLTIP:
            r = self._row(index.row()) if index.row() < len(self.ids) else None
            c = index.column()
            if c > PDF_COLUMN:
                return self.extra_columns[c - PDF_COLUMN - 1].col.tooltip or None
            if c == PDF_COLUMN:
                return "PDF attached" if r is not None and r[c] else None
            return str(r[c]) if r is not None and c in (0, 2, 3, 4) and r[c] else None
        if role == _DECORATION and index.column() == PDF_COLUMN:
            r = self._row(index.row()) if index.row() < len(self.ids) else None
            return _pdf_icon() if r is not None and r[PDF_COLUMN] else None
        if role == _USER:
            return self.ids[index.row()] if index.row() < len(self.ids) else None
        if role == _FONT and self.bold_ids:
            row = index.row()
            return self._bold if row < len(self.ids) and self.ids[row] in self.bold_ids else None
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            if section > PDF_COLUMN:
                return self.extra_columns[section - PDF_COLUMN - 1].header
            return queries.HEADERS[section] if section < PDF_COLUMN else "PDF"
        if orientation == Qt.Horizontal and role == Qt.FontRole:
            f = QFont()
            f.setBold(True)
            return f
        return None

    def flags(self, index):
        return _FLAGS

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        name = queries.COLUMNS[column] if 0 <= column < len(queries.COLUMNS) else None
        self.sort_column = name
        self.sort_desc = order == Qt.DescendingOrder
        self.sort_requested.emit(name, 1 if self.sort_desc else 0)

    # -- drag out ----------------------------------------------------------------------------
    def mimeTypes(self):
        return ["text/plain", "application/x-bibtex", "text/html", "text/uri-list", IDS_MIME]

    def supportedDragActions(self):
        return Qt.CopyAction | Qt.LinkAction

    def mimeData(self, indexes):
        rows = sorted({i.row() for i in indexes})
        ids = [self.ids[r] for r in rows if r < len(self.ids)]
        return make_mime(self.lib, ids)


_ICON = None


def _pdf_icon():
    global _ICON
    if _ICON is None:
        from PySide6.QtWidgets import QApplication, QStyle
        _ICON = QApplication.style().standardIcon(QStyle.SP_FileIcon)
    return _ICON
