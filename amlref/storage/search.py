"""Turn what a user types into an FTS5 MATCH expression plus SQL filters.

    venetoclax azacitidine        both words (any field), last word as a prefix
    "checkpoint inhibitor"        a phrase
    author:przespolewski          field search: author, title, abstract, journal, keyword,
    title:car  mesh:leukemia      mesh, notes
    year:2020  year:2019..2024    filters on the year
    doi:10.3389/...  pmid:123     identifier lookups
    -lymphoma  NOT lymphoma       exclusion
    word OR other                 alternatives
"""
from __future__ import annotations

import re
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
