"""The one error a PDF reader raises: ``str(exc)`` is a one-line reason for the user."""
from __future__ import annotations


class PdfError(Exception):
    """A PDF could not be read: encrypted, not a PDF, damaged, too slow, too big ...
    ``str(exc)`` is one line, without the file name (the caller names the file)."""

    def __init__(self, reason: str):
        super().__init__(" ".join(str(reason).split()))


class ReaderUnavailable(PdfError):
    """The reader process could not be started: no file is to blame (a batch stops here)."""

    def __init__(self, reason: str = "the PDF reader did not start"):
        super().__init__(reason)
