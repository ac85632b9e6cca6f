"""Duplicate matching and lossless merging of article records.

Two records are the same work when they share a DOI, PMID or PMCID (and no identifier they both
carry differs), or when they have the same normalised title, years within one, and the same
first-author family name, again with no conflicting identifier.  Sharing a title alone is not
enough: records with different PMIDs or DOIs are different works."""
from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from amlref.core.article import Article, TEXT_FIELDS, title_key
from amlref.core.citekeys import ascii_fold

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

IDS = ("doi", "pmid", "pmcid")


_NOT_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)   # family names repeat a lot in a big import
def author_key(name: str) -> str:
    return _NOT_ALNUM.sub("", ascii_fold(name or "").lower())


def _ids(o: dict | Article) -> tuple[str, str, str]:
    if isinstance(o, dict):
        return o.get("doi", ""), o.get("pmid", ""), o.get("pmcid", "")
    return o.doi, o.pmid, o.pmcid


def conflicting_ids(a: dict | Article, b: dict | Article) -> bool:
    """Both carry the same kind of identifier and the values differ."""
    for x, y in zip(_ids(a), _ids(b)):
        if x and y and x != y:
            return True
    return False


class Probe:
    """What :meth:`DedupIndex.match` reads of a record, when there is no Article."""

    __slots__ = ("origin", "citekey", "title", "doi", "pmid", "pmcid", "year",
                 "first_author_family")

    def __init__(self, origin, citekey, title, doi, pmid, pmcid, year, first_author_family):
        self.origin, self.citekey, self.title = origin, citekey, title
        self.doi, self.pmid, self.pmcid = doi, pmid, pmcid
        self.year, self.first_author_family = year, first_author_family


class DedupIndex:
    """In-memory index of the library's live articles for linear-time duplicate checks."""

    def __init__(self, lib: "Library | None"):
        self.by_id: dict[str, dict[str, int]] = {k: {} for k in IDS}
        self.by_title: dict[str, list[int]] = {}
        self.by_key: dict[str, int] = {}
        self.info: dict[int, dict] = {}
        if lib is None:
            return
        for aid, doi, pmid, pmcid, tkey, year, fa, key, aliases in lib.execute(
                "SELECT id, doi, pmid, pmcid, title_key, year, first_author, citekey, "
                "json_extract(extra, '$.alias_keys') FROM articles WHERE deleted_at IS NULL"):
            keys = {key} | set(json.loads(aliases) if aliases else ())
            self.add_values(aid, doi, pmid, pmcid, tkey, year, fa, keys)

    def add_values(self, aid: int, doi: str, pmid: str, pmcid: str, tkey: str, year, fa: str,
                   keys=()) -> None:
        """:meth:`add` for a record known by its values (the library's rows, an import's
        prepared rows)."""
        keys = {k for k in keys if k}
        self.info[aid] = {"doi": doi, "pmid": pmid, "pmcid": pmcid, "year": year,
                          "fa": author_key(fa), "keys": keys, "tkey": tkey}
        for k in keys:
            self.by_key.setdefault(k, aid)
        for k, v in (("doi", doi), ("pmid", pmid), ("pmcid", pmcid)):
            if v:
                self.by_id[k].setdefault(v, aid)
        if tkey:
            self.by_title.setdefault(tkey, []).append(aid)

    def add(self, a: Article) -> None:
        self.add_values(a.id, a.doi, a.pmid, a.pmcid, title_key(a.title), a.year,
                        a.first_author_family, {a.citekey} | set(a.extra.get("alias_keys", ())))

    def match(self, a: "Article | Probe", tkey: str | None = None) -> int | None:
        """The library article ``a`` should merge into on import, or None.

        A BibTeX entry carries a key its author chose: two entries with different keys are two
        records of the user's bibliography (a reprint, a translation, an arXiv version), and
        merging them would break a ``\\cite``.  So a BibTeX record merges only into an article
        known under the same key (or one without a key of its own); ``amlref dedup`` still lists
        such pairs for a decision.  The same key with the same title is the same record, however
        short the title (re-importing a .bib adds nothing)."""
        if tkey is None:
            tkey = title_key(a.title)
        if a.origin == "bibtex" and a.citekey in self.by_key:
            aid = self.by_key[a.citekey]
            if self.info[aid]["tkey"] == tkey and not conflicting_ids(self.info[aid], a):
                return aid
        for aid in self.candidates(a, tkey):
            if a.origin == "bibtex" and a.citekey and a.citekey not in self.info[aid]["keys"]:
                continue
            return aid
        return None

    def candidates(self, a: "Article | Probe", tkey: str | None = None):
        """Library articles that are the same work as ``a``, best evidence first (``tkey``:
        its title_key, when known)."""
        seen = set()
        for k in IDS:
            v = getattr(a, k)
            if v and v in self.by_id[k]:
                aid = self.by_id[k][v]
                if aid not in seen and not conflicting_ids(self.info[aid], a):
                    seen.add(aid)
                    yield aid
        if tkey is None:
            tkey = title_key(a.title)
        if not tkey or len(tkey) < 8 or tkey not in self.by_title:
            return
        fa = author_key(a.first_author_family)
        for aid in self.by_title[tkey]:
            inf = self.info[aid]
            if aid in seen or conflicting_ids(inf, a) or inf["fa"] != fa:
                continue
            if inf["year"] and a.year and abs(inf["year"] - a.year) > 1:
                continue
            seen.add(aid)
            yield aid


