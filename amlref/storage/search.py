"""Turn what a user types into an FTS5 MATCH expression plus SQL filters.

    venetoclax azacitidine        both words (any field), last word as a prefix
    "checkpoint inhibitor"        a phrase
    author:przespolewski          field search: author, title, abstract, journal, keyword,
    title:car  mesh:leukemia      mesh, notes
    year:2020  year:2019..2024    filters on the year
    doi:10.3389/...  pmid:123     identifier lookups
    -lymphoma  NOT lymphoma       exclusion
    word OR other                 alternatives

``all_common(lib, pq, threshold)`` says whether every required word of a query is in at least
``threshold`` articles (the search then lists newest first instead of ranking every hit).
"""
from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from dataclasses import dataclass, field

FIELD_MAP = {"author": "authors", "authors": "authors", "au": "authors", "title": "title",
             "ti": "title", "abstract": "abstract", "ab": "abstract", "journal": "journal",
             "jo": "journal", "keyword": "keywords", "keywords": "keywords", "kw": "keywords",
             "mesh": "mesh", "mh": "mesh", "note": "notes", "notes": "notes"}

# ids of the articles whose attached PDFs match an FTS5 expression (fulltext rowid =
# attachment id * 10000 + page: only rowids are read, see schema step 5)
FULLTEXT_IDS = ("SELECT t.article_id FROM attachments t WHERE t.id IN "
                "(SELECT rowid / 10000 FROM fulltext WHERE fulltext MATCH ?)")

_TOKEN = re.compile(r'(-?)(?:(\w+):)?("([^"]*)"|\S+)')


@dataclass
class ParsedQuery:
    match: str = ""
    where: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)
    # single words that every hit must contain (for choosing a plan): (word, is_prefix)
    required: list[tuple[str, bool]] = field(default_factory=list)
    # the match for the PDFs' page texts (table ``fulltext``): ``fulltext:`` terms, and the
    # plain match when it has no field or exclusion (a plain search also finds words in PDFs)
    fulltext_match: str = ""
    text_match: str = ""

    @property
    def empty(self) -> bool:
        return not self.match and not self.where


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _words(text: str) -> list[str]:
    # what unicode61 would index: letters and digits
    return [w for w in re.findall(r"\w+", text, flags=re.UNICODE) if w]


def parse_query(q: str, prefix_last: bool = True) -> ParsedQuery:
    from amlref.core.identifiers import normalize_doi, normalize_pmid, normalize_pmcid
    pq = ParsedQuery()
    parts: list[str] = []
    pending_or = False
    fielded = False
    ft_parts: list[tuple[str, str]] = []
    tokens = list(_TOKEN.finditer(q or ""))
    for i, m in enumerate(tokens):
        neg, fld, raw, phrase = m.group(1), (m.group(2) or "").lower(), m.group(3), m.group(4)
        is_last = i == len(tokens) - 1
        if not fld and not neg and raw in ("OR", "AND") and phrase is None:
            pending_or = raw == "OR"
            continue
        if not fld and not neg and raw == "NOT" and phrase is None:
            # NOT x == -x
            continue
        if i > 0 and tokens[i - 1].group(3) == "NOT" and not tokens[i - 1].group(2):
            neg = "-"
        value = phrase if phrase is not None else raw
        if fld == "year":
            m2 = re.match(r"^(\d{4})(?:\s*(?:\.\.|-)\s*(\d{4}))?$", value)
            if m2:
                lo, hi = m2.group(1), m2.group(2) or m2.group(1)
                pq.where.append("a.year BETWEEN ? AND ?")
                pq.params += [int(lo), int(hi)]
            continue
        if fld in ("doi", "pmid", "pmcid", "key", "citekey"):
            norm = {"doi": lambda v: normalize_doi(v, strict=False),
                    "pmid": lambda v: normalize_pmid(v, strict=False),
                    "pmcid": lambda v: normalize_pmcid(v, strict=False)}.get(fld, lambda v: v)
            col = "citekey" if fld in ("key", "citekey") else fld
            pq.where.append(f"a.{col} != '' AND a.{col} = ?" if col != "citekey" else "a.citekey = ?")
            pq.params.append(norm(value) or value)
            continue
        words = _words(value)
        if not words:
            continue
        if fld == "fulltext":
            expr = _quote(" ".join(words))
            if prefix_last and is_last and not neg and len(words) == 1 and phrase is None \
                    and len(words[0]) >= 3:
                expr += "*"
            ft_parts.append(("NOT" if neg else "AND", expr))
            continue
        if phrase is not None or len(words) > 1:
            expr = _quote(" ".join(words))
        else:
            expr = _quote(words[0])
            if prefix_last and is_last and not neg and len(words[0]) >= 3:
                expr += "*"
        col = FIELD_MAP.get(fld)
        if col:
            expr = f"{col} : {expr}"
            fielded = True
        if neg:
            parts.append(("NOT", expr))
        elif pending_or and parts:
            op, prev = parts.pop()
            pq.required = [r for r in pq.required if f'"{r[0]}"' not in prev]
            parts.append((op, f"({prev} OR {expr})"))
        else:
            parts.append(("AND", expr))
            if len(words) == 1 and phrase is None:
                pq.required.append((words[0], expr.endswith("*")))
        pending_or = False
    pos = [e for op, e in parts if op == "AND"]
    negs = [e for op, e in parts if op == "NOT"]
    if pos:
        pq.match = " AND ".join(pos)
        for e in negs:
            pq.match = f"({pq.match}) NOT {e}"
    elif negs:
        pq.where.append("a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        pq.params.append(" OR ".join(negs))
    if pos and not negs and not fielded:
        pq.text_match = pq.match
    for op, expr in ft_parts:
        pq.where.append(f"a.id {'NOT ' if op == 'NOT' else ''}IN ({FULLTEXT_IDS})")
        pq.params.append(expr)
    pq.fulltext_match = " AND ".join(e for op, e in ft_parts if op == "AND")
    return pq


# -- the common-word check -------------------------------------------------------------------
# Counts per library connection, kept while nothing has changed: PRAGMA data_version (another
# connection committed), the connection's own total_changes and the schema version.
_COUNTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_COUNTS_LOCK = threading.Lock()
PREFIX_INDEX = 3      # articles_fts is made with prefix='3' (schema): "abc*" reads that index
_KEEP_TERMS = 5000    # the terms of a prefix kept for a longer one, up to so many
_KEEP_LISTS = 200     # and for so many prefixes


def _fold(word: str) -> str:
    """A word as unicode61 with remove_diacritics indexes it."""
    w = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in w if not unicodedata.combining(c))


