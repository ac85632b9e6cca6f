"""BibTeX and biblatex in and out.

Import (bibtexparser's splitter, then our own fast evaluation): ``@string`` macros and ``#``
concatenation, ``@preamble``, crossref and xdata inheritance, duplicate keys kept apart (the
second gets a suffix and a warning), unknown entry types and fields kept in
``extra['bibtex']`` and written back.  Field text is stored as Unicode (``M{\\"u}ller`` ->
``Müller``); the LaTeX the user wrote is kept in ``extra['bibtex']['raw']`` and exported again as
long as the field was not changed.

``extra['bibtex']`` holds (each key only when needed):
  ``type``     the original entry type when the CSL type does not map back to it
  ``fields``   {name: raw LaTeX} of fields with no article column, in source order
  ``raw``      {article field: raw LaTeX} for fields whose LaTeX differs from the stored text
  ``names``    {article field: bibtex field name} when a non-default name was used
  ``preamble`` the file's ``@preamble`` when the entry uses a command it defines

Export: BibTeX is ASCII with LaTeX escapes (for bibtex), biblatex is UTF-8 (for biber).  Text
from other origins is escaped as literal text, acronyms and gene names are brace-protected in
titles, months are macros (BibTeX) or numbers (biblatex), and the same articles give the same
bytes.
"""
from __future__ import annotations

import re
from sys import intern as _intern
from typing import Iterable

from amlref.core import gcpause
from amlref.core.article import Article, ParseResult, Problem
from amlref.formats import bibtex_fields as F
from amlref.formats.bibtex_names import names_to_bibtex, parse_names
from amlref.formats.latex import ascii_latex, escape, has_latex, protect_case, to_unicode
from amlref.plugins.base import Exporter, Importer

# Fields mapped to article columns (everything else goes to extra['bibtex']['fields']).
_SIMPLE_TEXT = {"title": "title", "volume": "volume", "isbn": "isbn", "issn": "issn",
                "abstract": "abstract", "language": "language"}
_IDS = {"doi": "doi", "pmid": "pmid", "pmcid": "pmcid", "url": "url"}
_NOT_INHERITED = {"crossref", "xref", "xdata", "ids", "entryset", "entrysubtype", "execute",
                  "label", "options", "presort", "related", "relatedoptions", "relatedstring",
                  "relatedtype", "shorthand", "shorthandintro", "sortkey", "key"}
_NOT_INHERITED_TITLES = {"shorttitle", "sorttitle", "indextitle", "indexsorttitle"}


def _line(block) -> int | None:
    return block.start_line + 1 if block.start_line is not None else None