def _fuller(new: list, old: list) -> bool:
    if len(new) > len(old):
        return True
    if len(new) != len(old):
        return False
    same = all(author_key(n.sort_name()) == author_key(o.sort_name()) for n, o in zip(new, old))
    return same and sum(bool(p.given) for p in new) > sum(bool(p.given) for p in old)


def merge_articles(existing: Article, incoming: Article) -> tuple[dict, bool]:
    """Changes to apply to ``existing`` so it holds what ``incoming`` adds.  Missing fields are
    filled, lists united, the user's edits win, and a differing value that cannot be merged is
    kept in ``extra['alternatives']``.  Returns (changes, anything_new)."""
    changes: dict = {}
    extra = copy.deepcopy(existing.extra)
    alts = extra.get("alternatives", {})
    edited = set(existing.user_edited)
    for f in TEXT_FIELDS:
        old, new = getattr(existing, f), getattr(incoming, f)
        if not new or new == old:
            continue
        if not old and f not in edited:
            changes[f] = new
        elif old.strip().lower() != str(new).strip().lower():
            if new not in alts.get(f, []):
                alts.setdefault(f, []).append(new)
    if incoming.authors and not existing.authors and "authors" not in edited:
        changes["authors"] = incoming.authors
    elif incoming.authors and "authors" not in edited and _fuller(incoming.authors, existing.authors):
        # a fuller author list (the existing one was cut short, e.g. "et al.", or had no
        # given names)
        alts.setdefault("authors", []).append([p.to_dict() for p in existing.authors])
        changes["authors"] = incoming.authors
    if incoming.editors and not existing.editors:
        changes["editors"] = incoming.editors
    for f in ("keywords", "mesh", "pub_types"):
        old = list(getattr(existing, f))
        add = [x for x in getattr(incoming, f) if x not in old]
        if add and f not in edited:
            changes[f] = old + add
    if existing.type in ("article", "document", "") and incoming.type not in ("article", "document", ""):
        if "type" not in edited:
            changes["type"] = incoming.type
    for k, v in incoming.extra.items():
        if k not in extra:
            extra[k] = v
        elif extra[k] != v and k != "alternatives":
            alts.setdefault(f"extra.{k}", [])
            if v not in alts[f"extra.{k}"]:
                alts[f"extra.{k}"].append(v)
    if incoming.citekey and incoming.citekey != existing.citekey:
        keys = extra.setdefault("alias_keys", [])
        if incoming.citekey not in keys:
            keys.append(incoming.citekey)
    if incoming.origin and incoming.origin != existing.origin:
        origins = extra.setdefault("merged_from", [])
        if incoming.origin not in origins:
            origins.append(incoming.origin)
    if alts:
        extra["alternatives"] = alts
    if extra != existing.extra:
        changes["extra"] = extra
    return changes, bool(changes)
