"""How an article becomes a row of the ``articles`` table and back: the columns, the values
of one insert (a hot path of every import), prepared records (plain tuples a worker process
can send: services/parallel_parse.py, services/watch_fetch.py) and identifier normalisation.
``storage.articles`` (the store) uses these and re-exports them."""
from __future__ import annotations

import json
from functools import lru_cache

from amlref.core.article import Article, Person, TEXT_FIELDS, LIST_FIELDS, title_key
from amlref.core import citekeys
from amlref.core.errors import InputError
from amlref.core.identifiers import normalize_doi, normalize_pmid, normalize_pmcid
from amlref.core.pages import expand_pages

COLUMNS = ("id", "citekey", "type") + TEXT_FIELDS + LIST_FIELDS + (
    "extra", "origin", "user_edited", "added", "modified", "deleted_at")
_INSERT_COLS = tuple(c for c in COLUMNS if c != "id") + ("first_author", "title_key", "year")
_INSERT_SQL = (f"INSERT INTO articles ({', '.join(_INSERT_COLS)}) "
               f"VALUES ({', '.join('?' for _ in _INSERT_COLS)})")
_SELECT = f"SELECT {', '.join('a.' + c for c in COLUMNS)} FROM articles a"


def normalize_identifiers(a: Article, strict: bool = True) -> None:
    """Normalise DOI/PMID/PMCID in place; invalid ones raise IdentifierError when strict, else
    move to ``extra`` (so nothing is lost).  Abbreviated page ranges are written out in full."""
    a.pages = expand_pages(a.pages)
    for fld, fn in (("doi", normalize_doi), ("pmid", normalize_pmid), ("pmcid", normalize_pmcid)):
        v = getattr(a, fld)
        if not v:
            continue
        try:
            setattr(a, fld, fn(v))
        except InputError:
            if strict:
                raise
            a.extra.setdefault(f"invalid_{fld}", v)
            setattr(a, fld, "")


def _text(v) -> str:
    return v if v.__class__ is str else ("" if v is None else str(v))


_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_quote = json.encoder.encode_basestring   # the C quoting that _DUMPS uses for a str


def _people(ps) -> str:
    """JSON of a list of Person, as ``_DUMPS([p.to_dict() ...])`` writes it (written out here:
    it is a hot path of every import; names repeat, so each one's JSON is cached)."""
    if not ps:
        return "[]"
    return "[" + ",".join([_person_json(p.family, p.given, p.literal) for p in ps]) + "]"


@lru_cache(maxsize=65536)
def _person_json(family: str, given: str, literal: str) -> str:
    parts = []
    if family:
        parts.append('"family":' + _quote(family))
    if given:
        parts.append('"given":' + _quote(given))
    if literal:
        parts.append('"literal":' + _quote(literal))
    return "{" + ",".join(parts) + "}"


def _strings(xs) -> str:
    if not xs:
        return "[]"
    if all(x.__class__ is str for x in xs):   # the usual case, as _DUMPS writes it
        return "[" + ",".join([_quote(x) for x in xs]) + "]"
    return _DUMPS(list(xs))


_ROW_ORDER = ("citekey", "type") + TEXT_FIELDS + LIST_FIELDS + (
    "extra", "origin", "user_edited", "added", "modified", "deleted_at", "first_author",
    "title_key", "year")
assert _ROW_ORDER == _INSERT_COLS   # row_values below writes them in this order


def row_values(a: Article, now: str) -> tuple:
    """The values of ``_INSERT_COLS`` for one article (a hot path of every import)."""
    t = _text
    authors = a.authors
    return (a.citekey, t(a.type), t(a.title), t(a.container), t(a.container_short), t(a.volume),
            t(a.issue), t(a.pages), t(a.issued), t(a.doi), t(a.pmid), t(a.pmcid), t(a.isbn),
            t(a.issn), t(a.url), t(a.abstract), t(a.language), t(a.publisher),
            _people(authors), _people(a.editors), _strings(a.keywords), _strings(a.mesh),
            _strings(a.pub_types), _DUMPS(a.extra) if a.extra else "{}", t(a.origin),
            _strings(a.user_edited), a.added or now, a.modified or now, a.deleted_at,
            (authors[0].literal or authors[0].family) if authors else "", title_key(a.title),
            a.year)


# where row_values puts what the duplicate check and the key assignment read
R_KEY, R_TITLE, R_DOI, R_PMID, R_PMCID, R_EXTRA, R_ORIGIN, R_TKEY, R_YEAR = (
    _INSERT_COLS.index(c) for c in ("citekey", "title", "doi", "pmid", "pmcid", "extra",
                                    "origin", "title_key", "year"))


def prepare(a: Article, formula: str, now: str) -> tuple:
    """An imported record made ready to store, as a plain tuple (cheap to send between
    processes): ``(row, own_key, first_author_family, tags, notes, line)``.  The row is
    :func:`row_values` with the record's own citation key or else the formula's base key (the
    clash suffix comes when it is stored: :meth:`ArticleStore.add_prepared`).  Identifiers must
    be normalised already."""
    own = a.citekey
    a.citekey = own or citekeys.make_key(a, formula)
    row = row_values(a, now)
    a.citekey = own
    return (row, own or "", a.first_author_family, tuple(a.tags), tuple(a.notes), a.line)


def article_from_prepared(p: tuple) -> Article:
    """The Article a prepared record was made from (for the few that merge)."""
    row, own, _fa, tags, notes, line = p
    d = dict(zip(_INSERT_COLS[:-3], row))
    d["authors"] = [Person.from_dict(x) for x in json.loads(d["authors"])]
    d["editors"] = [Person.from_dict(x) for x in json.loads(d["editors"])]
    for c in ("keywords", "mesh", "pub_types", "user_edited", "extra"):
        d[c] = json.loads(d[c])
    d["citekey"] = own or None
    return Article(**d, tags=list(tags), notes=list(notes), line=line)


def article_from_row(row) -> Article:
    d = dict(zip(COLUMNS, row))
    d["authors"] = [Person.from_dict(p) for p in json.loads(d["authors"])]
    d["editors"] = [Person.from_dict(p) for p in json.loads(d["editors"])]
    for c in ("keywords", "mesh", "pub_types", "user_edited"):
        d[c] = json.loads(d[c])
    d["extra"] = json.loads(d["extra"])
    return Article(**d)
