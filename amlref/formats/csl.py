"""Formatted references in Citation Style Language (CSL) styles, by the citeproc-py processor.

    format_bibliography(articles, style="vancouver", html=False) -> str   one entry per article
    format_citation(articles, style="vancouver", html=False) -> str       the in-text citation
    styles() -> [(name, title)]                                           the styles shipped

The styles are CSL files from the CSL project's repository in ``resources/styles/`` (CC BY-SA
3.0, see the README there); a dependent style (Blood, Vancouver) is rendered by its parent with
its own locale.  ``style`` may also be the path of a ``.csl`` file.  Articles become CSL-JSON
through ``csljson.article_to_item``.  Where citeproc-py departs from the CSL specification in
ways that matter for journal articles, this module works around it (docs/decisions/0032):
page ranges (``csl_pages.py``), localized date delimiters, the space after a
``second-field-align`` number, HTML escaping and year suffixes.  A name list cut short
(``extra['et_al']``, or an old library's last author "others") ends in "et al." whatever the
style's et-al-min (``csl_et_al.py``, docs/decisions/0033)."""
from __future__ import annotations

import functools
import html as _html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable

from amlref.core.article import Article
from amlref.core.resources import resource_path
from amlref.formats import csl_et_al, et_al
from amlref.formats.csljson import article_to_item
from amlref.formats.csl_pages import format_pages

DEFAULT_STYLE = "vancouver"
SETTING = "citation.style"          # the library setting that holds the chosen style name
_NS = "{http://purl.org/net/xbiblio/csl}"
# short names for the shipped files (file stem -> name shown and accepted)
_NAMES = {"vancouver-nlm": "vancouver"}
_ALIASES = {"nlm": "vancouver", "vancouver-nlm": "vancouver", "ama": "american-medical-association"}
# the order of styles(): the medical default first
_ORDER = ["vancouver", "american-medical-association", "blood", "nature", "apa"]


def _styles_dir() -> Path:
    return resource_path("styles")


