"""Duplicate matching and lossless merging of article records.

Two records are the same work when they share a DOI, PMID or PMCID (and no identifier they both
carry differs), or when they have the same normalised title, years within one, and the same
first-author family name, again with no conflicting identifier.  Sharing a title alone is not
enough: records with different PMIDs or DOIs are different works.  Two records of one file are
merged only when they are the same record (:func:`same_record`); other look-alikes there are
imported apart and listed as possible duplicates (docs/decisions/0006)."""
from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from amlref.core.article import Article, LIST_FIELDS, TEXT_FIELDS, title_key
from amlref.core.citekeys import ascii_fold
from amlref.core.text import same_form
from amlref.formats import et_al

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

IDS = ("doi", "pmid", "pmcid")
SHORT_TITLE = 8   # a title key shorter than this is no evidence of sameness on its own

# what a record looks like besides its title, first author and year: (type, volume, pages,
# isbn, authors as stored), for the look-alike rules within one file and to choose among
# candidates (see DedupIndex.match)
LOOK = ("type", "volume", "pages", "isbn", "authors")
# every stored field that comes from the record (no citation key, no timestamps): two records
# with a short or no title are the same record only when all of these are equal
CONTENT = ("type",) + TEXT_FIELDS + LIST_FIELDS + ("extra", "origin")


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


def _shares_id(inf: dict, a) -> bool:
    return any(v and v == inf[k] for k, v in zip(IDS, _ids(a)))


def _differ(x: str, y: str) -> bool:
    return bool(x and y and x != y)


def same_record(inf: dict, a: "Probe") -> bool:
    """Within one file: is ``a`` the very record ``inf`` describes (merged, and reported), or
    only a look-alike (imported apart, listed as a possible duplicate)?  The same type and the
    same identifiers (DOI, PMID, PMCID, ISBN: the same ones, or none); then, with identifiers,
    no volume or pages that differ; without, the same authors, year, volume and pages."""
    mine, theirs = inf["look"], a.look
    if mine is None or theirs is None:
        return True
    if mine[0] != theirs[0] or mine[3] != theirs[3] or _ids(inf) != _ids(a):
        return False
    if any(_ids(a)):
        return not (_differ(mine[1], theirs[1]) or _differ(mine[2], theirs[2]))
    return mine == theirs and inf["year"] == a.year


def differences(x: Article, y: Article, same_file: bool = False) -> list[str]:
    """What keeps two look-alike articles from being surely the same record: a different type,
    identifiers of one kind that differ (DOI, PMID, PMCID, ISBN), or a different volume or
    pages (``amlref dedup`` lists such groups as possible duplicates and does not merge them
    in bulk).  Two records of one file (``same_file``) are held to :func:`same_record`: any
    difference in their identifiers, and without identifiers in volume or pages, counts."""
    out = []
    if x.type != y.type:
        out.append("type")
    ids_x, ids_y = _ids(x) + (x.isbn,), _ids(y) + (y.isbn,)
    if conflicting_ids(x, y) or _differ(x.isbn, y.isbn) or (same_file and ids_x != ids_y):
        out.append("identifiers")
    strict = same_file and not any(ids_x)
    for f in ("volume", "pages"):
        if (getattr(x, f) != getattr(y, f)) if strict else _differ(getattr(x, f), getattr(y, f)):
            out.append(f)
    return out


def _agreement(inf: dict, a: "Probe") -> int:
    """How many of type, volume, pages, ISBN and identifiers two matching records share (the
    best of several candidates is the one that agrees most: a file imported twice finds each
    of its look-alike records again, not the first of them)."""
    mine, theirs = inf["look"], a.look
    n = 2 * (_ids(inf) == _ids(a)) + (inf["year"] == a.year)
    if mine is not None and theirs is not None:
        n += sum(x == y for x, y in zip(mine[:4], theirs[:4]))
    return n


