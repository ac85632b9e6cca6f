"""Reading RIS: the identifiers, where the vendors put them.

- DOI in ``DO``/``DI``, else found by pattern in ``M3``, ``L3``, ``UR``, ``L2``, ``N1`` ...;
- PMID as ``PMID: n``/``PUBMED n``/``n[pmid]``/``PM:n`` (RefMan) in any tag, bare digits in
  ``AN`` (PubMed, Zotero), ``C5`` (Embase) or ``C2`` (Scopus), or a link to its PubMed page;
- PMCID in ``C2``, ``AN``, ``C7``, ``C3`` ... or a link to its PMC page."""
from __future__ import annotations

import re

from amlref.core.article import Article
from amlref.core.identifiers import find_doi, normalize_doi, normalize_pmcid, normalize_pmid

_PMID_TEXT = re.compile(r"^(?:(?:PMID|PUBMED|PubMed ID|MEDLINE|PM(?=\s*:))\s*[:=]?\s*(\d{1,9})|"
                        r"(\d{1,9})\s*\[pmid\])\s*$", re.I)
_PMCID_TEXT = re.compile(r"\b(PMC\d{3,10})\b")
_PUBMED_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|"
                         r"europepmc\.org/(?:article|abstract)/MED/)(\d{1,9})\b", re.I)
_PMC_URL = re.compile(r"(?:ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/|"
                      r"europepmc\.org/(?:article|abstract)/PMC/)(PMC\d+)\b", re.I)
_NO_IDS = {"TY", "TI", "T1", "AB", "N2", "AU", "A1", "KW", "T2", "JF", "JO", "PY", "Y1", "DA",
           "SP", "EP", "VL", "IS", "PB"}
_NON_PUBMED_DB = re.compile(r"embase|cinahl|ebsco|psycinfo|proquest|scopus|web of science|"
                            r"wos|ovid|eric|cochrane|rayyan|openalex|lens", re.I)
_PMCID_TAGS = frozenset(("C2", "AN", "M1", "N1", "C7", "C3"))
_NONE = ("",)


def identifiers(a: Article, d, take) -> None:
    """DOI, PMID and PMCID of one record; ``take`` marks a value a field took."""
    doi = (d.get("DO") or d.get("DI") or _NONE)[0]
    a.doi = normalize_doi(doi, strict=False) or find_doi(doi)
    if a.doi:
        take("DO" if "DO" in d else "DI", doi)
    else:
        for t in ("M3", "L3", "UR", "L2", "L1", "N1", "ID", "M1", "C7"):
            for v in d.get(t, ()):
                if t in ("UR", "L2", "L1") and "doi.org/" not in v and \
                        not v.lower().startswith("doi"):
                    continue
                found = find_doi(v)
                if found:
                    a.doi = found
                    break
            if a.doi:
                break
    if not a.doi:
        for t in ("UR", "L2"):
            for v in d.get(t, ()):
                found = find_doi(v)
                if found and not found.endswith((".pdf", ".html")):
                    a.doi = found
                    break
            if a.doi:
                break
    for v in d.get("M3", ()):   # a DOI in M3 (Type of Work) is the DOI, not a genre
        found = find_doi(v)
        if found and found == a.doi:
            take("M3", v)
    a.pmid = _find_pmid(d)
    if a.pmid:
        for v in d.get("AN", ()):
            if v.isdigit() and str(int(v)) == a.pmid:
                take("AN", v)
    if not _PMCID_TAGS.isdisjoint(d):
        for t in ("C2", "AN", "M1", "N1", "C7", "C3"):
            for v in d.get(t, ()):
                m = _PMCID_TEXT.search(v)
                if m and not a.pmcid:
                    a.pmcid = normalize_pmcid(m.group(1), strict=False)
    if (not a.pmid or not a.pmcid) and ("UR" in d or "L2" in d):
        # links to the record's own PubMed / PMC pages (Lens, Citavi); used only when they agree
        links = d.get("UR", []) + d.get("L2", [])
        if not a.pmid:
            found = {m.group(1) for u in links for m in _PUBMED_URL.finditer(u)}
            if len(found) == 1:
                a.pmid = normalize_pmid(found.pop(), strict=False)
        if not a.pmcid:
            found = {m.group(1).upper() for u in links for m in _PMC_URL.finditer(u)}
            if len(found) == 1:
                a.pmcid = normalize_pmcid(found.pop(), strict=False)
    if a.pmcid:   # a value that is just the PMCID is taken by the field
        for t in ("C2", "AN", "M1", "C7", "C3"):
            for v in d.get(t, ()):
                if v.upper() == a.pmcid:
                    take(t, v)


def _find_pmid(d: dict[str, list[str]]) -> str:
    for tag, vals in d.items():
        if tag in _NO_IDS:
            continue
        for v in vals:
            if len(v) > 40 or not (v[:1] in "PpMm" or v.endswith("]")):
                continue
            m = _PMID_TEXT.match(v.strip())
            if m and int(m.group(1) or m.group(2)):
                return str(int(m.group(1) or m.group(2)))
    if not ("AN" in d or "C5" in d or "M1" in d or "C1" in d or "C2" in d):
        return ""
    context = " ".join(d.get("DB", []) + d.get("DP", []))
    pubmedish = bool(re.search(r"pubmed|medline|nlm|ncbi", context, re.I)) or any(
        "pubmed" in u for u in d.get("UR", []))
    nonpubmed = bool(_NON_PUBMED_DB.search(context)) and not pubmedish
    scopus = "scopus" in context.lower() or any("scopus.com" in u for u in d.get("UR", []))
    for tag in ("AN", "C5", "M1", "C1", "C2"):
        for v in d.get(tag, ()):
            v = v.strip()
            if not (6 <= len(v) <= 9 and v.isdigit()):
                continue
            if tag == "AN" and not nonpubmed:
                return str(int(v))
            if tag == "C5" and re.search(r"embase", context, re.I):
                return str(int(v))
            if tag in ("M1", "C1") and pubmedish:
                return str(int(v))
            if tag == "C2" and scopus:  # Scopus writes the PubMed ID in C2
                return str(int(v))
    return ""
