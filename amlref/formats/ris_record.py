"""Reading RIS, step 2: one record ({tag: [values]} from ris_read.py) -> Article.

What each tag means depends on the record's type (ris_types.py).  What the vendors do
differently, and how it is read:

- journal in ``JF``, ``T2`` (Scopus, EndNote), ``JO`` or ``JA``/``J2``/``J1`` (abbreviations ->
  ``container_short``); issue in ``IS`` or (EndNote) ``M1``;
- dates in ``PY``, ``Y1`` or ``DA``: ``2019``, ``2019///``, ``2019/05/03/``, ``2012/07/03``,
  EndNote's ``Dec 1`` with the year in ``PY``;
- people by their role in the type: ``AU`` authors, ``A2``/``ED`` editors, ``A3`` series
  editors, ``A4`` translators (a book's ``A2`` is its series editor and ``A3`` its editor);
- ``SN`` split into ISSN and ISBN by shape and check digit (ris_values.py);
- identifiers hunted in the vendors' places (ris_ids.py).

Nothing is lost: a value no field took stays in ``extra['ris']`` under its tag (in order), and
CSL variables with no Article column go to ``extra['csl']``; the RIS export writes both back."""
from __future__ import annotations

import re

from amlref.core.article import Article, Person
from amlref.formats import ris_types as T
from amlref.formats.et_al import is_et_al, mark
from amlref.formats.ris_ids import identifiers
from amlref.formats.ris_read import ALIASES
from amlref.formats.ris_values import date_other, parse_date, parse_name, standard_numbers

_TITLE_TAGS = ("TI", "T1", "CT", "BT", "T2", "JF", "JO", "JA", "J1", "J2", "ST")  # (T3: CSL)
_ISSUE = re.compile(r"[\w\-/ .()]+")
_LONG_NUM = re.compile(r"\d{6,}")
_DATE_TAGS = ("PY", "Y1", "DA")
_NONE = ("",)
_PERIODICAL_TAGS = frozenset(("JF", "JO", "JA", "J1", "J2", "T2"))
_CONFS = ("CONF", "CPAPER")
_MONTH_DAY = re.compile(r"^[A-Za-z]{3,9}\.?(?:\s+\d{1,2})?$")
_NAME_TAGS = ("AU", "A2", "ED", "A3", "A4")


def _tidy(fields: "dict[str, list[str]] | list[tuple[str, str]]") -> dict[str, list[str]]:
    """{tag: [non-empty values]} from the reader's dict or from (tag, value) pairs."""
    d: dict[str, list[str]] = {}
    if isinstance(fields, dict):
        for tag, vals in fields.items():
            if "" in vals and tag != "TY":
                vals = [v for v in vals if v]
                if not vals:
                    continue
            d[tag] = vals
    else:
        for tag, val in fields:
            if val or tag == "TY":
                d.setdefault(ALIASES.get(tag, tag), []).append(val)
    return d


def record_to_article(fields: "dict[str, list[str]] | list[tuple[str, str]]",
                      line: int | None = None) -> Article:
    """One record ({tag: [values]} or [(tag, value)]) -> Article.  Every value a field does
    not take stays in ``extra['ris']`` under its tag."""
    d = _tidy(fields)
    rest = dict(d)   # what no field has taken yet (lists copied before they change)

    def take(tag: str, value: str) -> None:
        vals = rest.get(tag)
        if vals:
            if len(vals) == 1:
                if vals[0] == value:
                    del rest[tag]
            elif value in vals:
                vals = list(vals)
                vals.remove(value)
                rest[tag] = vals

    a = Article(origin="ris", line=line)
    csl: dict = {}
    ty_raw = (d.get("TY") or [""])[0].strip()
    ty = ty_raw.upper()
    a.type = T.csl_type(ty) if ty else "article-journal"
    if ty == "GEN" and not _PERIODICAL_TAGS.isdisjoint(d):
        a.type = "article-journal"   # a generic record in a journal (Rayyan, Lens, Citavi)
    if not ty or T.OUT_TYPES.get(a.type) == ty:
        rest.pop("TY", None)
    else:
        rest["TY"] = [ty_raw]

    _titles(a, d, ty, csl, rest)
    _numbers(a, d, ty, csl, take)
    _dates(a, d, take)
    _people(a, d, ty, csl, rest)
    identifiers(a, d, take)
    _text(a, d, rest, take)
    if "SN" in d:
        _standard_numbers(a, d, ty, csl, take)
    urls = d.get("UR", [])
    if urls:
        a.url = next((u for u in urls if "doi.org/" not in u), urls[0]).strip()
        take("UR", a.url)
    for t, f in (("PB", "publisher"), ("LA", "language")):
        if t in d:
            setattr(a, f, d[t][0])
            take(t, d[t][0])
    _csl_tags(d, ty, csl, rest)
    extra = {t: v for t, v in rest.items() if v}
    if extra:
        a.extra["ris"] = extra
    if csl:
        a.extra["csl"] = csl
    return a