class BibtexImporter(Importer):
    name = "bibtex"
    label = "BibTeX / biblatex (.bib)"
    extensions = (".bib", ".bibtex", ".biblatex")

    _SNIFF = re.compile(r"^\s*@\s*[a-zA-Z]+\s*[{(]", re.M)

    def sniff(self, head: str) -> float:
        if "\r" in head:
            head = head.replace("\r\n", "\n").replace("\r", "\n")   # old Mac line ends
        m = self._SNIFF.search(head)
        if not m:
            return 0.0
        return 0.9 if re.search(r"^\s*@\s*[a-zA-Z]+\s*[{(][^,\n]*,", head, re.M) else 0.6

    def parse(self, text: str, filename: str = "<text>") -> ParseResult:
        # many small objects and no reference cycles: the cyclic GC only costs time here
        with gcpause.paused():
            return self._parse(text, filename)

    def _parse(self, text: str, filename: str) -> ParseResult:
        from bibtexparser import model as M

        res = ParseResult(format=self.name)
        if text.startswith("\ufeff"):
            text = text[1:]
        blocks = split_blocks(text)

        macros: dict[str, str] = {}
        preambles: list[str] = []
        entries: list[tuple[str, str, dict[str, str], int | None]] = []   # type, key, fields, line
        seen_keys: dict[str, int] = {}
        undefined: list[str] = []

        def add_entry(e, dup_fields: set | None = None) -> None:
            fields: dict[str, str] = {}
            for f in e.fields:
                k = f.key.strip().lower()
                if k in fields:
                    continue   # BibTeX uses the first occurrence
                fields[k] = f.value
            key = e.key.strip()
            line = _line(e)
            if dup_fields:
                res.warnings.append(f"{filename}:{line}: entry {key!r} repeats field(s) "
                                    f"{', '.join(sorted(dup_fields))}; the first value is kept")
            entries.append((e.entry_type.strip().lower(), key, fields, line))

        for b in blocks:
            if type(b) is _FastEntry:
                if b.dup_fields:
                    add_entry(b, dup_fields=b.dup_fields)
                else:
                    entries.append((b.entry_type, b.key, b.fields, b.start_line + 1))
            elif isinstance(b, M.Entry):
                add_entry(b)
            elif isinstance(b, M.String):
                macros[b.key.strip().lower()] = F.evaluate(b.value, macros, undefined)
            elif isinstance(b, M.Preamble):
                preambles.append(b.value.strip())
            elif isinstance(b, M.DuplicateBlockKeyBlock):
                dup = b.ignore_error_block
                if isinstance(dup, M.String):
                    macros[dup.key.strip().lower()] = F.evaluate(dup.value, macros, undefined)
                elif isinstance(dup, M.Entry):
                    add_entry(dup)
                elif isinstance(dup, M.DuplicateFieldKeyBlock):
                    add_entry(dup.ignore_error_block, dup_fields=dup.duplicate_keys)
            elif isinstance(b, M.DuplicateFieldKeyBlock):
                add_entry(b.ignore_error_block, dup_fields=b.duplicate_keys)
            elif isinstance(b, M.ParsingFailedBlock):
                err = b.error
                msg = getattr(err, "abort_reason", None) or str(err)
                first = (b.raw or "").strip().splitlines()[:1]
                what = f" in {first[0][:60]!r}" if first else ""
                res.problems.append(Problem(filename, _line(b), f"broken entry{what}: {msg}"))
        blocks = None   # free the split text as we go (large files)
        if undefined:
            res.warnings.append(f"{filename}: undefined @string macro(s) kept as text: "
                                f"{', '.join(sorted(set(undefined)))}")
            undefined.clear()

        # evaluate values (macros, concatenation) and index by key for crossref/xdata
        evaluated: list[tuple[str, str, dict[str, str], int | None]] = []
        by_key: dict[str, tuple[str, dict[str, str]]] = {}
        for etype, key, fields, line in entries:
            # the common {...} value inline; macros and concatenation in evaluate()
            vals = {k: v[1:-1] if v[:1] == "{" and v[-1:] == "}" and "#" not in v
                    else F.evaluate(v, macros, undefined) for k, v in fields.items()}
            evaluated.append((etype, key, vals, line))
            if key and key.lower() not in by_key:
                by_key[key.lower()] = (etype, vals)
        entries = None
        if undefined:
            res.warnings.append(f"{filename}: undefined @string macro(s) kept as text: "
                                f"{', '.join(sorted(set(undefined)))}")

        preamble = " # ".join(preambles)
        pre_cmds = _defined_commands(preamble) if preamble else None
        evaluated.reverse()
        while evaluated:
            etype, key, vals, line = evaluated.pop()
            if etype in ("xdata",):
                continue
            if "xdata" in vals:
                _inherit_xdata(vals, by_key, res, filename, line, key)
            if "crossref" in vals:
                _inherit_crossref(etype, vals, by_key, res, filename, line, key)
            try:
                a = entry_to_article(etype, key, vals)
            except Exception as exc:  # one odd entry never stops the file
                res.problems.append(Problem(filename, line, f"entry {key!r}: {exc}"))
                continue
            a.line = line
            if not key:
                res.warnings.append(f"{filename}:{line}: entry without a key; a key is made")
                a.citekey = None
            elif key in seen_keys:
                n = 2
                while f"{key}-{n}" in seen_keys:
                    n += 1
                new = f"{key}-{n}"
                res.warnings.append(f"{filename}:{line}: duplicate key {key!r} (first at line "
                                    f"{seen_keys[key]}); this entry is kept as {new!r}")
                a.extra["original_citekey"] = key
                a.citekey = new
                seen_keys[new] = line or 0
            if key:
                seen_keys.setdefault(key, line or 0)
            if preamble and _uses(vals, pre_cmds):
                a.extra.setdefault("bibtex", {})["preamble"] = preamble
            res.articles.append(a)
        if not res.articles and not res.problems and text.strip() and not by_key and \
                "@" not in text:
            res.warnings.append(f"{filename}: no BibTeX entries found")
        return res


