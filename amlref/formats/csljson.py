"""CSL-JSON in and out (what Zotero, Pandoc and citeproc use).

Export is standard CSL-JSON: ``id`` is the citation key; ``DOI``, ``PMID``, ``PMCID`` variables.
CSL variables with no Article field are kept in ``extra['csl']`` and written back."""
from __future__ import annotations

import html
import json
import re
from typing import Iterable

from amlref.core.article import Article, Person, ParseResult, Problem
from amlref.core.csl_types import csl_type
from amlref.core.errors import InputError
from amlref.formats import et_al
from amlref.formats.crosswalk import KEPT, csl_from_extra, number_variable
from amlref.formats.csl_schema import fit
from amlref.plugins.base import Importer, Exporter

_SIMPLE = {  # CSL variable -> Article field
    "title": "title", "container-title": "container", "container-title-short": "container_short",
    "journalAbbreviation": "container_short", "volume": "volume", "issue": "issue",
    "page": "pages", "DOI": "doi", "PMID": "pmid", "PMCID": "pmcid", "ISBN": "isbn",
    "ISSN": "issn", "URL": "url", "language": "language",
    "publisher": "publisher",
}
_KEYLIKE = re.compile(r"[^\s/{}\\,#%\"'~]+")   # what can be a citation key as it is
_RICH = frozenset(("title", "container-title", "container-title-short", "publisher"))
_OUT = {"title": "title", "container": "container-title", "container_short": "container-title-short",
        "volume": "volume", "issue": "issue", "pages": "page", "doi": "DOI", "pmid": "PMID",
        "pmcid": "PMCID", "isbn": "ISBN", "issn": "ISSN", "url": "URL", "abstract": "abstract",
        "language": "language", "publisher": "publisher"}




_TAG = re.compile(r"<(/?)([a-zA-Z][\w:.-]*)[^<>]*>")
_SCRIPT = re.compile(r"<(sub|sup)>([^<>]*)</\1>", re.I)


