"""Normalisation and validation of DOIs, PMIDs, PMCIDs (and recognising which one a string is)."""
from __future__ import annotations

import re
from urllib.parse import unquote

from amlref.core.errors import IdentifierError

_DOI_PREFIXES = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|https?://doi\.org/|doi\.org/|doi:\s*|doi\s+|urn:doi:)",
    re.I)
_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
# A SICI (ANSI/NISO Z39.56) inside a DOI: the item segment in angle brackets, then the control
# segment "2.0.CO;2" or "3.0.CO;2-K" (Wiley's 10.1002/(SICI)..., AMS's 10.1175/...).  Crossref:
# SICI DOIs need "<>#" beyond its recommended pattern.  "<" elsewhere ends a DOI in text (an
# HTML tag, a <URL> wrapper).
SICI_SEGMENT = r"<[^\s\"<>{}|\\^`]+>(?=\d\.\d\.[a-z]{2};\d)"
_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/(?:[^\s\"<>]|" + SICI_SEGMENT + r")+)", re.I)
_PMCID_RE = re.compile(r"^(?:PMC)?(\d{1,10})$", re.I)


def normalize_doi(value: str, strict: bool = True) -> str:
    """``https://doi.org/10.1000/ABC`` -> ``10.1000/abc``.  Raises IdentifierError if invalid
    (or returns "" when ``strict`` is False)."""
    v = (value or "").strip()
    if not v:
        return ""
    if v.startswith("10.") and "%" not in v and v == v.lower() and _DOI_RE.match(v) \
            and not v.endswith((".", ";", ",")):
        return v          # already normal (every import asks again): same result, no regex work
    v = _DOI_PREFIXES.sub("", v.strip())
    if "%" in v:
        v = unquote(v)
    v = v.strip().rstrip(".;,")
    v = v.lower()
    if not _DOI_RE.match(v):
        if strict:
            raise IdentifierError(f"not a valid DOI: {value!r} (expected 10.<prefix>/<suffix>)")
        return ""
    return v


def normalize_pmid(value: str | int, strict: bool = True) -> str:
    v = str(value or "").strip()
    if not v:
        return ""
    if v.isdigit() and len(v) <= 9 and v[0] != "0" and v.isascii():
        return v          # already normal
    v = re.sub(r"^(?:pmid:?\s*|https?://pubmed\.ncbi\.nlm\.nih\.gov/)", "", v, flags=re.I)
    v = v.strip().rstrip("/")
    if not v.isdigit() or len(v) > 9 or int(v) == 0:
        if strict:
            raise IdentifierError(f"not a valid PMID: {value!r} (expected 1 to 9 digits)")
        return ""
    return str(int(v))


def normalize_pmcid(value: str, strict: bool = True) -> str:
    v = (value or "").strip()
    if not v:
        return ""
    v = re.sub(r"^(?:pmcid:\s*|https?://(?:www\.)?ncbi\.nlm\.nih\.gov/pmc/articles/|"
               r"https?://pmc\.ncbi\.nlm\.nih\.gov/articles/)", "", v, flags=re.I).strip("/ ")
    m = _PMCID_RE.match(v)
    if not m or int(m.group(1)) == 0 or not (v.upper().startswith("PMC")):
        if strict:
            raise IdentifierError(f"not a valid PMCID: {value!r} (expected PMC followed by digits)")
        return ""
    return "PMC" + str(int(m.group(1)))


def find_doi(text: str) -> str:
    """The first DOI inside free text, normalised, or ""."""
    m = _DOI_IN_TEXT.search(text or "")
    if not m:
        return ""
    d = m.group(1).rstrip(".,;:")
    while d.endswith((")", "]")) and d.count(d[-1]) > d.count("(" if d[-1] == ")" else "["):
        d = d[:-1].rstrip(".,;:")   # "(doi:10.1002/(SICI)...;2-K)": the bracket around it
    return normalize_doi(d, strict=False)


def doi_url(doi: str) -> str:
    """The doi.org link of a DOI: "<", ">" and a SICI's "#" percent-encoded (a "#" would
    start the link's fragment)."""
    from urllib.parse import quote
    return "https://doi.org/" + quote(doi, safe="/()[];:,.-_~'*!$&+=@")


def classify_identifier(value: str) -> tuple[str, str]:
    """Recognise what a user typed or dropped: returns (kind, normalised) with kind one of
    ``doi``, ``pmid``, ``pmcid``.  Accepts doi.org and pubmed/pmc URLs.  Raises IdentifierError."""
    v = (value or "").strip()
    if re.match(r"^(?:https?://)?pubmed\.ncbi\.nlm\.nih\.gov/\d+", v, re.I):
        return "pmid", normalize_pmid(re.search(r"/(\d+)", v).group(1))
    if re.search(r"ncbi\.nlm\.nih\.gov/(?:pmc/)?articles/PMC\d+", v, re.I):
        return "pmcid", normalize_pmcid(re.search(r"(PMC\d+)", v, re.I).group(1))
    if re.match(r"^pmid:?\s*\d+$", v, re.I) or v.isdigit():
        return "pmid", normalize_pmid(v)
    if re.match(r"^(?:pmcid:?\s*)?PMC\d+$", v, re.I):
        return "pmcid", normalize_pmcid(re.sub(r"^pmcid:?\s*", "", v, flags=re.I))
    if re.search(r"10\.\d{4,9}/", v):
        return "doi", normalize_doi(v)
    raise IdentifierError(f"not a DOI, PMID, PMCID or PubMed/doi.org link: {value!r}")
