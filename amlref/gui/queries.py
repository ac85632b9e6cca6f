"""What the window asks the library: ids of a view in a column order, and table rows by page.
No widgets here; everything goes through the Library facade and the services."""
from __future__ import annotations

import json

from amlref.formats.et_al import trailing
from amlref.services.views import View, view_condition, view_ids
from amlref.storage.search import parse_query

COLUMNS = ("authors", "year", "title", "journal", "categories", "cited_by", "added")
HEADERS = ("Authors", "Year", "Title", "Journal", "Categories", "Cited by", "Added")

SORT_SQL = {
    "authors": "a.first_author COLLATE NOCASE",
    "year": "a.year",
    "title": "a.title_key",
    "journal": "a.container COLLATE NOCASE",
    "categories": "(SELECT min(c.slug) FROM article_categories c WHERE c.article_id = a.id "
                  "AND c.state = 1 AND c.kind = 'category')",
    "cited_by": "(SELECT count(*) FROM citations c CROSS JOIN articles x ON x.id = c.citing_id "
                "WHERE c.cited_id = a.id AND c.kind = 'cites' AND x.deleted_at IS NULL)",
    "added": "a.added",
}
DEFAULT_SORT = ("year", True)
# columns with an index on articles: the first screen of a view walks it and stops early
INDEXES = {"year": "articles_year", "added": "articles_added", "title": "articles_title_key",
           "authors": "articles_first_author"}


def order_sql(column: str | None, desc: bool) -> str:
    col = SORT_SQL.get(column or "", None)
    if col is None:
        return "a.id DESC" if desc else "a.id"
    d = " DESC" if desc else ""
    if column in INDEXES:   # indexed, never NULL-first issues: plain order the index can serve
        return f"{col}{d}, a.id{d}"
    # articles without a value go last whatever the direction
    return f"{col} IS NULL, {col}{d}, a.id{d}"