def _titles(a: Article, d, ty: str, csl: dict, rest) -> None:
    is_part = ty in T.PARTS
    series = ty in T.T2_SERIES
    g = d.get   # (values are stripped and non-empty already)
    full, t2, bt, jo = (g("JF") or _NONE)[0], (g("T2") or _NONE)[0], (g("BT") or _NONE)[0], \
        (g("JO") or _NONE)[0]
    a.title = (g("TI") or g("T1") or g("CT") or _NONE)[0] or (bt if not is_part else "")
    abbrev = (g("J2") or g("JA") or g("J1") or _NONE)[0]
    if ty in _CONFS and "C3" in d:   # the proceedings' title; T2 names the conference
        a.container = d["C3"][0]
        rest["C3"] = d["C3"][1:]
        if t2 and t2 != a.container:
            csl["event-title"] = t2
    elif is_part:
        a.container = bt or t2 or full or jo
    elif series:
        a.container = full or jo or (bt if a.title != bt else "")
        if t2 and t2 != a.title:
            csl["collection-title"] = t2
    else:
        a.container = full or t2 or jo or (bt if a.title != bt else "") or abbrev
    # J2/JA/J1 abbreviate the journal; so does JO (Zotero), which is the title too when alone
    a.container_short = abbrev or jo
    if not a.title and t2 and a.container != t2 and not series:
        a.title = t2
    if not a.title and "ST" in d:   # EndNote writes only the short title at times
        a.title = d["ST"][0]
    used = {a.title, a.container, a.container_short, csl.get("collection-title"),
            csl.get("event-title")}
    for fld in ("title", "container"):
        v = getattr(a, fld)
        if "  " in v or "\u2028" in v:   # a Unicode line separator (Taylor & Francis), runs
            setattr(a, fld, " ".join(v.split()))   # of spaces: one space in a title
    for t in _TITLE_TAGS:
        vals = rest.get(t)
        if vals:
            if len(vals) == 1:
                if vals[0] in used:
                    del rest[t]
            else:
                rest[t] = [v for v in vals if v not in used]


def _numbers(a: Article, d, ty: str, csl: dict, take) -> None:
    """Volume, issue (or EndNote's M1), pages (or a book's number of pages)."""
    tag_vars = T.csl_vars(ty)
    if "VL" in d and ty not in T.VL_KEPT:
        vl_var = tag_vars.get("VL")
        if vl_var is None or ("M1" in d and tag_vars.get("M1") == vl_var):  # a bill's code vol.
            a.volume = d["VL"][0]
            take("VL", a.volume)
    if "IS" in d and tag_vars.get("IS") is None:
        a.issue = d["IS"][0]
        take("IS", a.issue)
    m1 = (d.get("M1") or _NONE)[0]
    if (m1 and not a.issue and ty in T.M1_ISSUE and len(m1) <= 12 and _ISSUE.fullmatch(m1)
            and not _LONG_NUM.fullmatch(m1)):
        a.issue = m1
        take("M1", m1)
    sp, ep = (d.get("SP") or _NONE)[0], (d.get("EP") or _NONE)[0]
    if sp and not ep and ty in T.NUMBER_OF_PAGES and "-" not in sp:
        csl["number-of-pages"] = sp
        take("SP", sp)
        return
    if not sp and not ep and ty in T.ARTICLE_NUMBER and "C7" in d:
        sp = d["C7"][0]   # the article number (EndNote's C7), the only "page" it has
        take("C7", sp)
    if sp and ep and ep != sp and "-" not in sp:
        a.pages = f"{sp}-{ep}"
    else:
        a.pages = sp or ep
        low, dash, high = a.pages.partition("-")
        if dash and low.strip() == high.strip():   # "22-22": one page
            a.pages = low.strip()
        if sp and ep and not (ep == sp or sp.endswith(ep)):
            ep = ""   # not the end of this range: kept as it is
    take("SP", sp)
    take("EP", ep)


def _dates(a: Article, d, take) -> None:
    """The year from PY/Y1 (the publication year), month and day from DA when they agree; a
    date value that says no more than ``issued`` is taken, any other (or with an ``other``
    part such as ``Spring``) stays as it is."""
    py = da = ""
    pys = d.get("PY")
    if pys and len(pys) == 1 and "Y1" not in d and "DA" not in d:   # the common case
        v = pys[0]
        a.issued = parse_date(v)
        if a.issued and not date_other(v):
            take("PY", v)
        return
    py = _first_date(d.get("PY", ()))
    y1 = _first_date(d.get("Y1", ()))    # the old specification's date: after PY and DA
    year = py or y1
    for v in d.get("DA", ()):
        da = parse_date(v)
        if not da and year and _MONTH_DAY.match(v):   # EndNote's "Dec 1": the year is PY's
            da = parse_date(f"{year[:4]} {v}")
        if da:
            break
    first = py or da or y1
    for more in (da, y1):
        if first and more and more[:4] == first[:4] and len(more) > len(first):
            first = more
    a.issued = first
    if not a.issued:
        return
    for t in _DATE_TAGS:
        if t not in d:
            continue
        for v in d[t]:
            iso = parse_date(v)
            if not iso and t == "DA" and _MONTH_DAY.match(v):
                iso = parse_date(f"{a.issued[:4]} {v}")
            if iso and a.issued.startswith(iso) and not date_other(v):
                take(t, v)


