"""Which importer reads a file: by sniffing the content first (a MEDLINE file called .ris is
MEDLINE), the extension breaking ties; an unknown format gets a clear message listing the
supported formats."""
from __future__ import annotations

import os

from amlref.core.errors import InputError
from amlref.plugins.registry import registry

EXT_BONUS = 0.15      # an extension the importer claims adds this much to its sniff score
MIN_SCORE = 0.3       # below this, the content is not recognised
GENERIC_EXTS = {".txt", ".text", ".dat", ""}  # say nothing about the format


def supported_formats() -> str:
    imps = registry.importers()
    return ", ".join(f"{n} ({', '.join(getattr(i, 'extensions', ()) or ('-',))})"
                     for n, i in sorted(imps.items()))


def _ext(filename: str) -> str:
    name = os.path.basename(filename.lower()) if filename else ""
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(".csl.json"):
        return ".csl.json"
    return os.path.splitext(name)[1]


def scores(text: str, filename: str = "") -> list[tuple[float, str]]:
    """(score, importer name) for every importer, best first."""
    ext = _ext(filename)
    head = text[:16384].lstrip("\ufeff")
    out = []
    for name, imp in registry.importers().items():
        try:
            score = float(imp.sniff(head))
        except Exception:  # a plugin's sniff must not break detection
            score = 0.0
        if score > 0 and ext and ext in getattr(imp, "extensions", ()):
            score += EXT_BONUS
        out.append((score, name))
    out.sort(key=lambda t: -t[0])
    return out


def detect(text: str, filename: str = "") -> str:
    """Name of the importer for ``text`` (decoded); raises InputError listing the formats."""
    where = filename or "input"
    if not text.strip("\ufeff \t\r\n"):
        raise InputError("empty file: nothing to import", where)
    ranked = scores(text, filename)
    if ranked and ranked[0][0] >= MIN_SCORE:
        return ranked[0][1]
    # content not recognised: a specific extension claimed by exactly one importer decides
    ext = _ext(filename)
    if ext not in GENERIC_EXTS:
        owners = [n for n, imp in registry.importers().items()
                  if ext in getattr(imp, "extensions", ())]
        if len(owners) == 1 and ranked and dict((n, s) for s, n in ranked)[owners[0]] > 0:
            return owners[0]
    raise InputError("unknown format (the content matches none of the supported formats); "
                     f"supported formats: {supported_formats()}; use --format to choose one",
                     where)