# -- splitting -------------------------------------------------------------------------------------
# A fast path for the common, well-formed entry (one regex match with possessive quantifiers, so
# no catastrophic backtracking); everything else (@string, @preamble, @comment, parenthesised or
# broken entries, escaped braces) goes to bibtexparser's splitter, which also reports errors.

_BR = r"\{(?:[^{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\})*+\}"
_QT = r'"(?:[^"{}]++|' + _BR + r')*+"'
_PIECE = r"(?:" + _BR + "|" + _QT + r"|[^\s,{}\"#=()]++)"
_VALUE = _PIECE + r"(?:\s*+#\s*+" + _PIECE + r")*+"
_FIELD = r"\s*+([^\s=,{}\"#()]++)\s*+=\s*+(" + _VALUE + r")\s*+"
_FIELD_RE = re.compile(_FIELD + ",?")
_ENTRY_RE = re.compile(r"@[ \t]*+([a-zA-Z][\w\-]*+)[ \t]*+\{\s*+([^\s,{}\"#()=]*+)\s*+"
                       r"(?:,((?:" + _FIELD + r",)*+(?:" + _FIELD + r")?)\s*+)?\}")
_CHUNK_START = re.compile(r"^[ \t]*@", re.M)
_SPECIAL_TYPES = ("string", "preamble", "comment")


class _Field:
    __slots__ = ("key", "value")

    def __init__(self, key: str, value: str):
        self.key, self.value = key, value


class _FastEntry:
    __slots__ = ("entry_type", "key", "fields", "start_line", "dup_fields")

    def __init__(self, entry_type, key, fields, start_line, dup_fields):
        self.entry_type, self.key, self.start_line = entry_type, key, start_line
        self.fields, self.dup_fields = fields, dup_fields


def _fast_entry(chunk: str, line: int):
    """A _FastEntry when ``chunk`` is one well-formed entry (plus trailing comment text)."""
    m = _ENTRY_RE.match(chunk, chunk.index("@"))
    if m is None or "@" in chunk[m.end():]:
        return None
    etype = m.group(1).lower()
    if etype in _SPECIAL_TYPES or "\\{" in chunk or "\\}" in chunk:
        return None
    body = m.group(3)
    pairs = _FIELD_RE.findall(body) if body else []
    fields = {_intern(k.lower()): v for k, v in pairs}   # shared field names: less memory
    dups = None
    if len(fields) != len(pairs):          # a repeated field: BibTeX keeps the first
        fields, dups = {}, set()
        for k, v in pairs:
            if k.lower() in fields:
                dups.add(k)
            else:
                fields[k.lower()] = v
    if dups:
        return _FastEntry(etype, m.group(2), [_Field(k, v) for k, v in fields.items()], line, dups)
    return _FastEntry(etype, m.group(2), fields, line, None)


def split_blocks(text: str, fast: bool = True) -> list:
    """Blocks of a .bib text in order: fast entries, or bibtexparser blocks (0-based lines)."""
    from bibtexparser.splitter import Splitter
    starts = [m.start() for m in _CHUNK_START.finditer(text)] if fast else []
    if not starts or ("\r" in text and "\n" not in text):   # nothing to speed up / old Mac
        return Splitter(bibstr=text).split().blocks
    out: list = []
    slow_from = None          # start of a run of chunks for bibtexparser
    slow_line = 0
    line = text.count("\n", 0, starts[0]) if starts else 0

    def flush_slow(end: int) -> None:
        nonlocal slow_from
        if slow_from is None:
            return
        for b in Splitter(bibstr=text[slow_from:end]).split().blocks:
            if b.start_line is not None:
                b._start_line_in_file = b.start_line + slow_line
            out.append(b)
        slow_from = None

    if starts and text[:starts[0]].find("@") >= 0:
        slow_from, slow_line = 0, 0
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunk = text[start:end]
        fe = _fast_entry(chunk, line)
        if fe is None:
            if slow_from is None:
                slow_from, slow_line = start, line
        else:
            flush_slow(start)
            out.append(fe)
        line += chunk.count("\n")
    flush_slow(len(text))
    return out