def ids_for(lib, view: View, column: str | None = None, desc: bool = False,
            limit: int | None = None) -> list[int]:
    """Ids of a view, sorted by a table column (SQL ORDER BY); with ``column=None`` a search
    comes best match first.  ``limit``: only the first ones (the first screen, fast)."""
    if view.query and column is None:
        return view_ids(lib, view, limit=limit)
    pq = parse_query(view.query) if view.query else None
    cond, params = view_condition(lib, view)
    # "+" keeps SQLite from using the deleted_at index (every live row matches it), so an
    # ORDER BY on an indexed column (year, added) can walk that index and stop at the limit
    where = [] if view.trash else ["+a.deleted_at IS NULL"]
    args: list = []
    if pq is not None:
        if pq.match and pq.text_match:   # plain words also find articles by their PDFs' text
            from amlref.storage.search import FULLTEXT_IDS
            where.append("(a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) OR "
                         f"a.id IN ({FULLTEXT_IDS}))")
            args += [pq.match, pq.text_match]
        elif pq.match:
            where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            args.append(pq.match)
        where += pq.where
        args += pq.params
    if cond:
        where.append(f"({cond})")
        args += params
    tail = (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY " + \
        order_sql(column, desc)
    if limit is not None and column in INDEXES:
        # the first screen: walk the column's index in order, test each article against the
        # (materialised) match list and stop at the limit -- tens of ms even when the search
        # matches most of a 100,000-article library, where sorting every match takes hundreds
        try:
            return [r[0] for r in lib.execute(
                f"SELECT a.id FROM articles a INDEXED BY {INDEXES[column]}{tail} "
                f"LIMIT {int(limit)}", args)]
        except Exception:  # the index is not there (an older or newer schema): plain plan
            pass
    sql = "SELECT a.id FROM articles a" + tail
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [r[0] for r in lib.execute(sql, args)]


def sort_ids(lib, ids: list[int], column: str | None, desc: bool) -> list[int]:
    """These (live) articles in the table's order (a view whose ids come from elsewhere)."""
    import json
    return [r[0] for r in lib.execute(
        "SELECT a.id FROM articles a WHERE a.id IN (SELECT value FROM json_each(?)) AND "
        f"a.deleted_at IS NULL ORDER BY {order_sql(column, desc)}", (json.dumps(list(ids)),))]


_LABELS: dict[str, str] | None = None


def labels() -> dict[str, str]:
    """Display names of category and facet slugs (from the taxonomy; slugs when absent)."""
    global _LABELS
    if _LABELS is None:
        try:
            from amlref.taxonomy import load
            _LABELS = {slug: n.label for slug, n in load().nodes.items()}
        except Exception:  # the window works without a taxonomy
            _LABELS = {}
    return _LABELS


def label(slug: str) -> str:
    return labels().get(slug, slug)


def _authors_short(raw: str, cut_short: bool = False) -> str:
    """"Smith J, Jones K, Lee A et al."; "et al." also after a list cut short (decision 0033:
    the mark, or an old library's last author "others")."""
    try:
        people, old = trailing(json.loads(raw or "[]"))
    except ValueError:
        return ""
    names = []
    for p in people[:3]:
        if p.get("literal"):
            names.append(p["literal"])
        else:
            given = "".join(w[0] for w in (p.get("given") or "").replace("-", " ").split() if w)
            names.append(f"{p.get('family', '')} {given}".strip())
    s = ", ".join(names)
    if len(people) > 3 or (names and (old or cut_short)):
        s += " et al."
    return s


def rows_for(lib, ids: list[int]) -> dict[int, tuple]:
    """Display rows (in COLUMNS order) of these ids, three queries for the whole page."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    out: dict[int, list] = {}
    for aid, authors, year, title, container, short, added, cut in lib.execute(
            f"SELECT id, authors, year, title, container, container_short, added, "
            f"instr(json_extract(extra, '$.et_al'), '\"author\"') > 0 FROM articles "
            f"WHERE id IN ({marks})", ids):
        out[aid] = [_authors_short(authors, bool(cut)), year if year is not None else "", title,
                    short or container, "", 0, (added or "")[:10]]
    for aid, slugs in lib.execute(
            f"SELECT article_id, group_concat(slug, ', ') FROM (SELECT article_id, slug FROM "
            f"article_categories WHERE state = 1 AND kind = 'category' AND article_id IN ({marks}) "
            f"ORDER BY slug) GROUP BY article_id", ids):
        if aid in out:
            out[aid][4] = ", ".join(label(x) for x in slugs.split(", "))
    # cited by live library articles; CROSS JOIN keeps SQLite on the citations_cited index
    # (left to itself the planner may scan every live article first)
    for aid, n in lib.execute(
            f"SELECT c.cited_id, count(*) FROM citations c CROSS JOIN articles x ON "
            f"x.id = c.citing_id WHERE c.kind = 'cites' AND x.deleted_at IS NULL AND "
            f"c.cited_id IN ({marks}) GROUP BY c.cited_id", ids):
        if aid in out:
            out[aid][5] = n
    return {k: tuple(v) for k, v in out.items()}


def duplicate_groups(lib, limit: int | None = None) -> list[list[int]]:
    """Groups of live articles that look like the same work.  Uses the dedup service when it is
    there; else: same DOI, same PMID, or same normalised title + year + first author (pairs the
    user marked "not duplicates" are left out)."""
    try:
        from amlref.services import dedup  # written by the lead; optional here
        fn = getattr(dedup, "find_groups", None) or getattr(dedup, "find_duplicates", None)
        if fn is not None:
            groups = []
            for g in fn(lib):
                ids = getattr(g, "ids", None) or (g.get("ids") if isinstance(g, dict) else g)
                groups.append([int(i) for i in ids])
            return groups[:limit] if limit else groups
    except ImportError:
        pass
    not_dup = {(a, b) for a, b in lib.execute("SELECT a, b FROM not_duplicates")}
    seen: dict[int, int] = {}
    groups: list[list[int]] = []

    def add(ids):
        ids = sorted(set(ids))
        if len(ids) < 2:
            return
        if all((min(x, y), max(x, y)) in not_dup for x in ids for y in ids if x < y):
            return
        gi = next((seen[i] for i in ids if i in seen), None)
        if gi is None:
            groups.append([])
            gi = len(groups) - 1
        for i in ids:
            if i not in seen:
                seen[i] = gi
                groups[gi].append(i)

    for col in ("doi", "pmid", "pmcid"):
        for (ids,) in lib.execute(
                f"SELECT group_concat(id) FROM articles WHERE deleted_at IS NULL AND {col} != '' "
                f"GROUP BY {col} HAVING count(*) > 1"):
            add(int(x) for x in ids.split(","))
    for (ids,) in lib.execute(
            "SELECT group_concat(id) FROM articles WHERE deleted_at IS NULL AND title_key != '' "
            "GROUP BY title_key, year, lower(first_author) HAVING count(*) > 1"):
        add(int(x) for x in ids.split(","))
    groups = [sorted(g) for g in groups if len(g) > 1]
    return groups[:limit] if limit else groups
