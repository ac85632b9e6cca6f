"""The one error a PDF reader raises: ``str(exc)`` is a one-line reason for the user."""
from __future__ import annotations


class PdfError(Exception):
    """A PDF could not be read: encrypted, not a PDF, damaged, too slow, too big ...
    ``str(exc)`` is one line, without the file name (the caller names the file)."""

    def __init__(self, reason: str):
        super().__init__(" ".join(str(reason).split()))
