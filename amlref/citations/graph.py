"""Graph queries with details: references, cited by, similar of one article.

Each entry is a plain dict (JSON-ready):
``{"in_library", "article_id", "stub_id", "citekey", "title", "year", "authors", "container",
"doi", "pmid", "pmcid", "origin"}`` -- library articles first, then stubs (works not in the
library, with what is known about them)."""
from __future__ import annotations

from typing import Iterable, TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

_ARTICLE_COLS = ("id", "citekey", "title", "year", "first_author", "container", "doi", "pmid",
                 "pmcid", "type")
_CHUNK = 500


def article_rows(lib: "Library", ids: Iterable[int]) -> dict[int, dict]:
    """Light rows (no JSON parsing) for many articles, by id."""
    ids = list(dict.fromkeys(ids))
    out: dict[int, dict] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i:i + _CHUNK]
        for r in lib.execute(f"SELECT {', '.join(_ARTICLE_COLS)} FROM articles WHERE id IN "
                             f"({','.join('?' * len(chunk))})", chunk):
            out[r[0]] = dict(zip(_ARTICLE_COLS, r))
    return out


def article_entry(row: dict, origin: str = "") -> dict:
    return {"in_library": True, "article_id": row["id"], "stub_id": None,
            "citekey": row["citekey"], "title": row["title"], "year": row["year"],
            "authors": row["first_author"], "container": row["container"], "doi": row["doi"],
            "pmid": row["pmid"], "pmcid": row["pmcid"], "origin": origin}


def stub_entry(s: dict, origin: str = "") -> dict:
    return {"in_library": False, "article_id": None, "stub_id": s["id"], "citekey": None,
            "title": s["title"] or s["raw"], "year": s["year"], "authors": s["authors"],
            "container": s["container"], "doi": s["doi"], "pmid": s["pmid"],
            "pmcid": s["pmcid"], "origin": origin}


def describe(lib: "Library", entries: list[dict]) -> list[dict]:
    """Add details to id entries from ``lib.citations`` (batched: one query per kind)."""
    arts = article_rows(lib, [e["article_id"] for e in entries if e.get("article_id")])
    stubs = lib.citations.stubs([e["stub_id"] for e in entries if e.get("stub_id")])
    out = []
    for e in entries:
        origin = e.get("origin", "")
        if e.get("article_id"):
            row = arts.get(e["article_id"])
            if row:
                out.append(article_entry(row, origin))
        elif e.get("stub_id"):
            s = stubs.get(e["stub_id"])
            if s:
                out.append(stub_entry(s, origin))
    return out


def references(lib: "Library", article_id: int) -> list[dict]:
    """What the article cites: library articles first, then works not in the library."""
    return describe(lib, lib.citations.references(article_id))


def cited_by(lib: "Library", article_id: int) -> list[dict]:
    """Library articles that cite this one, then works not in the library known to cite it."""
    return describe(lib, lib.citations.cited_by(article_id))


def similar(lib: "Library", article_id: int) -> list[dict]:
    return describe(lib, lib.citations.similar(article_id))


def counts(lib: "Library", article_id: int) -> dict[str, int]:
    return lib.citations.counts(article_id)


def neighbourhood(lib: "Library", article_id: int) -> dict:
    """Everything the citation panel of one article shows."""
    return {"references": references(lib, article_id), "cited_by": cited_by(lib, article_id),
            "similar": similar(lib, article_id), "counts": counts(lib, article_id)}
