"""What the CSL-JSON schema (citation-style-language/schema v1.0.2, csl-data.json) allows in an
item, and making an exported item fit it.

An import keeps the variables it has no column for (``extra['csl']``) and the CSL-JSON export
writes them back. Records fetched from Crossref or read from other tools' JSON carry keys that
are no CSL variables (``indexed``, ``link``, ``subject`` ...) and values in Crossref's shapes
(``"archive": ["Portico"]``, ``"event": {"name": ..., "location": ...}``, dates with
``date-time``, names with ``ORCID``). The schema refuses those (``additionalProperties`` is false),
and citeproc processors trip on them. ``fit`` writes each value in the variable's type; what is
no CSL variable goes to ``custom``, the schema's place for key-value pairs without a CSL field."""
from __future__ import annotations

NAMES = frozenset("""
author chair collection-editor compiler composer container-author contributor curator director
editor editorial-director executive-producer guest host illustrator interviewer narrator
organizer original-author performer producer recipient reviewed-author script-writer
series-creator translator""".split())
DATES = frozenset("accessed available-date event-date issued original-date submitted".split())
# string or number
NUMBERS = frozenset("""
chapter-number citation-number collection-number edition first-reference-note-number issue
locator number number-of-pages number-of-volumes page page-first part printing supplement
volume id""".split())
STRINGS = frozenset("""
abstract annote archive archive-place archive_collection archive_location authority
call-number citation-key citation-label collection-title container-title container-title-short
dimensions division DOI event event-place event-title genre ISBN ISSN journalAbbreviation
jurisdiction keyword language medium note original-publisher original-publisher-place
original-title part-title PMCID PMID publisher publisher-place references reviewed-genre
reviewed-title scale section shortTitle source status title title-short URL version volume-title
volume-title-short year-suffix type""".split())
_NAME_KEYS = frozenset(("family", "given", "dropping-particle", "non-dropping-particle", "suffix",
                        "comma-suffix", "static-ordering", "literal", "parse-names"))
_DATE_KEYS = frozenset(("date-parts", "season", "circa", "literal", "raw"))


def _text(v) -> str | None:
    """A string variable's value: a list (Crossref's titles, archives) joined, a number as text."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        parts = [t for t in (_text(x) for x in v) if t]
        return "; ".join(parts) if parts else None
    return None


def _name(p) -> dict | None:
    if isinstance(p, str):
        return {"literal": p} if p.strip() else None
    if not isinstance(p, dict):
        return None
    d = {k: v for k, v in p.items() if k in _NAME_KEYS and isinstance(v, (str, int, float, bool))}
    for k in ("family", "given", "literal", "suffix", "dropping-particle", "non-dropping-particle"):
        if k in d and not isinstance(d[k], str):
            d[k] = str(d[k])
    if "name" in p and not d.get("family") and not d.get("literal") and isinstance(p["name"], str):
        d["literal"] = p["name"]          # Crossref's organisations: {"name": ...}
    return d or None


def _date(v) -> dict | None:
    if isinstance(v, str):
        return {"raw": v} if v.strip() else None
    if not isinstance(v, dict):
        return None
    d = {k: x for k, x in v.items() if k in _DATE_KEYS}
    parts = d.get("date-parts")
    if parts is not None:
        good = []
        for part in parts if isinstance(parts, list) else []:
            if isinstance(part, list):
                p = [x for x in part[:3] if isinstance(x, (int, str)) and str(x).strip()]
                if p:
                    good.append(p)
        if good:
            d["date-parts"] = good[:2]
        else:
            del d["date-parts"]
    for k in ("literal", "raw"):
        if k in d and not isinstance(d[k], str):
            del d[k]
    return d if d.keys() & {"date-parts", "literal", "raw"} else None


def fit(item: dict) -> dict:
    """The item with every variable in the schema's type and everything else in ``custom``."""
    out: dict = {}
    custom = dict(item["custom"]) if isinstance(item.get("custom"), dict) else {}
    for k, v in item.items():
        if k == "custom":
            continue
        if k == "event" and isinstance(v, dict):     # Crossref's event: name and location
            if isinstance(v.get("name"), str) and "event-title" not in item:
                out["event-title"] = v["name"]
            if isinstance(v.get("location"), str) and "event-place" not in item:
                out["event-place"] = v["location"]
            rest = {x: y for x, y in v.items() if x not in ("name", "location")}
            if rest:
                custom["event"] = rest
            continue
        if k in NAMES:
            people = [n for n in (_name(p) for p in (v if isinstance(v, list) else [v])) if n]
            val = people or None
        elif k in DATES:
            val = _date(v)
        elif k in NUMBERS:
            val = v if isinstance(v, (str, int, float)) and not isinstance(v, bool) else _text(v)
        elif k in STRINGS:
            val = _text(v)
        elif k == "categories":
            val = [t for t in (_text(x) for x in v) if t] if isinstance(v, list) else None
        else:
            custom.setdefault(k, v)
            continue
        if val is None:
            if v not in (None, "", [], {}):
                custom.setdefault(k, v)      # a shape the schema has no room for: kept
            continue
        out[k] = val
    if custom:
        out["custom"] = custom
    return out
