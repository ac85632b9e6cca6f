"""A digest of a period: the articles added to the library since a moment, by top-level
category, with citation keys, titles, links and the watch that brought them — as Markdown (the
default) or HTML."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from amlref.core.errors import UsageError
from amlref.core.identifiers import doi_url
from amlref.storage.library import Library

OTHER = "(no category)"


@dataclass
class Entry:
    citekey: str
    title: str
    year: int | None
    journal: str
    link: str
    watches: list[str] = field(default_factory=list)


_UNITS = {"h": timedelta(hours=1), "hour": timedelta(hours=1), "d": timedelta(days=1),
          "day": timedelta(days=1), "w": timedelta(weeks=1), "week": timedelta(weeks=1),
          "m": timedelta(days=30), "month": timedelta(days=30)}
PERIODS = "a period like 7d, 2w, 12h, 1m (30 days) or a date YYYY-MM-DD"


def parse_since(text: str, now: datetime | None = None) -> tuple[str, str]:
    """``--since``: ``(ISO timestamp, label)``.  ``7d`` / ``7 days`` is the last 7×24 hours,
    ``2w`` two weeks, ``12h``, ``1m`` 30 days; ``YYYY-MM-DD`` from the start of that day (UTC).
    A period of 0, a date in the future, or anything else is a one-line UsageError."""
    now = now or datetime.now(timezone.utc)
    raw = (text or "").strip()
    m = re.fullmatch(r"(\d+)\s*(h|hours?|d|days?|w|weeks?|m|months?)", raw.lower())
    if m:
        n, unit = int(m.group(1)), m.group(2)
        step = _UNITS[unit if unit in _UNITS else unit.rstrip("s")]
        if n == 0:
            raise UsageError(f"--since {raw!r}: a period of 0 has nothing in it; give "
                             f"{PERIODS}")
        try:
            start = now - n * step
        except OverflowError:
            raise UsageError(f"--since {raw!r}: too long a period") from None
        return (start.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                start.strftime("%Y-%m-%d %H:%M UTC") + f" (the last {raw})")
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise UsageError(f"--since {raw!r}: give {PERIODS}") from None
    if day > now:
        raise UsageError(f"--since {raw}: that day is in the future")
    return day.strftime("%Y-%m-%dT00:00:00.000000Z"), day.strftime("%Y-%m-%d")


def link_of(pmid: str, doi: str, pmcid: str, url: str) -> str:
    if pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    if doi:
        return doi_url(doi)
    if pmcid:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"
    return url or ""


def collect(lib: Library, since: str, tax=None) -> dict[str, list[Entry]]:
    """``{category label: [Entry]}`` for live articles added at or after ``since`` (ISO),
    each under its top-level categories (an article in none under OTHER), newest first."""
    if tax is None:
        from amlref.taxonomy.model import load
        tax = load()
    top: dict[str, str] = {}
    for node in tax.categories():
        root = node.slug
        for anc in tax.ancestors(node.slug):
            root = anc
        top[node.slug] = root
    labels = {n.slug: n.label for n in tax.roots("category")}
    order = list(labels)
    rows = lib.execute(
        "SELECT a.id, a.citekey, a.title, a.year, a.container, a.pmid, a.doi, a.pmcid, a.url, "
        "(SELECT group_concat(c.slug, ' ') FROM article_categories c WHERE c.article_id = a.id "
        "AND c.state = 1 AND c.kind = 'category'), "
        "(SELECT group_concat(w.name, '\x1f') FROM inbox i JOIN watches w ON w.id = i.watch_id "
        "WHERE i.article_id = a.id) FROM articles a WHERE a.deleted_at IS NULL AND a.added >= ? "
        "ORDER BY a.added DESC, a.id DESC", (since,)).fetchall()
    out: dict[str, list[Entry]] = {}
    for _, key, title, year, journal, pmid, doi, pmcid, url, slugs, watches in rows:
        e = Entry(key, title, year, journal, link_of(pmid, doi, pmcid, url),
                  (watches or "").split("\x1f") if watches else [])
        roots = list(dict.fromkeys(top.get(s, s) for s in (slugs or "").split() if s))
        roots = [r for r in roots if r in labels] or [OTHER]
        for r in roots:
            out.setdefault(r, []).append(e)
    ordered = {labels[s]: out[s] for s in order if s in out}
    if OTHER in out:
        ordered[OTHER] = out[OTHER]
    return ordered


def _count(groups: dict[str, list[Entry]]) -> int:
    return len({e.citekey for es in groups.values() for e in es})


def _md(text: str) -> str:
    """Text with Markdown's markup characters escaped (a title is shown as written)."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(text.split()))


def markdown(groups: dict[str, list[Entry]], since_label: str) -> str:
    lines = [f"# New articles since {since_label}", "",
             f"{_count(groups)} article(s)." if groups else "No new articles.", ""]
    for label, entries in groups.items():
        lines += [f"## {label} ({len(entries)})", ""]
        for e in entries:
            title = _md(e.title or "(no title)")
            bits = _md(", ".join(x for x in (e.journal, str(e.year or "")) if x))
            link = e.link.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            s = f"- `{e.citekey}` [{title}]({link})" if link else f"- `{e.citekey}` {title}"
            if bits:
                s += f" — {bits}"
            if e.watches:
                s += f" (watch: {', '.join(e.watches)})"
            lines.append(s)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_html(groups: dict[str, list[Entry]], since_label: str) -> str:
    esc = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>New articles since {esc(since_label)}</title></head><body>",
             f"<h1>New articles since {esc(since_label)}</h1>",
             f"<p>{_count(groups)} article(s).</p>" if groups else "<p>No new articles.</p>"]
    for label, entries in groups.items():
        parts.append(f"<h2>{esc(label)} ({len(entries)})</h2>")
        parts.append("<ul>")
        for e in entries:
            title = esc(e.title or "(no title)")
            t = f'<a href="{esc(e.link, quote=True)}">{title}</a>' if e.link else title
            bits = esc(", ".join(x for x in (e.journal, str(e.year or "")) if x))
            w = f" (watch: {esc(', '.join(e.watches))})" if e.watches else ""
            parts.append(f"<li><code>{esc(e.citekey)}</code> {t}"
                         + (f" — {bits}" if bits else "") + f"{w}</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