def _state(lib) -> tuple[int, int, int]:
    return (lib.execute("PRAGMA data_version").fetchone()[0], lib.conn.total_changes,
            lib.execute("PRAGMA schema_version").fetchone()[0])


def all_common(lib, pq: ParsedQuery, threshold: int) -> bool:
    """Every word the query requires is in ``threshold`` articles or more (a prefix word: the
    articles of all the words it begins, summed, as the FTS5 vocabulary table counts them).

    Cheap where the plain count is not: a library with fewer rows than ``threshold`` has no such
    word (no count at all, when one word is not a prefix); a word's doclist is read up to the
    threshold's row, not to its end ("leukemia" in 100,000 articles); answers are kept until
    the library changes.  Same answer as counting every word in full
    (benchmarks/bench_common_words.py checks it)."""
    if not pq.required:
        return False
    last = lib.execute("SELECT rowid FROM articles_fts ORDER BY rowid DESC LIMIT 1").fetchone()
    rows = last[0] if last else 0      # at least the number of rows: rowids are distinct, > 0
    if rows < threshold and not all(p for _, p in pq.required):
        return False    # (a prefix's sum may pass it: an article counts once for each word)
    state = _state(lib)
    with _COUNTS_LOCK:
        kept = _COUNTS.get(lib)
    known: dict = kept[1] if kept is not None and kept[0] == state else {}
    answer = True
    # exact words first: they are the cheap ones, and one rare word settles it
    for word, is_prefix in sorted(pq.required, key=lambda r: r[1]):
        key = (_fold(word), is_prefix, threshold)
        common = known.get(key)
        if common is None:
            common = known[key] = (_prefix_common(lib, key[0], threshold, rows, known)
                                   if is_prefix else _term_common(lib, key[0], threshold))
        if not common:
            answer = False
            break
    if _state(lib) == state:    # nothing changed while counting
        with _COUNTS_LOCK:
            _COUNTS[lib] = (state, known)
    return answer


def _one_token(word: str) -> bool:
    """unicode61 reads the word as one token, the very one the vocabulary table lists."""
    return word.isascii() and word.isalnum()


def _reaches(lib, expr: str, threshold: int) -> bool:
    """At least ``threshold`` rows match: the doclist is read up to that row only."""
    return lib.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1 "
                       "OFFSET ?", (expr, threshold - 1)).fetchone() is not None


def _term_common(lib, term: str, threshold: int) -> bool:
    if _one_token(term):        # the rows a phrase of that one token matches: the term's doc
        return _reaches(lib, _quote(term), threshold)
    row = lib.execute("SELECT doc FROM articles_fts_vocab WHERE term = ?", (term,)).fetchone()
    return bool(row) and (row[0] or 0) >= threshold


def _prefix_common(lib, prefix: str, threshold: int, rows: int, known: dict) -> bool:
    """The summed articles of every term the prefix begins reach ``threshold``.  Two counts
    that are never more than that sum settle it when they reach it: the articles matching a
    three-letter prefix (it has its own FTS5 index), and those of the prefix as a whole word
    (a word typed out: "leukemia" in "leukemia*").  Then the terms of a shorter prefix read
    before (search as you type: "vene", "venet", "veneto"), else the vocabulary table, term by
    term in order, stopping once the sum reaches it.  (The terms are those from the prefix up
    to the prefix + U+FFFF, as ever; the prefix index also holds a term that goes on with a
    character beyond U+FFFF, a mathematical letter, which that range leaves out.)"""
    if _one_token(prefix) and rows >= threshold:
        if len(prefix) == PREFIX_INDEX and _reaches(lib, _quote(prefix) + "*", threshold):
            return True
        if len(prefix) > PREFIX_INDEX and _reaches(lib, _quote(prefix), threshold):
            return True
    end = prefix + "\uffff"
    lists = known.setdefault("terms", {})      # prefix -> (its terms and counts, complete)
    shorter = max((p for p in lists if prefix.startswith(p) and end <= p + "\uffff"),
                  key=len, default=None)     # a list whose range holds this one's
    if shorter is not None:
        terms, complete = lists[shorter]
        if sum(d for t, d in terms if prefix <= t < end) >= threshold:
            return True
        if complete or (terms and terms[-1][0] >= end):
            return False        # every term of the prefix was among them
    total, terms, complete = 0, [], True
    cur = lib.execute("SELECT term, doc FROM articles_fts_vocab WHERE term >= ? AND term < ?",
                      (prefix, end))
    try:
        for term, doc in cur:
            total += doc or 0
            terms.append((term, doc or 0))
            if total >= threshold:
                complete = False
                break
    finally:
        cur.close()
    if len(terms) <= _KEEP_TERMS and len(lists) < _KEEP_LISTS:
        lists[prefix] = (terms, complete)
    return total >= threshold