def _defined_commands(preamble: str) -> list[str] | None:
    names = re.findall(r"\\(?:re|provide)?newcommand\*?\s*\{?\s*\\([a-zA-Z@]+)|\\def\s*\\([a-zA-Z@]+)",
                       preamble)
    out = [a or b for a, b in names]
    return out or None


def _uses(vals: dict[str, str], cmds: list[str] | None) -> bool:
    if cmds is None:
        return True
    for v in vals.values():
        if "\\" in v and any(("\\" + c) in v for c in cmds):
            return True
    return False


def _inherit_xdata(vals, by_key, res, filename, line, key) -> None:
    seen = set()
    stack = [k.strip() for k in vals.pop("xdata").split(",") if k.strip()]
    while stack:
        ref = stack.pop(0)
        if ref.lower() in seen:
            continue
        seen.add(ref.lower())
        parent = by_key.get(ref.lower())
        if parent is None:
            res.warnings.append(f"{filename}:{line}: entry {key!r}: xdata {ref!r} not found")
            continue
        for k, v in parent[1].items():
            if k == "xdata":
                stack.extend(x.strip() for x in v.split(",") if x.strip())
            elif k not in vals and k not in _NOT_INHERITED:
                vals[k] = v


_BOOKS = {"book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings",
          "reference", "mvreference"}
_IN_BOOKS = {"inbook", "bookinbook", "suppbook", "incollection", "suppcollection",
             "inproceedings", "conference", "inreference"}


def _inherit_crossref(etype, vals, by_key, res, filename, line, key) -> None:
    ref = vals["crossref"].strip()
    seen = {key.lower()}
    cur = ref
    while cur:
        if cur.lower() in seen:
            res.warnings.append(f"{filename}:{line}: entry {key!r}: crossref cycle at {cur!r}")
            return
        seen.add(cur.lower())
        parent = by_key.get(cur.lower())
        if parent is None:
            res.warnings.append(f"{filename}:{line}: entry {key!r}: crossref {cur!r} not found")
            return
        ptype, pvals = parent
        mv = ptype.startswith("mv")
        for k, v in pvals.items():
            if k in _NOT_INHERITED or k in _NOT_INHERITED_TITLES:
                continue
            target = k
            if k in ("title", "subtitle", "titleaddon"):
                if mv:
                    target = "main" + k
                elif ptype in _BOOKS and etype in _IN_BOOKS:
                    target = "book" + k
                elif ptype == "periodical" and etype in ("article", "suppperiodical"):
                    target = {"title": "journaltitle", "subtitle": "journalsubtitle"}.get(k, k)
                    if target == k:
                        continue
                else:
                    continue
            if target == "journaltitle" and "journal" in vals:
                continue
            if target not in vals:
                vals[target] = v
        cur = pvals.get("crossref", "").strip()


def _dashes(pages: str) -> str:
    return pages.replace("–", "-").replace("—", "-")


def _pages_tex(pages: str) -> str:
    return _RANGE.sub("--", escape(pages))


_RANGE = re.compile(r"(?<=\w)\s*[-–—]+\s*(?=\w)")


def _keywords_tex(keywords: list[str]) -> str:
    return escape(("; " if any("," in k for k in keywords) else ", ").join(keywords))


def _split_keywords(text: str) -> list[str]:
    sep = ";" if ";" in text else ","
    return [w.strip() for w in text.split(sep) if w.strip()]


