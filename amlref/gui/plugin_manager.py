"""The plugin manager (Plugins > Manage plugins…, and Preferences): every plugin package found,
its version, what it contributes, its state and the error of one that failed; a check box per
package to switch it off or on (saved in the same file as ``amlref plugins disable NAME``;
used from the next start)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from amlref.plugins.registry import BUILTIN_DIST, registry

ERROR_COLOR = QColor("#b00020")


class PluginManagerDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Plugins")
        self.setObjectName("plugin_manager")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Plugins add formats, online sources and parts of the window. "
                             "Switching one off or on takes effect at the next start."))
        self.tree = QTreeWidget()
        self.tree.setObjectName("plugins")
        self.tree.setHeaderLabels(["Plugin / contribution", "Version", "Kind", "State"])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        lay.addWidget(self.tree, 1)
        self.packages: dict[str, QTreeWidgetItem] = {}
        self._fill()
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.resize(860, 480)

    def _fill(self) -> None:
        from amlref.plugins.state import disabled_names
        off = disabled_names()
        by_dist: dict[str, list] = {}
        for i in registry.load_all():
            by_dist.setdefault(i.dist or "(unknown)", []).append(i)
        for dist in sorted(by_dist, key=lambda d: (d != BUILTIN_DIST, d)):
            entries = by_dist[dist]
            broken = [i for i in entries if not i.ok]
            state = ("disabled" if dist in off else
                     f"{len(broken)} failed" if broken else "ok")
            top = QTreeWidgetItem(self.tree, [dist, entries[0].version, "package", state])
            if dist != BUILTIN_DIST:
                top.setFlags(top.flags() | Qt.ItemIsUserCheckable)
                top.setCheckState(0, Qt.Unchecked if dist in off else Qt.Checked)
                self.packages[dist] = top
            for i in entries:
                it = QTreeWidgetItem(top, [i.name, "", i.kind, i.state])
                it.setToolTip(0, i.value)
                it.setToolTip(3, i.error or i.state)
                if not i.ok:
                    it.setForeground(3, ERROR_COLOR)
                    top.setForeground(3, ERROR_COLOR)
            top.setExpanded(dist != BUILTIN_DIST)
        for c in range(3):
            self.tree.resizeColumnToContents(c)

    def changes(self) -> dict[str, bool]:
        """{package: enabled} for the packages whose box changed."""
        from amlref.plugins.state import disabled_names
        off = disabled_names()
        out = {}
        for dist, it in self.packages.items():
            on = it.checkState(0) == Qt.Checked
            if on == (dist in off):
                out[dist] = on
        return out

    def accept(self) -> None:
        from amlref.plugins.state import set_enabled
        try:
            for dist, on in self.changes().items():
                set_enabled(dist, on)
        except Exception as exc:   # (an unwritable config folder: said, not raised)
            from PySide6.QtWidgets import QMessageBox
            QMessageBox.warning(self, "Plugins", str(exc))
            return
        super().accept()