@functools.lru_cache(maxsize=None)
def _info(path: str) -> dict:
    """title, id, parent id and default locale of a CSL file (ElementTree: cheap)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise ValueError(f"{path}: not a readable CSL style ({exc})") from None
    if root.tag != _NS + "style":
        raise ValueError(f"{path}: not a CSL style (no <style> element)")
    info = root.find(_NS + "info")
    out = {"title": "", "id": "", "parent": "", "locale": root.get("default-locale") or "",
           "independent": root.find(_NS + "citation") is not None}
    if info is not None:
        out["title"] = (info.findtext(_NS + "title") or "").strip()
        out["id"] = (info.findtext(_NS + "id") or "").strip()
        for link in info.findall(_NS + "link"):
            if link.get("rel") == "independent-parent":
                out["parent"] = link.get("href", "")
    return out


def _shipped() -> dict[str, Path]:
    """name -> file of every style in resources/styles."""
    out = {}
    for p in sorted(_styles_dir().glob("*.csl")):
        out[_NAMES.get(p.stem, p.stem)] = p
    return out


def styles() -> list[tuple[str, str]]:
    """(name, title) of the styles shipped, the medical default (Vancouver/NLM) first."""
    found = [(name, _info(str(p))["title"] or name) for name, p in _shipped().items()]
    rank = {n: i for i, n in enumerate(_ORDER)}
    return sorted(found, key=lambda nt: (rank.get(nt[0], len(rank)), nt[1].lower()))


def style_title(style: str) -> str:
    return _info(str(_style_file(style)))["title"]


def style_name(style: str) -> str:
    """The name styles() gives a style known by an alias ("ama", "nlm"); a path as it is."""
    path = _style_file(style)
    for name, p in _shipped().items():
        if p == path:
            return name
    return style


def _style_file(style: str) -> Path:
    name = (style or DEFAULT_STYLE).strip()
    shipped = _shipped()
    key = _ALIASES.get(name.lower(), name.lower())
    if key in shipped:
        return shipped[key]
    for p in shipped.values():  # a CSL style id, as Zotero and Better BibTeX name styles
        if name.rstrip("/") == _info(str(p))["id"]:
            return p
    if name.lower().endswith(".csl") and Path(name).expanduser().is_file():
        return Path(name).expanduser()
    raise ValueError(f"unknown citation style {style!r} (available: "
                     + ", ".join(n for n, _ in styles()) + ")")


def _parent_file(info: dict, path: Path) -> Path:
    for p in _shipped().values():
        if _info(str(p))["id"] == info["parent"]:
            return p
    raise ValueError(f"{path.name}: its parent style {info['parent'] or '(none named)'} is not "
                     "available")


def _load(style: str, numbered: bool = True):
    """A citeproc CitationStylesStyle with the fixes below, or ValueError in one line."""
    from citeproc import CitationStylesStyle
    path = _style_file(style)
    info = _info(str(path))
    src, locale = path, info["locale"] or None
    if not info["independent"]:
        src = _parent_file(info, path)
        locale = locale or _info(str(src))["locale"] or None
    try:
        st = CitationStylesStyle(str(src), locale=locale, validate=False)
    except Exception as exc:
        raise ValueError(f"{path.name}: the CSL style cannot be used ({exc})") from None
    _fix_style(st)
    if not numbered:
        _drop_numbers(st)
    return st


def _drop_numbers(st) -> None:
    """A reference on its own (copied into a text) has no number of a reference list."""
    bib = st.root.find(_NS + "bibliography")
    for el in list(bib.iter(_NS + "text")) if bib is not None else []:
        if el.get("variable") == "citation-number":
            el.getparent().remove(el)


def _fix_style(st) -> None:
    """Where citeproc-py 0.11 departs from CSL 1.0.2 (docs/decisions/0032)."""
    root = st.root
    # 1. a <date form="text|numeric"> uses the locale's date format, delimiter included;
    #    citeproc-py joins the parts with the calling element's delimiter (none): "2002Jul25"
    for el in root.iter(_NS + "date"):
        if el.get("form") and el.get("delimiter") is None and not _in_locale(el):
            try:
                loc = el.get_date(el.get("form"))
            except Exception:
                continue
            if loc is not None and loc.get("delimiter") is not None:
                el.set("delimiter", loc.get("delimiter"))
    # 2. second-field-align puts the number in a column of its own: in text, a space after it
    bib = root.find(_NS + "bibliography")
    if bib is not None and bib.get("second-field-align"):
        layout = bib.find(_NS + "layout")
        first = next(iter(layout), None) if layout is not None else None
        if first is not None:
            first.set("suffix", (first.get("suffix") or "") + " ")
    # 3. page ranges are formatted here (csl_pages); citeproc-py keeps them as given
    st.page_range_format = root.get("page-range-format") or ""
    if st.page_range_format:
        root.set("page-range-format", "expanded")


def _in_locale(el) -> bool:
    p = el.getparent()
    while p is not None:
        if p.tag == _NS + "locale":
            return True
        p = p.getparent()
    return False


# -- items -----------------------------------------------------------------------------------
_NAME_KEYS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix"}
_NAME_VARS = {"author", "editor", "translator", "container-author", "collection-editor",
              "composer", "director", "editorial-director", "illustrator", "interviewer",
              "original-author", "recipient", "reviewed-author", "chair", "compiler",
              "contributor", "curator", "executive-producer", "guest", "host", "narrator",
              "organizer", "performer", "producer", "script-writer", "series-creator"}
_DATE_VARS = {"issued", "accessed", "event-date", "original-date", "submitted",
              "available-date"}


def _name(p) -> dict | None:
    if not isinstance(p, dict):
        return {"literal": str(p)} if p else None
    if p.get("literal"):
        return {"literal": str(p["literal"])}
    n = {k: str(v) for k, v in p.items() if k in _NAME_KEYS and v}
    # MEDLINE's initials ("Palmer AM"): a given name of 2-3 capitals is initials, which
    # citeproc-py would take for one name ("A"); citeproc-js reads them as initials too
    given, family = n.get("given", ""), n.get("family", "")
    if given and not family:  # a one-part name ("Cher") is a family name in CSL, not initials
        n["family"], given = n.pop("given"), ""
    if re.fullmatch(r"[A-Z]{2,3}", given) and not family.isupper():
        n["given"] = " ".join(given)
    return n if n.get("family") or n.get("given") else None


def _date(d) -> dict | None:
    if isinstance(d, dict):
        parts = d.get("date-parts")
        if parts and isinstance(parts, list):
            rows = []
            for row in parts[:2]:
                nums = [int(x) for x in (row or [])[:3] if str(x).strip().lstrip("-").isdigit()]
                if nums:
                    rows.append(nums)
            if rows:
                return {"date-parts": rows}
        for k in ("literal", "raw"):
            if d.get(k):
                return {"literal": str(d[k])}
    elif isinstance(d, str) and d.strip():
        nums = [int(x) for x in re.findall(r"\d+", d)[:3]]
        return {"date-parts": [nums]} if nums and re.match(r"\s*\d{4}", d) else {"literal": d}
    return None


# CSL-JSON's rich text in fields (CSL 1.0.2 appendix "Rich text markup within fields")
_MARKUP = re.compile(r'</?(?:i|b|sup|sub)>|<span style="font-variant:\s*small-caps;?">|</span>')
_NOCASE = re.compile(r'(<span class="nocase">.*?</span>)')


def _text(value: str, html: bool) -> str:
    """A field's text for the output: citeproc-py copies variables into HTML unescaped, so
    they are escaped here, the CSL rich-text tags kept (HTML) or dropped (plain text); the
    nocase span is citeproc-py's own to read."""
    out = []
    for part in _NOCASE.split(value):
        if _NOCASE.fullmatch(part):
            inner = part[len('<span class="nocase">'):-len("</span>")]
            out.append('<span class="nocase">' + _text(inner, html) + "</span>")
            continue
        pos, pieces = 0, []
        for m in _MARKUP.finditer(part):
            pieces.append(_html.escape(part[pos:m.start()], quote=False) if html
                          else part[pos:m.start()])
            if html:
                pieces.append(m.group(0))
            pos = m.end()
        pieces.append(_html.escape(part[pos:], quote=False) if html else part[pos:])
        out.append("".join(pieces))
    return "".join(out)