class Probe:
    """What :meth:`DedupIndex.match` reads of a record, when there is no Article.  ``look``:
    the values of LOOK; ``content``: of CONTENT (only needed for a short title)."""

    __slots__ = ("origin", "citekey", "title", "doi", "pmid", "pmcid", "year",
                 "first_author_family", "look", "content")

    def __init__(self, origin, citekey, title, doi, pmid, pmcid, year, first_author_family,
                 look=None, content=None):
        self.origin, self.citekey, self.title = origin, citekey, title
        self.doi, self.pmid, self.pmcid = doi, pmid, pmcid
        self.year, self.first_author_family = year, first_author_family
        self.look, self.content = look, content


def _stored_extra(extra: str) -> str:
    """A stored ``extra`` as the record had it in its file (the library notes a citation key
    that was taken as ``original_citekey`` when it stores the record)."""
    if '"original_citekey"' not in extra:
        return extra
    d = json.loads(extra)
    d.pop("original_citekey", None)
    return _DUMPS(d) if d else "{}"


_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class DedupIndex:
    """In-memory index of the library's live articles for linear-time duplicate checks.

    An import adds its new records as it goes, with ``src`` (which of its files).  Identifier
    evidence comes first, then the look-alike rule (same title, first author, years within
    one); a record with a short or no title matches only a record with the same content.
    Within one file, a look-alike that is not :func:`same_record` is kept apart
    (``match`` gives it in ``apart``).  ``only``: index just these library articles (the ones
    a small import's records could match: services/importing.py)."""

    def __init__(self, lib: "Library | None", only: "list[int] | None" = None):
        self.lib = lib
        self.by_id: dict[str, dict[str, int]] = {k: {} for k in IDS}
        self.more_ids: dict[tuple[str, str], list[int]] = {}   # a second record with an id
        self.by_title: dict[str, list[int]] = {}
        self.by_key: dict[str, int] = {}
        self.by_content: dict[tuple, int] = {}
        self.short: list[int] = []     # library articles with a short title: content not read
        self.info: dict[int, dict] = {}
        self.apart: list[int] = []     # of the last match: look-alikes of its file kept apart
        if lib is None:
            return
        # (the other keys it is known by: the extra JSON read only where it has them)
        for aid, doi, pmid, pmcid, tkey, year, fa, key, more, typ, volume, pages, isbn in \
                lib.execute(
                    "SELECT id, doi, pmid, pmcid, title_key, year, first_author, citekey, "
                    "CASE WHEN instr(extra, '_citekey\"') OR instr(extra, 'alias_keys') THEN "
                    "json_extract(extra, '$.alias_keys', '$.original_citekey') END, "
                    # (``+``: a few ids are looked up by rowid; without it SQLite walks the
                    # index of live articles (schema step 7) past all 100,000 of them)
                    "type, volume, pages, isbn FROM articles WHERE +deleted_at IS NULL" +
                    ("" if only is None else " AND id IN (SELECT value FROM json_each(?)) "
                     "ORDER BY id"), () if only is None else (json.dumps(only),)):
            keys = {key}
            if more:
                aliases, original = json.loads(more)
                keys.update(aliases or (), [original])
            self.add_values(aid, doi, pmid, pmcid, tkey, year, fa, keys,
                            look=(typ, volume, pages, isbn, None))
            if len(tkey) < SHORT_TITLE:
                self.short.append(aid)

    def add_values(self, aid: int, doi: str, pmid: str, pmcid: str, tkey: str, year, fa: str,
                   keys=(), look: tuple | None = None, src: int | None = None,
                   content: tuple | None = None) -> None:
        """:meth:`add` for a record known by its values (the library's rows, an import's
        prepared rows)."""
        keys = {k for k in keys if k}
        self.info[aid] = {"doi": doi, "pmid": pmid, "pmcid": pmcid, "year": year,
                          "fa": author_key(fa), "keys": keys, "tkey": tkey, "look": look,
                          "src": src}
        for k in keys:
            self.by_key.setdefault(k, aid)
        for k, v in (("doi", doi), ("pmid", pmid), ("pmcid", pmcid)):
            if v:
                first = self.by_id[k].setdefault(v, aid)
                if first != aid:
                    self.more_ids.setdefault((k, v), []).append(aid)
        self.by_title.setdefault(tkey, []).append(aid)
        if content is not None:
            self.by_content.setdefault(content, aid)

    def compares_content(self, tkey: str) -> bool:
        """Does a record with title key ``tkey`` need its content (Probe.content) to be
        matched: a short title, or look-alikes to choose among."""
        return len(tkey) < SHORT_TITLE or tkey in self.by_title

    def add(self, a: Article) -> None:
        self.add_values(a.id, a.doi, a.pmid, a.pmcid, title_key(a.title), a.year,
                        a.first_author_family, {a.citekey} | set(a.extra.get("alias_keys", ())))

    def match(self, a: "Article | Probe", tkey: str | None = None,
              src: int | None = None) -> int | None:
        """The article ``a`` should merge into on import, or None; ``src``: which file of the
        import ``a`` comes from (its look-alikes there that are not the same record are kept
        apart and listed in ``self.apart``).

        A BibTeX entry carries a key its author chose: two entries with different keys are two
        records of the user's bibliography (a reprint, a translation, an arXiv version), and
        merging them would break a ``\\cite``.  So a BibTeX record merges only into an article
        known under the same key (or one without a key of its own); ``amlref dedup`` still lists
        such pairs for a decision.  The same key with the same title is the same record, however
        short the title (re-importing a .bib adds nothing)."""
        self.apart = []
        if tkey is None:
            tkey = title_key(a.title)
        found = list(self.candidates(a, tkey))
        if a.origin == "bibtex" and a.citekey in self.by_key:
            aid = self.by_key[a.citekey]
            if self.info[aid]["tkey"] == tkey and not conflicting_ids(self.info[aid], a) \
                    and aid not in found:
                found.insert(0, aid)
        if not found:
            return None
        if len(found) > 1:
            found = self._best_first(found, a)
        for aid in found:
            inf = self.info[aid]
            if a.origin == "bibtex" and a.citekey and a.citekey not in inf["keys"] \
                    and inf["keys"]:
                continue
            if src is not None and inf["src"] == src and not same_record(inf, a):
                self.apart.append(aid)
                continue
            return aid
        return None

    def _best_first(self, found: list[int], a: "Article | Probe") -> list[int]:
        """Several candidates: those sharing an identifier first (as always), then the one
        that agrees most in type, volume, pages, ISBN and identifiers, and among equals the
        library article with the very content of ``a`` (a file imported again)."""
        info = self.info
        found = sorted(found, key=lambda x: (-_shares_id(info[x], a),
                                             -_agreement(info[x], a)))   # stable
        content = getattr(a, "content", None)
        if content is None or self.lib is None:
            return found
        top = (_shares_id(info[found[0]], a), _agreement(info[found[0]], a))
        tied = [x for x in found if x > 0
                and (_shares_id(info[x], a), _agreement(info[x], a)) == top]
        if len(tied) > 1 or (tied and tied[0] != found[0]):
            for x in tied:
                if self._content_of(x) == content:
                    found.remove(x)
                    return [x] + found
        return found

    def _content_of(self, aid: int) -> tuple | None:
        row = self.lib.execute(f"SELECT {', '.join(CONTENT)} FROM articles WHERE id = ?",
                               (aid,)).fetchone()
        return None if row is None else row[:-2] + (_stored_extra(row[-2]), row[-1])

    def candidates(self, a: "Article | Probe", tkey: str | None = None):
        """Library articles that are the same work as ``a``, best evidence first (``tkey``:
        its title_key, when known)."""
        seen = set()
        for k in IDS:
            v = getattr(a, k)
            if v and v in self.by_id[k]:
                for aid in [self.by_id[k][v]] + self.more_ids.get((k, v), []):
                    if aid not in seen and not conflicting_ids(self.info[aid], a):
                        seen.add(aid)
                        yield aid
        if tkey is None:
            tkey = title_key(a.title)
        if len(tkey) < SHORT_TITLE:
            content = getattr(a, "content", None)
            if content is not None and tkey in self.by_title:
                self._read_short_titles()
                aid = self.by_content.get(content)
                if aid is not None and aid not in seen and not conflicting_ids(self.info[aid], a):
                    yield aid
            return
        if tkey not in self.by_title:
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

    def _read_short_titles(self) -> None:
        """The content of the library articles with a short or no title (read once, when an
        import first has such a record)."""
        if not self.short:
            return
        ids, self.short = self.short, []
        cols = ", ".join(CONTENT)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for row in self.lib.execute(
                    f"SELECT id, {cols} FROM articles WHERE id IN "
                    f"({', '.join('?' * len(chunk))})", chunk):
                content = row[1:-2] + (_stored_extra(row[-2]), row[-1])
                self.by_content.setdefault(content, row[0])


