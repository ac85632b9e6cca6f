"""Watches and their Inbox (tables of schema MIGRATION_6).

A watch is a PubMed query (``kind`` 'pubmed', ``query``) or a citation alert (``kind`` 'citing',
``targets``: the articles whose citing papers are wanted).  What a run brings goes into the
Inbox with a state per watch and article: 'new' (unread), 'read', 'kept'; dismissing removes the
row and remembers the article's identifiers in ``inbox_dismissed``, so that watch never brings
it back.  One run at a time per watch: ``acquire`` takes a lock row (``running_since``,
``running_pid``, a ``heartbeat`` each batch) inside ``BEGIN IMMEDIATE``; a lock whose heartbeat is
older than ``stale_seconds``, or whose process is gone on this host, is taken over."""
from __future__ import annotations

import json
import os
import socket
from datetime import datetime, timezone
from typing import Iterable, TYPE_CHECKING

from amlref.core.errors import AmlrefError, InputError, NotFound

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

STATES = ("new", "read", "kept")
STALE_SECONDS = 15 * 60
_COLS = ("id", "name", "kind", "query", "targets", "created", "last_run", "last_error",
         "last_count", "running_since", "running_pid", "heartbeat")


class WatchBusy(AmlrefError):
    """The watch is being run by another program (or thread) right now."""

    exit_code = 1


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _age(stamp: str | None) -> float:
    if not stamp:
        return float("inf")
    try:
        t = datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return float("inf")
    return (datetime.now(timezone.utc) - t).total_seconds()


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(owner: str) -> bool:
    """False when the lock's owner is a process of this host that no longer exists."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def idents(pmid: str, doi: str, openalex: str | None = "") -> list[str]:
    """How a watch knows a work: ``pmid:…``, ``doi:…`` (lower case), ``openalex:W…``."""
    return [k for k in (f"pmid:{pmid}" if pmid else "", f"doi:{doi.lower()}" if doi else "",
                        f"openalex:{openalex}" if openalex else "") if k]


_IDENT_COLS = "a.pmid, a.doi, CASE WHEN instr(a.extra, '\"openalex\"') THEN " \
              "json_extract(a.extra, '$.openalex.id') END"


class WatchStore:
    def __init__(self, lib: "Library"):
        self.lib = lib

    # -- watches -----------------------------------------------------------------------------
    def _row(self, r) -> dict:
        d = dict(zip(_COLS, r))
        d["targets"] = json.loads(d["targets"] or "[]")
        return d

    def add(self, name: str, kind: str = "pubmed", query: str = "",
            targets: list | None = None) -> int:
        name = (name or "").strip()
        if not name:
            raise InputError("a watch needs a name")
        if kind not in ("pubmed", "citing"):
            raise InputError(f"unknown kind of watch {kind!r}")
        with self.lib.transaction():
            if self.find(name) is not None:
                raise InputError(f"a watch named {name!r} exists already")
            return self.lib.execute(
                "INSERT INTO watches(name, kind, query, targets, created) VALUES (?, ?, ?, ?, ?)",
                (name, kind, query, json.dumps(targets or []), _now())).lastrowid

    def find(self, name: str) -> dict | None:
        r = self.lib.execute(f"SELECT {', '.join(_COLS)} FROM watches WHERE name = ?",
                             (name.strip(),)).fetchone()
        return self._row(r) if r else None

    def get(self, name: str) -> dict:
        w = self.find(name)
        if w is None:
            raise NotFound(f"no watch named {name!r} (see amlref watch list)")
        return w

    def by_id(self, wid: int) -> dict:
        r = self.lib.execute(f"SELECT {', '.join(_COLS)} FROM watches WHERE id = ?",
                             (wid,)).fetchone()
        if not r:
            raise NotFound(f"no watch {wid}")
        return self._row(r)

    def all(self) -> list[dict]:
        return [self._row(r) for r in self.lib.execute(
            f"SELECT {', '.join(_COLS)} FROM watches ORDER BY name COLLATE NOCASE")]

    def update(self, wid: int, **values) -> None:
        if "targets" in values:
            values["targets"] = json.dumps(values["targets"])
        sets = ", ".join(f"{k} = ?" for k in values)
        with self.lib.transaction():
            self.lib.execute(f"UPDATE watches SET {sets} WHERE id = ?", (*values.values(), wid))

    def remove(self, name: str) -> None:
        w = self.get(name)
        with self.lib.transaction():
            self.lib.execute("DELETE FROM watches WHERE id = ?", (w["id"],))

    # -- the run lock ------------------------------------------------------------------------
    def acquire(self, wid: int, owner: str | None = None,
                stale_seconds: float = STALE_SECONDS) -> None:
        """Mark the watch as running, or raise WatchBusy (one line) when a live run holds it."""
        owner = owner or owner_id()
        with self.lib.transaction():            # BEGIN IMMEDIATE: one writer decides
            w = self.by_id(wid)
            if w["running_since"] and _age(w["heartbeat"] or w["running_since"]) < stale_seconds \
                    and _alive(w["running_pid"]):
                since = w["running_since"].replace("T", " ").rstrip("Z")
                raise WatchBusy(f"watch {w['name']!r} is already running (since {since} UTC, "
                                f"{w['running_pid']}); try again when it has finished")
            now = _now()
            self.lib.execute("UPDATE watches SET running_since = ?, running_pid = ?, "
                             "heartbeat = ? WHERE id = ?", (now, owner, now, wid))

    def heartbeat(self, wid: int) -> None:
        with self.lib.transaction():
            self.lib.execute("UPDATE watches SET heartbeat = ? WHERE id = ?", (_now(), wid))

    def release(self, wid: int) -> None:
        with self.lib.transaction():
            self.lib.execute("UPDATE watches SET running_since = NULL, running_pid = '', "
                             "heartbeat = NULL WHERE id = ?", (wid,))

    # -- the Inbox -----------------------------------------------------------------------------
    def put(self, wid: int, article_ids: Iterable[int], state: str = "new",
            when: str | None = None) -> int:
        """Add articles to a watch's Inbox (already there: left as they are)."""
        when = when or _now()
        rows = [(wid, aid, state, when) for aid in dict.fromkeys(article_ids)]
        if not rows:
            return 0
        with self.lib.transaction():
            return self.lib.conn.executemany("INSERT OR IGNORE INTO inbox(watch_id, article_id, "
                                             "state, added) VALUES (?, ?, ?, ?)", rows).rowcount

    def seen(self, wid: int) -> set[str]:
        """Identifiers ('pmid:…', 'doi:…') this watch has brought or had dismissed."""
        out = {r[0] for r in self.lib.execute(
            "SELECT ident FROM inbox_dismissed WHERE watch_id = ?", (wid,))}
        for pmid, doi, oaid in self.lib.execute(
                f"SELECT {_IDENT_COLS} FROM inbox i JOIN articles a ON a.id = i.article_id "
                "WHERE i.watch_id = ?", (wid,)):
            out.update(idents(pmid, doi, oaid))
        return out

    def set_state(self, article_ids: Iterable[int], state: str, wid: int | None = None) -> int:
        if state not in STATES:
            raise InputError(f"unknown Inbox state {state!r} (choose from {', '.join(STATES)})")
        ids = list(dict.fromkeys(article_ids))
        n = 0
        with self.lib.transaction():
            for aid in ids:
                sql = "UPDATE inbox SET state = ? WHERE article_id = ?"
                args: tuple = (state, aid)
                if wid is not None:
                    sql, args = sql + " AND watch_id = ?", args + (wid,)
                n += self.lib.execute(sql, args).rowcount
        return n

    def dismiss(self, article_ids: Iterable[int], wid: int | None = None) -> int:
        """Out of the Inbox (of one watch, or of all), and never brought back by that watch."""
        ids = list(dict.fromkeys(article_ids))
        n = 0
        with self.lib.transaction():
            for aid in ids:
                row = self.lib.execute(f"SELECT {_IDENT_COLS} FROM articles a WHERE a.id = ?",
                                       (aid,)).fetchone()
                sql = "SELECT watch_id FROM inbox WHERE article_id = ?"
                args: tuple = (aid,)
                if wid is not None:
                    sql, args = sql + " AND watch_id = ?", args + (wid,)
                for (w,) in self.lib.execute(sql, args).fetchall():
                    for key in idents(*(row or ("", "", ""))):
                        self.lib.execute("INSERT OR IGNORE INTO inbox_dismissed(watch_id, ident) "
                                         "VALUES (?, ?)", (w, key))
                    n += self.lib.execute("DELETE FROM inbox WHERE watch_id = ? AND "
                                          "article_id = ?", (w, aid)).rowcount
        return n

    def items(self, wid: int | None = None, state: str | None = None,
              category: str | None = None, since: str | None = None) -> list[dict]:
        """Inbox rows (live articles only), newest first: watch, article id, state, added."""
        where, args = ["a.deleted_at IS NULL"], []
        if wid is not None:
            where.append("i.watch_id = ?")
            args.append(wid)
        if state:
            where.append("i.state = ?")
            args.append(state)
        if since:
            where.append("i.added >= ?")
            args.append(since)
        if category:
            where.append("EXISTS (SELECT 1 FROM article_categories c WHERE c.article_id = a.id "
                         "AND c.slug = ? AND c.state = 1)")
            args.append(category)
        return [{"watch_id": r[0], "watch": r[1], "article_id": r[2], "state": r[3],
                 "added": r[4]} for r in self.lib.execute(
            "SELECT i.watch_id, w.name, i.article_id, i.state, i.added FROM inbox i "
            "JOIN watches w ON w.id = i.watch_id JOIN articles a ON a.id = i.article_id "
            f"WHERE {' AND '.join(where)} ORDER BY i.added DESC, i.article_id DESC", args)]

    def counts(self) -> dict:
        """Unread/total per watch and per category: ``{"watches": {name: {"unread", "total"}},
        "categories": {slug: {"unread", "total"}}, "unread": n, "total": n}``."""
        out: dict = {"watches": {}, "categories": {}, "unread": 0, "total": 0}
        live = ("FROM inbox i JOIN articles a ON a.id = i.article_id AND a.deleted_at IS NULL "
                "WHERE i.watch_id = w.id")
        for name, unread, total in self.lib.execute(
                f"SELECT w.name, (SELECT count(*) {live} AND i.state = 'new'), "
                f"(SELECT count(*) {live}) FROM watches w ORDER BY w.name COLLATE NOCASE"):
            out["watches"][name] = {"unread": unread, "total": total}
        for slug, unread, total in self.lib.execute(
                "SELECT c.slug, count(DISTINCT CASE WHEN i.state = 'new' THEN i.article_id END), "
                "count(DISTINCT i.article_id) FROM inbox i JOIN articles a ON a.id = i.article_id "
                "AND a.deleted_at IS NULL JOIN article_categories c ON c.article_id = a.id AND "
                "c.state = 1 AND c.kind = 'category' GROUP BY c.slug ORDER BY c.slug"):
            out["categories"][slug] = {"unread": unread, "total": total}
        r = self.lib.execute(
            "SELECT count(DISTINCT CASE WHEN i.state = 'new' THEN i.article_id END), "
            "count(DISTINCT i.article_id) FROM inbox i JOIN articles a ON a.id = i.article_id "
            "AND a.deleted_at IS NULL").fetchone()
        out["unread"], out["total"] = r[0] or 0, r[1] or 0
        return out
