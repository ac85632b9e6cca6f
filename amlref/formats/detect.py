"""Which importer reads a file: by sniffing the content first (a MEDLINE file called .ris is
MEDLINE), the extension breaking ties; an unknown format gets a clear message."""
from __future__ import annotations

import os

from amlref.core.errors import InputError
from amlref.plugins.registry import registry


def supported_formats() -> str:
    imps = registry.importers()
    return ", ".join(f"{n} ({', '.join(getattr(i, 'extensions', ()) or ('-',))})"
                     for n, i in sorted(imps.items()))


def detect(text: str, filename: str = "") -> str:
    """Name of the importer for ``text`` (decoded); raises InputError listing the formats."""
    ext = os.path.splitext(filename.lower())[1] if filename else ""
    if filename.lower().endswith(".csl.json"):
        ext = ".csl.json"
    head = text[:8192]
    best, best_score = None, 0.0
    for name, imp in registry.importers().items():
        try:
            score = float(imp.sniff(head))
        except Exception:
            score = 0.0
        if ext and ext in getattr(imp, "extensions", ()):
            score += 0.15
        if score > best_score:
            best, best_score = name, score
    if best is None or best_score < 0.3:
        where = filename or "input"
        raise InputError(f"unknown format; supported formats: {supported_formats()}", where)
    return best