def _first_date(values) -> str:
    for v in values:
        iso = parse_date(v)
        if iso:
            return iso
    return ""


def _people(a: Article, d, ty: str, csl: dict, rest) -> None:
    """AU (with A1, in line order) authors; A2/ED/A3/A4 by their role in this type."""
    roles = T.name_roles(ty)
    for tag in _NAME_TAGS:
        if tag not in d:
            continue
        vals = d[tag]
        role = roles[tag]
        if role is None:
            continue
        if role == "collection-editor" and tag == "A2" and "A3" not in d and \
                ty in T.EDITED_BOOKS and ty != "EDBOOK":   # (an edited book's AU are editors)
            role = "editor"   # a book's A2 with no A3: its editors (Scopus)
        people: list[Person] = []
        for v in vals:
            for part in (v.split(";") if ";" in v and "," in v else (v,)):
                if is_et_al(part) and role in ("author", "editor"):
                    mark(a, role)    # "AU  - et al.": the list goes on; nobody's name
                    continue
                p = parse_name(part)
                if p:
                    people.append(p)
        if role == "author":
            a.authors.extend(people)
        elif role == "editor":
            a.editors.extend(people)
        elif people:
            csl.setdefault(role, []).extend(p.to_dict() for p in people)
        rest.pop(tag, None)


def _text(a: Article, d, rest, take) -> None:
    """Abstract (AB, else N2) and keywords (KW, one per line or ``;``-separated)."""
    src = "AB" if "AB" in d else "N2"
    abstracts = d.get(src)
    if abstracts:   # (values are stripped and non-empty already)
        a.abstract = abstracts[0] if len(abstracts) == 1 else "\n".join(abstracts)
        rest.pop(src, None)
        if src == "AB" and d.get("N2") and "\n".join(d["N2"]).strip() == a.abstract:
            rest.pop("N2", None)
    vals = d.get("KW")
    if not vals:
        return
    if not any(";" in v for v in vals):
        kws = list(dict.fromkeys(vals))
    else:
        kws = list(dict.fromkeys(k for v in vals for k in map(str.strip, v.split(";")) if k))
    if len(kws) == 1 and "," in kws[0] and len(vals) == 1:
        # one KW line is a list when it has commas (Zotero reads it so too)
        kws = list(dict.fromkeys(k.strip() for k in kws[0].split(",") if k.strip()))
    a.keywords = kws
    rest.pop("KW", None)


def _standard_numbers(a: Article, d, ty: str, csl: dict, take) -> None:
    """SN: ISSNs and ISBNs told apart (several in one value, or one per line); a report's or
    patent's own number when it is neither.  A value is taken when it is exactly the number
    that became the field."""
    for v in d.get("SN", ()):
        nums = standard_numbers(v)
        for kind, num in nums:
            if kind == "issn" and not a.issn:
                a.issn = num
            elif kind == "isbn" and not a.isbn:
                a.isbn = num
        if len(nums) == 1:
            num = nums[0][1]
            if num in (a.issn, a.isbn) and re.sub(r"[\s-]", "", v).upper() == \
                    num.replace("-", "").upper():
                take("SN", v)
        elif not nums and ty in ("RPRT", "GOVDOC", "PAT") and "number" not in csl:
            csl["number"] = v
            take("SN", v)


_CSL_CANDIDATES = tuple(dict.fromkeys(list(T.CSL_TAGS) + list(T.CSL_TAGS_BY_TYPE)))
_CSL_SET = frozenset(_CSL_CANDIDATES)
_Y2_FORM = re.compile(r"\d{4}(?:[/-]\d{1,2}(?:[/-]\d{1,2})?)?/*")


def _csl_tags(d, ty: str, csl: dict, rest) -> None:
    """Tags that are CSL variables with no Article column (CY place, ET edition, M3 genre,
    Y2 accessed ...): the first value of each, unless a field took it."""
    if _CSL_SET.isdisjoint(rest):
        return
    tag_vars = T.csl_vars(ty)
    for tag in _CSL_CANDIDATES:
        vals = rest.get(tag)
        if not vals:
            continue
        var = tag_vars.get(tag)
        if not var or var in csl:
            continue
        v = vals[0]
        if var == "accessed":
            iso = parse_date(v)
            csl[var] = ({"date-parts": [[int(x) for x in iso.split("-")]]}
                        if iso and _Y2_FORM.fullmatch(v) else {"raw": v})
        else:
            csl[var] = v
        rest[tag] = vals[1:]


def stored_news(value: dict, a: Article) -> dict:
    """What a record's ``extra["ris"]`` adds to article ``a`` (merging a re-imported record):
    less an ``ID`` that is ``a``'s citation key (AMLRef's RIS export writes it)."""
    if "ID" in value and all(i in {a.citekey, *a.extra.get("alias_keys", ())}
                             for i in value["ID"] or ()):
        return {t: v for t, v in value.items() if t != "ID"}
    return value