def plain(text: str) -> str:
    """CSL-JSON rich text (``<i>``, ``<b>``, ``<sub>``, ``<sup>``, ``<span class="nocase">``,
    and Crossref's ``<scp>``, ``<jats:...>``) and HTML entities -> plain text; a sub/superscript
    as Unicode script characters where every character has one ("H₂O", "Ca²⁺")."""
    if "<" not in text and "&" not in text:
        return text
    if "<" in text:
        from amlref.formats.latex_math import SUBSCRIPTS, SUPERSCRIPTS, script
        text = _SCRIPT.sub(lambda m: script(m.group(2), SUBSCRIPTS if m.group(1).lower() ==
                                            "sub" else SUPERSCRIPTS), text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


def date_to_iso(d) -> str:
    """CSL date object -> ISO partial date (a month or day out of range is left out)."""
    if not d:
        return ""
    if isinstance(d, str):
        return d
    parts = d.get("date-parts") if isinstance(d, dict) else None
    if parts and parts[0] and parts[0][0] not in (None, ""):
        p = [int(x) for x in parts[0][:3] if str(x).strip().lstrip("-").isdigit()]
        if not p:
            return ""
        if len(p) > 1 and not 1 <= p[1] <= 12:      # 0, or 13-16 (citeproc's seasons)
            p = p[:1]
        if len(p) > 2 and not 1 <= p[2] <= 31:
            p = p[:2]
        return "-".join([f"{p[0]:04d}"] + [f"{x:02d}" for x in p[1:]])
    if isinstance(d, dict):
        for k in ("raw", "literal"):
            if d.get(k):
                m = re.search(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", str(d[k]))
                return m.group(0) if m else ""
    return ""


def iso_to_date(s: str) -> dict | None:
    if not s:
        return None
    parts = [int(x) for x in re.findall(r"\d+", s)[:3]]
    return {"date-parts": [parts]} if parts else None


def _people(v) -> list[Person]:
    """A CSL name list; tolerant of one name given alone and of empty entries."""
    if isinstance(v, (dict, str)):
        v = [v]
    return [_person(p) for p in v or [] if p]


def _person(p) -> Person:
    if not isinstance(p, dict):
        return Person(literal=str(p).strip())
    if p.get("literal") and not p.get("family"):
        return Person(literal=str(p["literal"]))
    fam = " ".join(x for x in (p.get("non-dropping-particle"), p.get("family")) if x)
    given = " ".join(x for x in (p.get("given"), p.get("dropping-particle")) if x)
    if p.get("suffix"):
        given = f"{given}, {p['suffix']}" if given else p["suffix"]
    return Person(family=fam, given=given)


def item_to_article(item: dict) -> Article:
    a = Article(origin="csljson")
    extra: dict = {}
    for k, v in item.items():
        if k == "id":
            key = str(v).strip() if v not in (None, "") else ""
            if _KEYLIKE.fullmatch(key) and not key.isdigit():
                a.citekey = a.citekey or key
            elif key:
                # Zotero's item URI ("http://zotero.org/users/local/x/items/ABCD"), a row
                # number: no citation key (the library makes one); kept as written
                extra["id"] = v
        elif v is None:       # a field written as null says nothing
            continue
        elif k == "citation-key":
            a.citekey = str(v)
            extra.pop("id", None)
        elif k == "type":
            t = csl_type(v)
            a.type = t or "article"
            if t != v:
                extra["type"] = v
        elif k in _SIMPLE:
            if isinstance(v, list):
                v = v[0] if v else ""
            cur = getattr(a, _SIMPLE[k])
            if not cur:
                v = str(v).strip()
                if k in _RICH:
                    text = plain(v)
                    if text != v:
                        extra.setdefault("markup", {})[k] = v
                    v = text
                setattr(a, _SIMPLE[k], v)
        elif k == "author" or k == "editor":
            people, more = et_al.cut(_people(v))     # {"literal": "others"} is no person
            setattr(a, "authors" if k == "author" else "editors", people)
            if more:
                et_al.mark(a, k)
        elif k == "custom" and isinstance(v, dict) and et_al.CSL_CUSTOM in v:
            for role in v[et_al.CSL_CUSTOM] or ():
                et_al.mark(a, str(role))
            rest = {c: x for c, x in v.items() if c != et_al.CSL_CUSTOM}
            if rest:
                extra[k] = rest
        elif k == "issued":
            a.issued = date_to_iso(v)
        elif k == "keyword":
            if isinstance(v, list):
                words = [str(w) for w in v]
            else:  # ";" separates when present (keywords may hold commas), else ","
                words = str(v).split(";") if ";" in str(v) else str(v).split(",")
            a.keywords = [w.strip() for w in words if w.strip()]
        elif k == "abstract" and isinstance(v, str):
            a.abstract = re.sub(r"\s*</?jats:[^>]*>\s*", " ", v).strip() if "<jats:" in v else v.strip()
            if a.abstract != v.strip():
                extra["abstract"] = v
        elif k == "note" and isinstance(v, str):
            # Zotero puts "PMID: 123" lines in note
            for line in v.splitlines():
                m = re.match(r"^\s*(PMID|PMCID|DOI):\s*(\S+)", line)
                if m and not getattr(a, m.group(1).lower()):
                    setattr(a, m.group(1).lower(), m.group(2))
            extra[k] = v
        else:
            extra[k] = v
    if not a.issued:  # Crossref's CSL often has only these
        for k in ("published-print", "published-online", "published"):
            if extra.get(k):
                a.issued = date_to_iso(extra[k])
                if a.issued:
                    break
    if extra:
        a.extra["csl"] = extra
    return a


class CslJsonImporter(Importer):
    name = "csljson"
    label = "CSL-JSON (Zotero, Pandoc, citeproc)"
    extensions = (".json", ".csljson", ".csl.json")

    def sniff(self, head: str) -> float:
        h = head.lstrip()
        if not h.startswith(("[", "{")):
            return 0.0
        if re.search(r'"(type|title|author|issued|container-title|DOI)"\s*:', h[:4000]):
            return 0.9 if h.startswith("[") else 0.6
        return 0.1

    def parse(self, text: str, filename: str = "<text>") -> ParseResult:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", filename, exc.lineno) from None
        data = _unwrap(data)
        if not isinstance(data, list):
            raise InputError("CSL-JSON must be a list of items", filename, 1)
        if data and not any(isinstance(item, dict) and _CSL_KEYS.intersection(item)
                            for item in data):
            raise InputError("not CSL-JSON: no item has a CSL field (type, title, author, "
                             "issued, DOI ...)", filename, 1)
        res = ParseResult(format=self.name)
        # line numbers: find each item's opening brace at top level
        starts = _item_lines(text)
        for i, item in enumerate(data):
            line = starts[i] if i < len(starts) else None
            if not isinstance(item, dict):
                res.problems.append(Problem(filename, line, f"item {i + 1} is not an object"))
                continue
            if not _CSL_KEYS.intersection(item):
                res.problems.append(Problem(filename, line, f"item {i + 1} has no CSL field "
                                            "(type, title, author, issued, DOI ...)"))
                continue
            try:
                a = item_to_article(item)
            except Exception as exc:  # malformed values in one item never stop the rest
                res.problems.append(Problem(filename, line, f"item {i + 1}: {exc}"))
                continue
            a.line = line
            res.articles.append(a)
        return res


# the CSL variables that make an object a bibliographic item (CSL-JSON schema)
_CSL_KEYS = frozenset({"type", "title", "author", "editor", "issued", "container-title", "DOI",
                       "PMID", "PMCID", "ISBN", "URL", "page", "volume", "publisher"})


def _unwrap(data):
    """The items of a CSL-JSON document: a list of items, one item, ``{"items": [...]}``, or
    Crossref's API envelope ``{"status": "ok", "message": item | {"items": [...]}}``."""
    if isinstance(data, dict) and isinstance(data.get("message"), dict) and "status" in data:
        data = data["message"]
    if isinstance(data, dict):
        return data["items"] if isinstance(data.get("items"), list) else [data]
    return data


def _item_lines(text: str) -> list[int]:
    lines, depth, line, in_str, esc = [], 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if ch == "{" and depth == 2:
                lines.append(line)
        elif ch in "]}":
            depth -= 1
    return lines


_SUFFIX = re.compile(r"^(.*?),\s*(Jr\.?|Sr\.?|II|III|IV|2nd|3rd|4th)$")


def _csl_name(p: Person) -> dict:
    """A name as CSL-JSON has it: the suffix that the readers keep after a comma in the given
    names ("Paul T, Jr") is CSL's ``suffix`` again."""
    d = p.to_dict()
    g = d.get("given")
    if g and "," in g:
        m = _SUFFIX.match(g)
        if m:
            d["given"], d["suffix"] = m.group(1), m.group(2)
    f = d.get("family")
    if f and "," in f and "suffix" not in d:   # BibTeX's "Harry L. {Baldwin, Jr.}"
        m = _SUFFIX.match(f)
        if m:
            d["family"], d["suffix"] = m.group(1), m.group(2)
    return d


def article_to_item(a: Article) -> dict:
    item: dict = {"id": a.citekey or str(a.id), "type": a.type or "article"}
    for fld, var in _OUT.items():
        v = getattr(a, fld)
        if v:
            item[var] = v
    if a.authors:
        item["author"] = [_csl_name(p) for p in a.authors]
    if a.editors:
        item["editor"] = [_csl_name(p) for p in a.editors]
    d = iso_to_date(a.issued)
    if d:
        item["issued"] = d
    if a.issue and a.origin == "bibtex":
        var = number_variable(a)
        if var != "issue" and var not in item:
            item[var] = item.pop("issue")
    if a.keywords:  # "; " so that keywords holding commas come back whole
        item["keyword"] = "; ".join(a.keywords) + (";" if len(a.keywords) == 1 and
                                                   "," in a.keywords[0] else "")
    for k, v in (a.extra.get("csl") or {}).items():
        if k != "markup":
            item.setdefault(k, v)
    if any(k in a.extra for k in KEPT):
        for k, v in csl_from_extra(a).items():
            item.setdefault(k, v)
    cut_short = et_al.roles(a)
    if cut_short:   # the lists stay as they are; that they go on is said where CSL allows
        item["custom"] = {**(item.get("custom") or {}), et_al.CSL_CUSTOM: cut_short}
    if a.citekey:
        item["citation-key"] = a.citekey
    return item


class CslJsonExporter(Exporter):
    name = "csljson"
    label = "CSL-JSON"
    extension = ".json"

    def export(self, articles: Iterable[Article], **options) -> str:
        items = []
        for a in articles:
            item = article_to_item(a)
            markup = (a.extra.get("csl") or {}).get("markup")
            if isinstance(markup, dict):     # the rich text it came with, while it says the same
                for var, v in markup.items():
                    if isinstance(v, str) and item.get(var) and item[var] == plain(v):
                        item[var] = v
            # what the import kept goes out in the schema's shapes, the rest in "custom"
            items.append(fit(item))
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