def to_item(a: Article, ident: str, page_format: str = "", html: bool = False) -> dict:
    """The CSL-JSON of an article made safe for citeproc-py: names and dates in the shapes
    it takes, text escaped for HTML, a title's own closing full stop dropped (the style adds
    its own), page ranges in the style's format."""
    from citeproc import VARIABLES
    known = {v.replace("_", "-") for v in VARIABLES} | {"type"}
    out: dict = {"id": ident}
    cut = set(et_al.roles(a))
    for k, v in article_to_item(a).items():
        # only the variables citeproc-py knows (it warns of every other one, e.g.
        # citation-key; warnings.catch_warnings is not thread-safe for the server's threads)
        if k == "id" or v in (None, "", []) or k not in known:
            continue
        if k in _NAME_VARS:
            names, more = et_al.trailing(v if isinstance(v, list) else [v])
            names = [n for n in (_name(p) for p in names) if n]
            if more:  # an author "others" of a library imported before decision 0033
                cut.add(k)
            if names:
                out[k] = [{f: _text(x, html) for f, x in n.items()} for n in names]
        elif k in _DATE_VARS:
            d = _date(v)
            if d:
                out[k] = d
        elif k == "type":
            out[k] = str(v)
        elif isinstance(v, (list, dict)):
            continue
        else:
            out[k] = _text(str(v), html)
    if "title" in out:  # "Title." -> "Title" (not an ellipsis)
        out["title"] = re.sub(r"(?<!\.)\.\s*$", "", out["title"].strip())
    if out.get("page") and page_format:
        out["page"] = format_pages(out["page"], page_format)
    cut = sorted(r for r in cut if out.get(r))
    if cut:  # CSL-JSON's place for it; _source() reads it, citeproc-py is not shown it
        out["custom"] = {et_al.CSL_CUSTOM: cut}
    return out


def _source(items: list[dict]):
    """citeproc-py's source of the items, lists cut short marked (csl_et_al)."""
    from citeproc.source.json import CiteProcJSON
    csl_et_al.install()
    src = CiteProcJSON([{k: v for k, v in it.items() if k != "custom"} for it in items])
    csl_et_al.mark(src, {it["id"]: it["custom"][et_al.CSL_CUSTOM]
                         for it in items if "custom" in it})
    return src


# -- rendering --------------------------------------------------------------------------------
def _render(articles: Iterable[Article], style: str, html: bool, numbered: bool = True):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    arts = list(articles)
    st = _load(style, numbered)
    items = [to_item(a, f"item{i}", st.page_range_format, html) for i, a in enumerate(arts)]
    _year_suffixes(st, items)
    bib = CitationStylesBibliography(st, _source(items),
                                     formatter.html if html else formatter.plain)
    cit = Citation([CitationItem(it["id"]) for it in items])
    bib.register(cit)
    bib.sort()
    return bib, cit


def _year_suffixes(st, items: list[dict]) -> None:
    """disambiguate-add-year-suffix (APA): works of the same authors whose citations read the
    same, "(Smith, 2020)", get "2020a", "2020b" in the order of the reference list.
    citeproc-py does no disambiguation at all (decision 0032)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    el = st.root.find(_NS + "citation")
    if el is None or el.get("disambiguate-add-year-suffix") != "true" or len(items) < 2:
        return

    def rough(it):
        first = (it.get("author") or it.get("editor") or [{}])[0]
        return (first.get("family") or first.get("literal"), str(it.get("issued")))
    counts: dict = {}
    for it in items:  # a quick look first: the same first name and date, works with names
        key = rough(it)
        if key[0]:
            counts[key] = counts.get(key, 0) + 1
    if max(counts.values(), default=0) < 2:
        return
    bib = CitationStylesBibliography(st, _source(items), formatter.plain)
    bib.register(Citation([CitationItem(it["id"]) for it in items]))
    bib.sort()
    same: dict[str, list[str]] = {}
    for item in bib.items:
        c = Citation([CitationItem(item.key)])
        bib.register(c)
        same.setdefault(str(bib.cite(c, lambda _: None)), []).append(item.key)
    by_key = {it["id"].lower(): it for it in items}
    for keys in same.values():
        # only works of the very same authors: where the authors differ behind "et al." or in
        # their given names, citeproc-js adds names or initials instead, which we cannot
        groups: dict[str, list[str]] = {}
        for k in keys:
            names = by_key[k].get("author") or by_key[k].get("editor") or []
            groups.setdefault(repr(names), []).append(k)
        for ks in groups.values():
            for n, k in enumerate(ks if len(ks) > 1 else []):
                by_key[k]["year-suffix"] = _letters(n)


def _letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa"""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


