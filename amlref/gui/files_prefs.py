"""The files part of the Preferences dialog: files folder, file-name pattern, link instead of
copy, no online look-up for PDFs (library settings, see services/attachments.py)."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit


class FilesPreferences(QGroupBox):
    def __init__(self, lib, parent=None):
        super().__init__("Files and PDFs", parent)
        from amlref.services.attachments import files_folder, name_pattern
        form = QFormLayout(self)
        self.folder = QLineEdit(lib.settings.get("files.folder", "") or "")
        self.folder.setObjectName("files_folder")
        self.folder.setPlaceholderText(files_folder(lib))
        form.addRow("Files folder", self.folder)
        self.pattern = QLineEdit(name_pattern(lib))
        self.pattern.setObjectName("files_pattern")
        self.pattern.setToolTip("[citekey], or citation-key tokens such as [auth][year]; "
                                "/ makes sub-folders; the extension is the file's own")
        form.addRow("File names", self.pattern)
        self.link = QCheckBox("Link files where they are instead of copying them "
                              "(Alt while dropping does it once)")
        self.link.setObjectName("files_link")
        self.link.setChecked(bool(lib.settings.get("files.link", False)))
        form.addRow(self.link)
        self.offline = QCheckBox("Do not look PDFs up online (they come in as “needs metadata”)")
        self.offline.setObjectName("pdf_offline")
        self.offline.setChecked(bool(lib.settings.get("pdf.offline", False)))
        form.addRow(self.offline)

    def save(self, lib) -> None:
        """Store the values; a bad pattern raises InputError and stores nothing."""
        from amlref.core.errors import InputError
        from amlref.services.attachments import DEFAULT_PATTERN, check_pattern
        pattern = self.pattern.text().strip() or DEFAULT_PATTERN
        try:
            check_pattern(pattern)
        except ValueError as exc:
            raise InputError(f"file name pattern {pattern!r}: {exc}") from None
        with lib.transaction():
            lib.settings.set("files.folder", self.folder.text().strip())
            lib.settings.set("files.pattern", pattern)
            lib.settings.set("files.link", self.link.isChecked())
            lib.settings.set("pdf.offline", self.offline.isChecked())
