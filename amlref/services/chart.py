"""The field at a glance, for a view of the library: articles per year stacked by top-level
category, new articles per week from the watches, and the top journals — as numbers
(:func:`chart_data`, a few grouped SQL queries) and drawn with matplotlib (:func:`figure`,
laid out in services/chart_figure.py; :func:`save`: PNG or SVG, no display needed; the window
shows the same figure)."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from amlref.core.errors import UsageError
from amlref.services.views import View, view_condition, view_ids
from amlref.storage.library import Library

NONE = "(no category)"
WEEKS = 26
# a category's colour comes from its place among the taxonomy's top-level categories, so the
# same category has the same colour in every chart (matplotlib's "tab10" without its grey,
# which is kept for the articles without a category)
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5")
NONE_COLOUR = "#c4c4c4"


@dataclass
class ChartData:
    years: list[int] = field(default_factory=list)      # every year from the first to the last
    per_year: list[int] = field(default_factory=list)   # articles per year, aligned with years
    # {category label: [count per year, aligned with years]} (an article in two top-level
    # categories counts in both)
    by_year: dict[str, list[int]] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)  # {category label: colour}
    weeks: list[str] = field(default_factory=list)     # Monday of each week, "2026-11-30",
    per_week: list[int] = field(default_factory=list)  # from the first watched to this one
    watches: int = 0
    watched_since: str = ""                            # Monday of the first watch's week
    journals: list[tuple[str, int]] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)  # {journal: NLM abbreviation}
    total: int = 0
    undated: int = 0

    def to_json(self) -> dict:
        return dict(self.__dict__)


BY_ID = "INDEXED BY articles_by_id"     # (id, year, deleted_at, container): schema step 7
VIEW_IDS = "chart_view"                  # (a temporary table: a search's ids)


@contextmanager
def _view(lib: Library, view: View):
    """(condition on articles ``a``, its params, how ``a`` is read) for the view, trash left
    out.  A view narrowed by category, tag or search reads its articles by id from the
    covering index ``articles_by_id``; a search's ids are put in a temporary table for the
    time of the chart (once, instead of a JSON list parsed again by every query).  The whole
    library reads the year and journal indexes: with an empty trash no condition at all, else
    ``articles_live_year`` and ``articles_live_container`` (deleted_at first)."""
    cond, params = view_condition(lib, view)
    made = False
    try:
        if view.query:
            ids = view_ids(lib, view)
            lib.execute(f"CREATE TEMP TABLE IF NOT EXISTS {VIEW_IDS}(id INTEGER PRIMARY KEY)")
            made = True
            lib.execute(f"DELETE FROM temp.{VIEW_IDS}")
            lib.conn.executemany(f"INSERT OR IGNORE INTO temp.{VIEW_IDS}(id) VALUES (?)",
                                 ((i,) for i in ids))
            cond, params = f"a.id IN (SELECT id FROM temp.{VIEW_IDS})", []
        conds = [f"({cond})"] if cond else []
        if view.trash:
            conds.insert(0, "a.deleted_at IS NOT NULL")
        elif lib.execute("SELECT 1 FROM articles WHERE deleted_at IS NOT NULL LIMIT 1").fetchone():
            conds.insert(0, "a.deleted_at IS NULL")
        yield " AND ".join(conds) or "1", params, BY_ID if cond else ""
    finally:
        if made:
            lib.execute(f"DROP TABLE IF EXISTS temp.{VIEW_IDS}")


def this_monday(today: date | None = None) -> date:
    today = today or datetime.now(timezone.utc).date()
    return today - timedelta(days=today.weekday())


def chart_data(lib: Library, view: View | None = None, tax=None, top: int = 10,
               weeks: int = WEEKS) -> ChartData:
    view = view or View()
    if tax is None:
        from amlref.taxonomy.model import load
        tax = load()
    roots = tax.roots("category")
    pairs = [(s, r.slug) for r in roots for s in tax.descendants(r.slug)]
    with _view(lib, view) as (where, params, read):
        out = ChartData()
        out.total, per_year, journals, counts = _numbers(lib, where, params, read, pairs, top)
        _weeks(lib, out, where, params, weeks)
    years = sorted(per_year)
    if years:
        out.years = list(range(years[0], years[-1] + 1))
    out.per_year = [per_year.get(y, 0) for y in out.years]
    out.undated = out.total - sum(out.per_year)
    labels = [(r.slug, r.label, PALETTE[i % len(PALETTE)]) for i, r in enumerate(roots)]
    for slug, label, colour in labels + [(NONE, NONE, NONE_COLOUR)]:
        row = [counts.get((y, slug), 0) for y in out.years]
        if any(row):
            out.by_year[label] = row
            out.colours[label] = colour
    out.journals = [(j, n) for j, n in journals]
    for name, _n in journals:
        # (a few of the journal's articles: reading all of a big journal's rows costs ~50 ms)
        short = next((s for s, in lib.execute(
            "SELECT container_short FROM articles WHERE container = ? COLLATE NOCASE LIMIT 20",
            (name,)) if s), "")
        if short and short != name:
            out.abbreviations[name] = short
    return out


def _numbers(lib: Library, where: str, params: list, read: str, pairs, top: int):
    """(articles, {year: articles}, [(journal, articles)], {(year, root slug or NONE):
    articles}) of the view: grouped in SQL, from indexes only."""
    total = lib.execute(f"SELECT count(*) FROM articles a {read} WHERE {where}",
                        params).fetchone()[0]
    per_year = dict(lib.execute(
        f"SELECT a.year, count(*) FROM articles a {read} WHERE {where} AND a.year IS NOT NULL "
        "GROUP BY a.year", params).fetchall())
    journals = lib.execute(
        f"SELECT a.container, count(*) FROM articles a {read} WHERE {where} AND "
        f"a.container != '' GROUP BY a.container COLLATE NOCASE ORDER BY 2 DESC, 1 "
        f"LIMIT {int(top)}", params).fetchall()
    # an article in two top-level categories counts in both, and once among the articles
    # with a category; each article's year from the covering index by id
    values = ",".join("(?, ?)" for _ in pairs) or "(NULL, NULL)"
    flat = [x for p in pairs for x in p]
    tops = f"WITH top(slug, root) AS (VALUES {values}) "
    if read and total < lib.execute(tops + "SELECT count(*) FROM article_categories WHERE "
                                    "state = 1 AND slug IN (SELECT slug FROM top)",
                                    flat).fetchone()[0]:
        # a view smaller than the assignments: its articles' categories, by article id
        by_root = ("SELECT a.year, top.root, count(DISTINCT a.id) FROM articles a "
                   f"{BY_ID} CROSS JOIN article_categories ac ON ac.article_id = a.id CROSS "
                   "JOIN top ON top.slug = ac.slug WHERE ac.state = 1 AND a.year IS NOT NULL "
                   f"AND {where} GROUP BY 1, 2")
        any_root = (f"SELECT a.year, count(*) FROM articles a {BY_ID} WHERE {where} AND "
                    "a.year IS NOT NULL AND EXISTS (SELECT 1 FROM article_categories ac WHERE "
                    "ac.article_id = a.id AND ac.state = 1 AND ac.slug IN (SELECT slug FROM "
                    "top)) GROUP BY a.year")
    else:
        # the assignments (a fraction of the articles), each checked against the view ("+":
        # the planner would otherwise probe them with the view's ids once per slug)
        by_root = ("SELECT a.year, top.root, count(DISTINCT a.id) FROM article_categories ac "
                   f"JOIN top ON top.slug = ac.slug JOIN articles a {BY_ID} ON a.id = "
                   f"+ac.article_id WHERE ac.state = 1 AND a.year IS NOT NULL AND {where} "
                   "GROUP BY 1, 2")
        any_root = (f"SELECT a.year, count(*) FROM articles a {BY_ID} WHERE a.id IN (SELECT "
                    "ac.article_id FROM article_categories ac WHERE ac.state = 1 AND ac.slug IN "
                    f"(SELECT slug FROM top)) AND a.year IS NOT NULL AND {where} GROUP BY a.year")
    counts: dict = {(year, root): n for year, root, n in lib.execute(tops + by_root,
                                                                     flat + params)}
    covered = dict(lib.execute(tops + any_root, flat + params).fetchall())
    for year, n in per_year.items():
        rest = n - covered.get(year, 0)
        if rest > 0:
            counts[(year, NONE)] = rest
    return total, per_year, journals, counts


def _weeks(lib: Library, out: ChartData, where: str, params: list, weeks: int) -> None:
    """New articles per week (Monday to Sunday, UTC) over the last ``weeks`` weeks, this one
    included, from the week the first watch was made (or the first week with news, if
    earlier) to this week, empty weeks as 0; none at all when nothing came in those weeks."""
    monday = this_monday()
    start = monday - timedelta(weeks=max(1, int(weeks)) - 1)
    n, created = lib.execute("SELECT count(*), min(created) FROM watches").fetchone()
    out.watches = n
    found = dict(lib.execute(
        "SELECT date(i.added, 'weekday 0', '-6 days'), count(DISTINCT i.article_id) FROM inbox "
        f"i JOIN articles a {BY_ID} ON a.id = i.article_id WHERE {where} AND i.added >= ? "
        "GROUP BY 1",
        params + [start.isoformat()]))
    if created:
        out.watched_since = this_monday(date.fromisoformat(created[:10])).isoformat()
    if not found:
        return
    week = min([date.fromisoformat(w) for w in found] +
               ([date.fromisoformat(out.watched_since)] if out.watched_since else []))
    week = max(week, start)
    while week <= monday:
        out.weeks.append(week.isoformat())
        out.per_week.append(found.get(week.isoformat(), 0))
        week += timedelta(weeks=1)


def figure(data: ChartData, title: str = "", fig=None):
    """The three panels as a matplotlib Figure (``fig``: drawn into this one, the window's),
    each panel in its own sub-figure with its own margins (services/chart_figure.py)."""
    from amlref.services.chart_figure import draw
    return draw(data, title, fig)


def save(data: ChartData, path: str | Path, title: str = "") -> None:
    """Write the chart as PNG or SVG (by the file's extension), 1200 x 1080 pixels."""
    fmt = _format(path)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    fig = figure(data, title)
    FigureCanvasAgg(fig)
    write(fig, path, fmt)


def _format(path: str | Path) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise UsageError(f"{path}: give a .png or .svg file name")
    return fmt


def write(fig, path: str | Path, fmt: str | None = None) -> None:
    """Write a drawn chart figure (the window's as shown, or :func:`save`'s) as PNG or SVG."""
    fmt = fmt or _format(path)
    try:
        fig.savefig(path, format=fmt, dpi=120)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