def format_bibliography(articles: Iterable[Article], style: str = DEFAULT_STYLE,
                        html: bool = False, *, numbered: bool = True) -> str:
    """The reference list of ``articles`` in ``style`` (the style's order: citation order for
    numbered styles, sorted for author-date ones); plain text one entry a line, or HTML.
    ``numbered=False`` leaves out a numbered style's reference numbers."""
    return _join(bibliography_entries(articles, style, html, numbered=numbered), html)


def bibliography_entries(articles: Iterable[Article], style: str = DEFAULT_STYLE,
                         html: bool = False, *, numbered: bool = True) -> list[str]:
    """The entries of format_bibliography, one string each."""
    arts = list(articles)
    return _guarded(arts, style, lambda: [_tidy(str(e), html) for e in
                                          _render(arts, style, html, numbered)[0].bibliography()])


def _guarded(arts: list[Article], style: str, fn):
    """Run fn; a record citeproc-py cannot take becomes a one-line ValueError naming it."""
    try:
        return fn()
    except ValueError:
        raise
    except Exception as exc:
        for a in arts if len(arts) > 1 else []:
            try:
                _render([a], style, False)[0].bibliography()
            except Exception:
                break
        else:
            a = arts[0] if arts else None
        who = (a.citekey or a.title[:60]) if a is not None else "?"
        raise ValueError(f"{who}: cannot be formatted in {style} "
                         f"({type(exc).__name__}: {exc})") from None


def _join(entries: list[str], html: bool) -> str:
    if not html:
        return "\n".join(entries)
    return ('<div class="csl-bib-body">\n'
            + "".join(f'  <div class="csl-entry">{e}</div>\n' for e in entries) + "</div>")


def format_citation(articles: Iterable[Article], style: str = DEFAULT_STYLE,
                    html: bool = False) -> str:
    """The in-text citation of ``articles`` together, e.g. "(1,2)" or "(Halpern et al., 2002)"."""
    arts = list(articles)
    if not arts:
        return ""
    def run():
        bib, cit = _render(arts, style, html)
        text = _tidy(str(bib.cite(cit, lambda item: None)), html)
        return _collapse_numbers(text, bib.style.root.find(_NS + "citation"))
    return _guarded(arts, style, run)


def _collapse_numbers(text: str, citation) -> str:
    """collapse="citation-number": three or more consecutive numbers become a range, "1–3"
    (citeproc-py leaves "1,2,3")."""
    if citation is None or citation.get("collapse") != "citation-number":
        return text
    layout = citation.find(_NS + "layout")
    delim = (layout.get("delimiter") if layout is not None else None) or ", "
    delim = _html.escape(delim, quote=False) if "<" in text else delim

    def runs(m: re.Match) -> str:
        nums = [int(x) for x in m.group(0).split(delim)]
        out, i = [], 0
        while i < len(nums):
            j = i
            while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
                j += 1
            out += [f"{nums[i]}\u2013{nums[j]}"] if j - i >= 2 else [str(n) for n in nums[i:j + 1]]
            i = j + 1
        return delim.join(out)
    return re.sub(r"\d+(?:" + re.escape(delim) + r"\d+)+", runs, text)


def _tidy(s: str, html: bool) -> str:
    """Whitespace the processor leaves (doubled spaces, a space before punctuation)."""
    s = re.sub(r"[ \t]{2,}", " ", s).strip()
    s = re.sub(r" ([.,;:])(?=\s|$)", r"\1", s)
    # a title's own "?" or "!" takes the place of the full stop after it (as citeproc-js does),
    # and an abbreviation's full stop is not doubled ("Jr..", "Oncol..")
    s = re.sub(r"([?!])((?:</[a-z]+>)?)\.", r"\1\2", s)
    return re.sub(r"(?<!\.)\.((?:</[a-z]+>)?)\.(?!\.)", r".\1", s)

