"""Writing RIS: one Article -> the lines of one record.

The fields go out under the tags the record's RIS type gives them (ris_types.py), then what the
import kept in ``extra['ris']`` under its own tags, so that a RIS file read and written again
reads as the same articles.  A value of several lines (an abstract) is written as a tag line
and untagged continuation lines, which RIS readers join again (rispy and this importer do)."""
from __future__ import annotations

import re

from amlref.core.article import Article, Person
from amlref.formats import ris_types as T
from amlref.formats.crosswalk import KEPT, csl_from_extra
from amlref.formats.et_al import marked
from amlref.formats.ris_read import MULTILINE_TAGS
from amlref.formats.ris_values import iso_to_ris

_LOOKS_LIKE_TAG = re.compile(r"^[A-Z][A-Z0-9][ \t]{1,4}-(?:[ \t]|$)")
_JOURNALS = frozenset(("JOUR", "EJOUR", "ABST", "INPR", "MGZN", "NEWS", "JFULL"))


_SUFFIX = re.compile(r"^(.*?),\s*(Jr\.?|Sr\.?|II|III|IV|2nd|3rd|4th)$")


def ris_name(p: Person) -> str:
    """RIS's ``Lastname, Firstname, Suffix``: a suffix kept with the family name (BibTeX's
    ``Harry L. {Baldwin, Jr.}``) goes after the given names, where RIS readers look for it."""
    m = _SUFFIX.match(p.family) if p.given and "," in p.family and not p.literal else None
    if m:
        return f"{m.group(1)}, {p.given}, {m.group(2)}"
    return p.display()


def article_to_lines(a: Article) -> list[str]:
    lines: list[str] = []

    def put(tag: str, value) -> None:
        if value is None:
            return
        s = str(value).strip()
        if not s:
            return
        if "\n" not in s and "\r" not in s:
            lines.append(f"{tag}  - {s}")
            return
        parts = [p.strip() for p in s.splitlines() if p.strip()]
        if tag not in MULTILINE_TAGS or any(_LOOKS_LIKE_TAG.match(p) for p in parts[1:]):
            lines.append(f"{tag}  - {' '.join(parts)}")   # cannot be continued: one line
        else:
            lines.append(f"{tag}  - {parts[0]}")
            lines.extend(parts[1:])

    extra = a.extra or {}
    kept: dict[str, list[str]] = dict(extra.get("ris") or {})
    csl: dict = extra.get("csl") or {}
    if any(k in extra for k in KEPT):
        csl = {**csl_from_extra(a), **csl}
    ty = T.OUT_TYPES.get(a.type, "GEN")
    own = (kept.pop("TY", None) or [""])[0]
    if own and (T.TYPE_MAP.get(own.upper(), T.UNKNOWN_TYPE) == a.type or (
            own.upper() == "GEN" and a.type == "article-journal" and a.container)):
        ty = own
    put("TY", ty)
    ty = ty.upper()
    put("TI", a.title)
    for p in a.authors:
        put("AU", ris_name(p))
    if a.authors and marked(a, "author"):
        put("AU", "et al.")     # the list was cut short (BibTeX "and others")
    editor_tag = T.name_tag(ty, "editor")
    if ty in T.EDITED_BOOKS and ty != "EDBOOK" and not csl.get("collection-editor"):
        editor_tag = "A2"   # a book's A2 with no A3 reads as its editors
    for p in a.editors:
        put(editor_tag, ris_name(p))
    if a.editors and marked(a, "editor"):
        put(editor_tag, "et al.")
    for role, people in csl.items():
        if isinstance(people, list) and role not in ("author", "editor"):
            tag = T.name_tag(ty, role)
            if tag:
                for p in people:
                    if isinstance(p, dict):
                        put(tag, ris_name(Person.from_dict(p)))
    if a.container:
        if csl.get("event-title") and ty in ("CONF", "CPAPER"):
            put("C3", a.container)       # the proceedings; T2 is the conference
            put("T2", csl["event-title"])
        else:
            put("JF" if ty in T.T2_SERIES else "T2", a.container)
    put("J2", a.container_short)
    if a.issued:
        put("PY", a.issued[:4])
        if len(a.issued) > 4:
            put("DA", iso_to_ris(a.issued))
    if ty not in T.VL_KEPT and (T.csl_var(ty, "VL") is None or csl.get("number")):
        put("VL", a.volume)
    is_var = T.csl_var(ty, "IS")
    if is_var is None or is_var not in csl:
        put("IS", a.issue)      # (a patent's IS is its number: what its issue column holds)
    if a.pages:
        sp, _, ep = a.pages.partition("-")
        put("SP", sp.strip())
        put("EP", ep.strip("- "))
    put("DO", a.doi)
    if a.pmid:
        put("AN", a.pmid)
    if a.pmcid:
        put("C2", a.pmcid)
    put("SN", a.issn)
    put("SN", a.isbn)
    put("PB", a.publisher)
    put("LA", a.language)
    put("UR", a.url)
    put("AB", a.abstract)
    for k in a.keywords:
        put("KW", k)
    for k in a.mesh:
        put("KW", k)
    for var, value in csl.items():
        if isinstance(value, list):
            continue
        tag = T.csl_tag(ty, var)
        if not tag or (var == "event-title" and a.container):
            continue
        if isinstance(value, dict):   # a CSL date
            parts = value.get("date-parts")
            if parts and parts[0]:
                value = iso_to_ris("-".join(f"{int(x):02d}" for x in parts[0][:3]))
            else:
                value = value.get("raw") or value.get("literal") or ""
        put(tag, value)
    for tag, values in kept.items():
        if re.fullmatch(r"[A-Z][A-Z0-9]", tag):
            for v in values if isinstance(values, list) else [values]:
                put(tag, v)
    if a.citekey and "ID" not in kept:
        put("ID", a.citekey)
    lines.append("ER  - ")
    return lines