_MAPPED = frozenset(_SIMPLE_TEXT) | frozenset(_IDS) | {
    "author", "editor", "journal", "journaltitle", "booktitle", "shortjournal", "journalabbrev",
    "journal-abbrev", "journal_abbrev", "number", "issue", "pages", "publisher", "school",
    "institution", "year", "month", "day", "date", "keywords", "keyword"}


def entry_to_article(etype: str, key: str, vals: dict[str, str]) -> Article:
    """One evaluated entry (field -> raw LaTeX) -> Article."""
    csl = F.TYPE_TO_CSL.get(etype, "document")
    a = Article(citekey=key or None, type=csl, origin="bibtex")
    bt: dict = {}
    canon = F.CSL_TO_TYPE.get(csl, ("misc", "misc"))
    if etype not in canon:
        bt["type"] = etype
    raw: dict[str, str] = {}
    names: dict[str, str] = {}
    other: dict[str, str] = {}
    year = month = day = date = None
    chapterish = csl in F.CHAPTER_TYPES
    for k, v in vals.items():
        if k not in _MAPPED:          # most fields of real files: kept as they are
            other[k] = v
            continue
        if k in _SIMPLE_TEXT:
            fld = _SIMPLE_TEXT[k]
            if getattr(a, fld):
                other[k] = v
                continue
            val = to_unicode(v)
            setattr(a, fld, val)
            if v != val and v != escape(val):
                raw[fld] = v
        elif k == "author" or k == "editor":
            people = parse_names(v)
            fld = "authors" if k == "author" else "editors"
            setattr(a, fld, people)
            if has_latex(v) and v != names_to_bibtex(people, ascii_only=False):
                raw[fld] = v
        elif k in ("journal", "journaltitle") or (k == "booktitle" and chapterish):
            if a.container:
                other[k] = v
                continue
            a.container = to_unicode(v)
            if a.container != v and escape(a.container) != v:
                raw["container"] = v
            if k != ("booktitle" if chapterish else "journal") and k != "journaltitle":
                names["container"] = k
        elif k in ("shortjournal", "journalabbrev", "journal-abbrev", "journal_abbrev"):
            if a.container_short:
                other[k] = v
                continue
            a.container_short = to_unicode(v)
            if a.container_short != v and escape(a.container_short) != v:
                raw["container_short"] = v
            if k != "shortjournal":
                names["container_short"] = k
        elif k in ("number", "issue"):
            if a.issue:
                other[k] = v
                continue
            a.issue = to_unicode(v)
            if a.issue != v and escape(a.issue) != v:
                raw["issue"] = v
            if k == "issue":
                names["issue"] = k
        elif k == "pages":
            a.pages = _dashes(to_unicode(v))
            if a.pages != v and _pages_tex(a.pages) != v:
                raw["pages"] = v
        elif k == "publisher" or (k in ("school", "institution") and csl in ("thesis", "report")):
            if a.publisher:
                other[k] = v
                continue
            a.publisher = to_unicode(v)
            if a.publisher != v and escape(a.publisher) != v:
                raw["publisher"] = v
            if k != _publisher_field(csl, etype, biblatex=False) and not (
                    csl == "thesis" and k == "institution"):
                names["publisher"] = k
        elif k in _IDS:
            fld = _IDS[k]
            val = v.strip()
            if "\\" in val or "{" in val:
                val = re.sub(r"\\([_%&#$~])", r"\1", val).replace("{", "").replace("}", "")
            if k == "doi" and re.match(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", val):
                val = re.sub(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", "", val)
            setattr(a, fld, val)
            if val != v:
                raw[fld] = v
        elif k == "year":
            year = v
        elif k == "month":
            month = v
        elif k == "day":
            day = v
        elif k == "date":
            date = v
        elif k in ("keywords", "keyword"):
            a.keywords = _split_keywords(to_unicode(v))
            if v != _keywords_tex(a.keywords):
                raw["keywords"] = v
            if k != "keywords":
                names["keywords"] = k
        else:
            other[k] = v
    # dates
    if date:
        a.issued = F.iso_from_date_field(date)
        raw["date"] = date
        if year:
            other["year"] = year
        if month:
            other["month"] = month
        if day:
            other["day"] = day
    elif year:
        iso = F.iso_from_parts(year, month or "", day or "")
        a.issued = iso
        if year.strip() != iso[:4]:
            raw["year"] = year
        if month and not F.month_number(month):
            other["month"] = month
        if day and len(iso) < 10:
            other["day"] = day
    else:
        if month:
            other["month"] = month
        if day:
            other["day"] = day
    if other:
        bt["fields"] = other
    if raw:
        bt["raw"] = raw
    if names:
        bt["names"] = names
    if bt:
        a.extra["bibtex"] = bt
    return a


def _publisher_field(csl: str, etype: str, biblatex: bool) -> str:
    if csl == "thesis":
        return "institution" if biblatex else "school"
    if csl == "report":
        return "institution"
    return "publisher"


# -- export ----------------------------------------------------------------------------------------

_BAD_KEY = re.compile(r"[\s,{}\\#%~\"'()=]")
_PROTECTED_FIELDS = ("title", "container")


def _balanced(v: str) -> bool:
    if "{" not in v and "}" not in v:
        return True
    depth = 0
    for c in v:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _verbatim(v: str, ascii_only: bool) -> str:
    """URL / DOI: written as is, only what would break the file is percent-encoded."""
    v = re.sub(r"\s+", "", v)
    if not _balanced(v):
        v = v.replace("{", "%7B").replace("}", "%7D")
    if ascii_only and not v.isascii():
        from urllib.parse import quote
        v = quote(v, safe="".join(chr(i) for i in range(33, 127)))
    return v


class _Writer:
    def __init__(self, biblatex: bool):
        self.biblatex = biblatex
        self.ascii = not biblatex

    def tex(self, fld: str, value: str, raw: dict, bibtex_origin: bool) -> str:
        """LaTeX for an article text field: the user's LaTeX when it still says the same,
        else the value escaped (and case-protected in titles)."""
        r = raw.get(fld)
        if r is not None and _balanced(r):
            dec = _dashes(to_unicode(r)) if fld == "pages" else to_unicode(r)
            if dec == value:
                return ascii_latex(r) if self.ascii else r
        if fld == "pages":
            out = _pages_tex(value)
        else:
            out = escape(value)
            if fld in _PROTECTED_FIELDS and not bibtex_origin:
                out = protect_case(out)
        return ascii_latex(out) if self.ascii else out

    def names(self, fld: str, people, raw: dict) -> str:
        r = raw.get(fld)
        if r is not None and _balanced(r) and parse_names(r) == people:
            return ascii_latex(r) if self.ascii else r
        return names_to_bibtex(people, ascii_only=self.ascii)

    def entry_type(self, a: Article, bt: dict) -> tuple[str, list[tuple[str, str]]]:
        orig = bt.get("type")
        extra_fields: list[tuple[str, str]] = []
        canon = F.CSL_TO_TYPE.get(a.type, ("misc", "misc"))
        if self.biblatex:
            # biber maps the BibTeX aliases (phdthesis, techreport, www ...) itself
            return orig or canon[1], extra_fields
        t = orig or canon[0]
        if t not in F.BIBTEX_TYPES:
            t = F.BIBLATEX_TO_BIBTEX.get(t, t)
            if t == "phdthesis" and orig == "thesis":
                ft = (bt.get("fields") or {}).get("type", "").lower()
                if "master" in ft or ft in ("mathesis", "ma"):
                    t = "mastersthesis"
        return t, extra_fields

    def entry(self, a: Article) -> str:
        bt = a.extra.get("bibtex") or {}
        raw = bt.get("raw") or {}
        fnames = bt.get("names") or {}
        other = dict(bt.get("fields") or {})
        from_bib = a.origin == "bibtex"
        etype, type_fields = self.entry_type(a, bt)
        out: list[tuple[str, str]] = []
        if a.authors:
            out.append(("author", self.names("authors", a.authors, raw)))
        if a.editors:
            out.append(("editor", self.names("editors", a.editors, raw)))
        if a.title:
            out.append(("title", self.tex("title", a.title, raw, from_bib)))
        if a.container:
            name = fnames.get("container") or (
                "booktitle" if a.type in F.CHAPTER_TYPES else
                ("journaltitle" if self.biblatex else "journal"))
            if name == "journal" and self.biblatex:
                name = "journaltitle"
            out.append((name, self.tex("container", a.container, raw, from_bib)))
        if a.container_short:
            out.append((fnames.get("container_short", "shortjournal"),
                        self.tex("container_short", a.container_short, raw, from_bib)))
        out.extend(self.dates(a, raw, other))
        if a.volume:
            out.append(("volume", self.tex("volume", a.volume, raw, from_bib)))
        if a.issue:
            out.append((fnames.get("issue", "number"), self.tex("issue", a.issue, raw, from_bib)))
        if a.pages:
            out.append(("pages", self.tex("pages", a.pages, raw, from_bib)))
        if a.publisher:
            name = fnames.get("publisher") or _publisher_field(a.type, etype, self.biblatex)
            if self.biblatex and name == "school":
                name = "institution"
            out.append((name, self.tex("publisher", a.publisher, raw, from_bib)))
        for fld in ("isbn", "issn"):
            if getattr(a, fld):
                out.append((fld, self.tex(fld, getattr(a, fld), raw, from_bib)))
        for fld in ("doi", "url"):
            v = getattr(a, fld)
            if v:
                r = raw.get(fld)
                if r is not None and _balanced(r) and self._id_equal(fld, r, v):
                    out.append((fld, r if not self.ascii else _verbatim(r, True)))
                else:
                    out.append((fld, _verbatim(v, self.ascii)))
        for fld in ("pmid", "pmcid"):
            v = getattr(a, fld)
            if v:
                out.append((fld, _verbatim(v, self.ascii)))
        if a.keywords:
            r = raw.get("keywords")
            if r is not None and _balanced(r) and _split_keywords(to_unicode(r)) == a.keywords:
                val = ascii_latex(r) if self.ascii else r
            else:
                val = _keywords_tex(a.keywords)
                val = ascii_latex(val) if self.ascii else val
            out.append((fnames.get("keywords", "keywords"), val))
        if a.language:
            out.append(("language", self.tex("language", a.language, raw, from_bib)))
        if a.abstract:
            out.append(("abstract", self.tex("abstract", a.abstract, raw, from_bib)))
        have = {k for k, _ in out}
        for k, v in type_fields:
            if k not in have:
                out.append((k, v))
                have.add(k)
        for k, v in other.items():
            if k in have:
                continue
            if not _balanced(v):
                v = escape(to_unicode(v))
            out.append((k, ascii_latex(v) if self.ascii else v))
            have.add(k)
        key = a.citekey or f"id{a.id}"
        if _BAD_KEY.search(key):
            key = _BAD_KEY.sub("_", key)
        lines = [f"@{etype}{{{key},"]
        last = len(out) - 1
        for i, (k, v) in enumerate(out):
            if k == "month" and not self.biblatex and v in F.MONTHS:
                val = v
            else:
                val = "{" + v + "}"
            lines.append(f"  {k} = {val}{',' if i < last else ''}")
        lines.append("}\n")
        return "\n".join(lines)

    @staticmethod
    def _id_equal(fld: str, raw: str, value: str) -> bool:
        v = re.sub(r"\\([_%&#$~])", r"\1", raw.strip()).replace("{", "").replace("}", "")
        if fld == "doi":
            v = re.sub(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", "", v).lower()
            return v == value.lower()
        return v == value

    def dates(self, a: Article, raw: dict, other: dict) -> list[tuple[str, str]]:
        iso = a.issued or ""
        if not iso:
            return []
        m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", iso)
        if not m:
            return [("year", escape(iso))]
        y, mo, d = m.group(1), m.group(2), m.group(3)
        rdate = raw.get("date")
        if rdate is not None and F.iso_from_date_field(rdate) == iso and _balanced(rdate):
            if self.biblatex:
                # the other date fields were kept apart; biber would warn about both
                for k in ("year", "month", "day"):
                    other.pop(k, None)
                return [("date", rdate)]
        out = []
        ry = raw.get("year")
        if ry is not None and F.iso_from_parts(ry) == y and _balanced(ry):
            out.append(("year", ascii_latex(ry) if self.ascii else ry))
        else:
            out.append(("year", y))
        if self.biblatex and d:
            return [("date", iso)]
        if mo:
            out.append(("month", str(int(mo)) if self.biblatex else F.MONTHS[int(mo) - 1]))
            other.pop("month", None)
            if d:
                out.append(("day", str(int(d))))
                other.pop("day", None)
        return out


def _order(articles: list[Article]) -> list[Article]:
    """Crossref targets after the entries that use them (BibTeX needs that)."""
    keys = {a.citekey for a in articles}
    targets = set()
    for a in articles:
        f = (a.extra.get("bibtex") or {}).get("fields") or {}
        ref = f.get("crossref")
        if ref and ref.strip() in keys:
            targets.add(ref.strip())
    if not targets:
        return articles
    return [a for a in articles if a.citekey not in targets] + \
           [a for a in articles if a.citekey in targets]


# biblatex text macros that classic BibTeX documents lack: defined (only when used) in a
# @preamble of the BibTeX export, so the user's LaTeX can stay as written.
_BIBLATEX_MACROS = {
    "mkbibquote": r"\providecommand{\mkbibquote}[1]{``#1''}",
    "enquote": r"\providecommand{\enquote}[1]{``#1''}",
    "mkbibemph": r"\providecommand{\mkbibemph}[1]{\emph{#1}}",
    "mkbibitalic": r"\providecommand{\mkbibitalic}[1]{\textit{#1}}",
    "mkbibbold": r"\providecommand{\mkbibbold}[1]{\textbf{#1}}",
    "mkbibacro": r"\providecommand{\mkbibacro}[1]{#1}",
    "hyphen": r"\providecommand{\hyphen}{-}",
    "nbhyphen": r"\providecommand{\nbhyphen}{-}",
    "bibrangedash": r"\providecommand{\bibrangedash}{--}",
    "bibdatedash": r"\providecommand{\bibdatedash}{--}",
    "addspace": r"\providecommand{\addspace}{ }",
    "addnbspace": r"\providecommand{\addnbspace}{~}",
    "addcomma": r"\providecommand{\addcomma}{,}",
    "adddot": r"\providecommand{\adddot}{.}",
}
_MACRO_USE = re.compile(r"\\(" + "|".join(_BIBLATEX_MACROS) + r")(?![a-zA-Z])")


def export_bib(articles: Iterable[Article], biblatex: bool) -> str:
    with gcpause.paused():   # many short-lived strings, no cycles: the GC only costs time
        return _export_bib(list(articles), biblatex)


def _export_bib(articles: list[Article], biblatex: bool) -> str:
    arts = _order(articles)
    w = _Writer(biblatex)
    parts = []
    preambles: list[str] = []
    for a in arts:
        p = (a.extra.get("bibtex") or {}).get("preamble")
        if p and p not in preambles:
            preambles.append(p)
    for p in preambles:
        parts.append("@preamble{" + p + "}\n")
    body = [w.entry(a) for a in arts]
    if not biblatex:
        used = sorted({m.group(1) for e in body if "\\" in e for m in _MACRO_USE.finditer(e)})
        if used:
            parts.append('@preamble{ "' + " ".join(_BIBLATEX_MACROS[u] for u in used) + '" }\n')
    return "\n".join(parts + body)


class BibtexExporter(Exporter):
    name = "bibtex"
    label = "BibTeX (ASCII, for bibtex)"
    extension = ".bib"

    def export(self, articles: Iterable[Article], **options) -> str:
        return export_bib(articles, biblatex=False)


class BiblatexExporter(Exporter):
    name = "biblatex"
    label = "biblatex (UTF-8, for biber)"
    extension = ".bib"

    def export(self, articles: Iterable[Article], **options) -> str:
        return export_bib(articles, biblatex=True)
