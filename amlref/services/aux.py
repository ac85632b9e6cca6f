"""``amlref export --aux paper.aux``: exactly the entries a LaTeX document cites.

Reads both .aux formats: BibTeX's ``\\citation{a,b}`` and biblatex/biber's
``\\abx@aux@cite{refsection}{key}`` (and the older one-argument form); ``\\nocite{*}`` (written as
``\\citation{*}`` or ``\\abx@aux@cite{0}{*}``) means every article of the view; nested
``\\@input{chapter.aux}`` files are followed.  Entries they cross-reference are added, so bibtex
and biber find the parents too."""
from __future__ import annotations

import os
import re

from amlref.core.errors import InputError
from amlref.services.exporting import export_articles
from amlref.services.views import View, view_ids
from amlref.storage.library import Library

_CITE = re.compile(r"\\citation\{([^}]*)\}|\\abx@aux@cite\{(?:[^}]*)\}\{([^}]*)\}"
                   r"|\\abx@aux@cite\{([^}]*)\}(?!\{)|\\abx@aux@nociteall()")
_INPUT = re.compile(r"\\@input\{([^}]*)\}")


def read_aux(path: str, _seen: set | None = None) -> list[str]:
    """Cited keys in first-citation order (``*`` for \\nocite{*})."""
    seen = _seen if _seen is not None else set()
    real = os.path.realpath(path)
    if real in seen:
        return []
    seen.add(real)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        if len(seen) == 1:
            raise InputError("no such file", path) from None
        return []   # LaTeX writes \@input for files that may not exist yet
    except OSError as exc:
        raise InputError(f"cannot read .aux file: {exc.strerror}", path) from None
    text = data.decode("utf-8", errors="replace")
    keys: list[str] = []
    folder = os.path.dirname(path)
    events = sorted([(m.start(), "cite", m) for m in _CITE.finditer(text)] +
                    [(m.start(), "input", m) for m in _INPUT.finditer(text)], key=lambda e: e[0])
    for _, kind, m in events:
        if kind == "cite":
            group = next(g for g in m.groups() if g is not None) or "*"
            for k in group.split(","):
                k = k.strip()
                if k:
                    keys.append(k)
        else:
            keys.extend(read_aux(os.path.join(folder, m.group(1).strip()), seen))
    return list(dict.fromkeys(keys))


def export_aux(lib: Library, aux_path: str, fmt: str, view: View | None = None
               ) -> tuple[str, int, list[str]]:
    """(text, number of entries written, cited keys missing from the library/view)."""
    keys = read_aux(aux_path)
    view = view or View()
    if "*" in keys:
        ids = view_ids(lib, view, order="a.citekey COLLATE BINARY")
        arts = lib.articles.get_many(ids)
        return export_articles(arts, fmt), len(arts), []
    allowed = None if view.is_all else set(view_ids(lib, view))
    by_key: dict[str, object] = {}
    missing: list[str] = []
    for k in keys:
        aid = lib.articles.find_id("citekey", k)
        if aid is None or (allowed is not None and aid not in allowed):
            missing.append(k)
            continue
        by_key[k] = aid
    arts = lib.articles.get_many(list(dict.fromkeys(by_key.values())))
    # cross-referenced parents (crossref / xref / xdata / entryset), transitively
    have = {a.citekey for a in arts}
    queue = list(arts)
    while queue:
        a = queue.pop()
        fields = (a.extra.get("bibtex") or {}).get("fields") or {}
        for f in ("crossref", "xref", "xdata", "entryset"):
            for ref in (fields.get(f) or "").split(","):
                ref = ref.strip()
                if not ref or ref in have:
                    continue
                aid = lib.articles.find_id("citekey", ref)
                if aid is None:
                    continue
                parent = lib.articles.get(aid)
                have.add(ref)
                arts.append(parent)
                queue.append(parent)
    arts.sort(key=lambda a: a.citekey or "")
    return export_articles(arts, fmt), len(arts), missing