def _fuller(new: list, old: list) -> bool:
    if len(new) > len(old):
        return True
    if len(new) != len(old):
        return False
    same = all(author_key(n.sort_name()) == author_key(o.sort_name()) for n, o in zip(new, old))
    return same and sum(bool(p.given) for p in new) > sum(bool(p.given) for p in old)


def _news_of(key: str, value, existing: Article):
    """What an imported record's format-kept ``extra`` adds to ``existing``, or None for
    nothing (each format says what of its store the article holds already: AMLRef's own
    exports write it that way, and re-importing one's own export changes nothing)."""
    if key in ("bibtex", "ris") and isinstance(value, dict):
        from amlref.formats import bibtex_entry, ris_record
        value = (bibtex_entry if key == "bibtex" else ris_record).stored_news(value, existing)
    return value if value else None


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
        elif same_form(old) != same_form(str(new)):      # (not a difference of spaces or case)
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
        # (RIS and EndNote files carry MeSH headings as keywords: one of the article's own is
        # not a new keyword)
        have = {same_form(x) for x in (old + existing.mesh if f == "keywords" else old)}
        if f == "keywords":   # (a keyword a publisher wrote as "a; b": its parts are not new)
            have |= {same_form(p) for x in old if ";" in x or "," in x
                     for p in re.split(r"[;,]", x) if p.strip()}
        add = [x for x in getattr(incoming, f) if same_form(x) not in have]
        if add and f not in edited:
            changes[f] = old + add
    if existing.type in ("article", "document", "") and incoming.type not in ("article", "document", ""):
        if "type" not in edited:
            changes["type"] = incoming.type
    for k, v in incoming.extra.items():
        if k == et_al.KEY:
            continue          # (follows the name lists taken, below)
        if extra.get(k) != v:
            v = _news_of(k, v, existing)    # (less what the article has in another form)
            if v is None or extra.get(k) == v:
                continue
        if k not in extra:
            extra[k] = v
        elif extra[k] != v and k != "alternatives":
            alts.setdefault(f"extra.{k}", [])
            if v not in alts[f"extra.{k}"]:
                alts[f"extra.{k}"].append(v)
    if incoming.citekey and incoming.citekey not in (existing.citekey,
                                                     extra.get("original_citekey")):
        keys = extra.setdefault("alias_keys", [])
        if incoming.citekey not in keys:
            keys.append(incoming.citekey)
    cut_short = et_al.follow(existing, incoming, {"author": "authors" in changes,
                                                  "editor": "editors" in changes})
    extra.pop(et_al.KEY, None)
    if cut_short:
        extra[et_al.KEY] = cut_short
    if alts:
        extra["alternatives"] = alts
    if incoming.origin and incoming.origin != existing.origin and (changes
                                                                 or extra != existing.extra):
        origins = extra.setdefault("merged_from", [])   # (where what was added came from)
        if incoming.origin not in origins:
            origins.append(incoming.origin)
    if extra != existing.extra:
        changes["extra"] = extra
    return changes, bool(changes)
