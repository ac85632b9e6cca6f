"""The fields of a reference as a stub keeps them (normalised identifiers, title key), and
when two descriptions are the same work: what ``CitationStore`` (storage/citations.py) and
``add_many`` (storage/citation_edges.py) decide with, and what a watch run's readers make of
each reference (services/watch_fetch.py) without the database layer.

A confident title match: normalised titles equal, at least 3 words and 21 characters, years
within 1 when both are known, and no identifier that contradicts (both have a DOI, PMID or PMCID
and they differ)."""
from __future__ import annotations

import re

from amlref.core.article import Reference, title_key
from amlref.core.identifiers import find_doi, normalize_doi, normalize_pmcid, normalize_pmid

# 'cited_by' exists only towards a stub: "this article is cited by a work not in the library"
# (PubMed "Cited by", E-utilities citedin, OpenAlex cites:).  The edge row keeps the article in
# citing_id; when the work enters the library the edge becomes work -> article 'cites'.
KINDS = ("cites", "similar", "cited_by")
ID_COLUMNS = ("doi", "pmid", "pmcid")
STUB_COLUMNS = ("id", "raw", "doi", "pmid", "pmcid", "title", "title_key", "year", "authors",
                "container", "resolved_id", "cited_count")
_PMID_IN_TEXT = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
_PMCID_IN_TEXT = re.compile(r"\b(PMC\d{3,9})\b")


def confident_title(tkey: str) -> bool:
    """Is a normalised title specific enough to identify a work on its own?"""
    return bool(tkey) and len(tkey) > 20 and tkey.count(" ") >= 2


def compatible(a: dict, b: dict) -> bool:
    """No identifier contradicts: for DOI, PMID and PMCID, not (both known and different)."""
    return all(not (a.get(c) and b.get(c) and a[c] != b[c]) for c in ID_COLUMNS)


def years_close(y1, y2) -> bool:
    return y1 is None or y2 is None or abs(int(y1) - int(y2)) <= 1


def normalize_reference(ref: Reference) -> dict:
    """The stub fields of a reference: identifiers normalised (or found in the raw text),
    title key computed."""
    doi = (normalize_doi(ref.doi, strict=False) or "") if ref.doi else ""
    pmid = (normalize_pmid(ref.pmid, strict=False) or "") if ref.pmid else ""
    pmcid = (normalize_pmcid(ref.pmcid, strict=False) or "") if ref.pmcid else ""
    raw = ref.raw or ""
    # (each pattern is searched only where its literal start is in the text: the same result,
    # without three regex searches for every reference of an import)
    if raw and not doi and "10." in raw:
        doi = find_doi(raw) or ""
    if raw and not pmid and "PMID" in raw:
        m = _PMID_IN_TEXT.search(raw)
        pmid = (normalize_pmid(m.group(1), strict=False) or "") if m else ""
    if raw and not pmcid and "PMC" in raw:
        m = _PMCID_IN_TEXT.search(raw)
        pmcid = (normalize_pmcid(m.group(1), strict=False) or "") if m else ""
    if not raw:   # an identifier that did not normalise is kept as text, never dropped
        got = {"doi": doi, "pmid": pmid, "pmcid": pmcid}
        raw = "; ".join(f"{c}: {getattr(ref, c)}" for c in ID_COLUMNS
                        if getattr(ref, c) and not got[c])
    year = ref.year
    if year is not None:
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = None
    authors = ref.authors
    if isinstance(authors, (list, tuple)):
        authors = "; ".join(map(str, authors))
    return {"raw": raw, "doi": doi, "pmid": pmid, "pmcid": pmcid, "title": ref.title or "",
            # a citation known only by its text is keyed by that text (an indexed look-up
            # for the same citation again; it matches an article only if it is just the title)
            "title_key": title_key(ref.title or "") or title_key(raw), "year": year,
            "authors": authors or "", "container": ref.container or ""}
