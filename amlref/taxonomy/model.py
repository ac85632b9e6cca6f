"""The taxonomy as data: categories and facets read from ``resources/taxonomy.toml`` and the
domain vocabulary of ``resources/vocabulary/`` (see ``vocabulary``), extended or overridden by the
user's copy in the config folder.

A user table ``[category.SLUG]`` / ``[facet.SLUG]`` replaces the keys it names; ``add_<key>``
extends a list (``add_drugs = ["..."]``); ``disabled = true`` removes the entry (and its children);
``[[vocabulary]]`` tables add or extend vocabulary lists.  A user file with problems (see
``checks``) is not used: the built-in taxonomy is, and ``Taxonomy.problems`` says why.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from amlref.core.errors import InputError
from amlref.taxonomy import checks, vocabulary

TOP_LEVEL = ("checkpoint-inhibitors", "adoptive-cell-therapy", "t-cell-engagers",
             "antibody-therapy", "vaccines", "innate-agonists", "allo-hsct-gvl")


@functools.lru_cache(maxsize=1)
def builtin_path() -> Path:
    """The taxonomy shipped with AMLRef."""
    from amlref.core.resources import resource_path
    return resource_path("taxonomy.toml")


def user_path() -> Path:
    """The user's copy (may not exist): ``$AMLREF_TAXONOMY`` or the config folder."""
    env = os.environ.get("AMLREF_TAXONOMY")
    if env:
        return Path(env)
    import platformdirs
    return Path(platformdirs.user_config_dir("amlref")) / "taxonomy.toml"


@dataclass
class Node:
    slug: str
    kind: str                      # "category" or "facet"
    label: str
    parent: str | None = None
    data: dict = field(default_factory=dict)
    children: list[str] = field(default_factory=list)

    @property
    def group(self) -> str:
        """Facet group ("target", "study", "setting", "disease"); "" for categories."""
        return self.slug.split(":", 1)[0] if self.kind == "facet" and ":" in self.slug else ""


class Taxonomy:
    def __init__(self, data: dict, sources: list[str] | None = None,
                 problems: list[str] | None = None):
        self.data = data
        self.sources = sources or []
        # one line per problem of the user's file ("FILE:LINE: problem (...built-in...)")
        self.problems: list[str] = list(problems or [])
        self.settings = dict(data.get("settings", {}))
        self.weights = dict(data.get("weights", {}))
        self.context = dict(data.get("context", {}))
        self.nodes: dict[str, Node] = {}
        for kind, table in (("category", data.get("category", {})), ("facet", data.get("facet", {}))):
            for slug, d in table.items():
                if not isinstance(d, dict):
                    raise InputError(f"taxonomy: [{kind}.{slug}] must be a table")
                self.nodes[slug] = Node(slug, kind, str(d.get("label") or slug), d.get("parent"), d)
        for n in self.nodes.values():
            if n.parent:
                if n.parent not in self.nodes:
                    raise InputError(f"taxonomy: {n.slug} has an unknown parent {n.parent!r}")
                self.nodes[n.parent].children.append(n.slug)
        for n in self.nodes.values():
            for key, terms in n.data.items():
                if isinstance(terms, list):
                    for t in terms:
                        if isinstance(t, str) and t.startswith("re:"):
                            try:
                                re.compile(t[3:])
                            except re.error as exc:
                                raise InputError(f"taxonomy: {n.slug}.{key}: bad pattern {t!r}: "
                                                 f"{exc}") from None
        self.vocabulary: list[dict] = [v for v in data.get("vocabulary") or []
                                       if v.get("category") in self.nodes]
        for v in self.vocabulary:
            for t in v.get("terms") or []:
                if isinstance(t, str) and t.startswith("re:"):
                    try:
                        re.compile(t[3:])
                    except re.error as exc:
                        raise InputError(f"vocabulary {v['name']!r}: bad pattern {t!r}: "
                                         f"{exc}") from None
        self.hash = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False)
                                   .encode()).hexdigest()[:16]

    @property
    def warnings(self) -> list[str]:
        """The problems (the name of earlier versions)."""
        return self.problems

    # -- structure ------------------------------------------------------------------------------
    def categories(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == "category"]

    def facets(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == "facet"]

    def roots(self, kind: str = "category") -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == kind and not n.parent]

    def get(self, slug: str) -> Node | None:
        return self.nodes.get(slug)

    def descendants(self, slug: str) -> list[str]:
        """The slug and every slug below it (depth first)."""
        out, stack = [], [slug]
        while stack:
            s = stack.pop(0)
            if s in out:
                continue
            out.append(s)
            node = self.nodes.get(s)
            if node:
                stack[0:0] = node.children
        return out

    def ancestors(self, slug: str) -> list[str]:
        out = []
        node = self.nodes.get(slug)
        while node and node.parent and node.parent not in out:
            out.append(node.parent)
            node = self.nodes.get(node.parent)
        return out

    def kind_of(self, slug: str) -> str:
        node = self.nodes.get(slug)
        if node:
            return node.kind
        return "facet" if ":" in slug else "category"


# -- loading ------------------------------------------------------------------------------------
def _read(path: Path) -> dict:
    return _parse(_read_text(path), path)


def _read_text(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"taxonomy is not UTF-8 text ({exc.reason})", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read taxonomy: {exc.strerror or exc}", str(path)) from None


def _parse(text: str, path: Path) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = None
        msg = str(exc)
        if "line " in msg:
            try:
                line = int(msg.split("line ")[1].split(",")[0].split(")")[0])
            except ValueError:
                line = None
        if line is not None:
            msg = msg.split(" (at line")[0]
        raise InputError(f"not valid TOML: {msg}", str(path), line) from None


def merge(base: dict, user: dict) -> dict:
    """The user's taxonomy over the built-in one (see module doc)."""
    out = copy.deepcopy(base)
    for section in ("settings", "weights", "context"):
        for k, v in (user.get(section) or {}).items():
            if k.startswith("add_") and isinstance(v, list):
                key = k[4:]
                out.setdefault(section, {}).setdefault(key, [])
                out[section][key] = list(out[section][key]) + list(v)
            else:
                out.setdefault(section, {})[k] = v
    if user.get("vocabulary"):
        out["vocabulary"] = vocabulary.merge(out.get("vocabulary") or [], user["vocabulary"])
    for kind in ("category", "facet"):
        table = out.setdefault(kind, {})
        for slug, d in (user.get(kind) or {}).items():
            if not isinstance(d, dict):
                continue
            if d.get("disabled"):
                _remove(table, slug)
                continue
            cur = table.setdefault(slug, {})
            for k, v in d.items():
                if k.startswith("add_") and isinstance(v, list):
                    cur[k[4:]] = list(cur.get(k[4:], [])) + list(v)
                else:
                    cur[k] = v
    return out


def _remove(table: dict, slug: str) -> None:
    table.pop(slug, None)
    for child in [s for s, d in table.items() if isinstance(d, dict) and d.get("parent") == slug]:
        _remove(table, child)


_cache: dict = {}
_by_stamp: dict = {}

# the environment variables that decide where the files are: read straight from os.environ's
# dict of raw values when there is one (os.environ.get costs ~2 us for a missing name, and
# load runs once per classified article)
_ENV_NAMES = ("AMLREF_TAXONOMY", "XDG_CONFIG_HOME", "HOME")
_ENV_DATA = getattr(os.environ, "_data", None)
try:
    _ENV_KEYS = tuple(os.environ.encodekey(k) for k in _ENV_NAMES)
except AttributeError:
    _ENV_DATA = None


def _env_where() -> tuple:
    """The values of _ENV_NAMES (raw or decoded: a cache key only)."""
    if _ENV_DATA is not None and getattr(os.environ, "_data", None) is _ENV_DATA:
        return tuple(map(_ENV_DATA.get, _ENV_KEYS))
    return tuple(os.environ.get(k) for k in _ENV_NAMES)


def load(builtin: Path | None = None, user: Path | None | bool = None) -> Taxonomy:
    """The merged taxonomy (cached while the files are unchanged; the files are looked at no more
    than once a second).  ``user=False``: the built-in one only.  A broken user copy is reported in
    ``warnings`` and ignored; a broken built-in file raises InputError."""
    now = time.monotonic()
    where = (str(builtin), str(user)) + _env_where()
    hit = _cache.get(where)
    if hit and now - hit[2] < 1.0:
        return hit[1]
    b = Path(builtin) if builtin else builtin_path()
    u = None if user is False else (Path(user) if user else user_path())
    vocab_dir = b.parent / "vocabulary"
    stamp = []
    for p in [b, u] + vocabulary.files(vocab_dir):
        try:
            st = p.stat() if p else None
            stamp.append((str(p), st.st_mtime_ns, st.st_size) if st else None)
        except OSError:
            stamp.append(None)
    key = tuple(stamp)
    if hit and hit[0] == key:
        _cache[where] = (key, hit[1], now)
        return hit[1]
    same = _by_stamp.get(key)   # the same files seen from another place (tests, env changes)
    if same is not None:
        _cache[where] = (key, same, now)
        return same
    data = _read(b)
    data["vocabulary"] = vocabulary.read_builtin(vocab_dir)
    tax = _with_user(data, [str(b)], u)
    if len(_cache) > 64:
        _cache.clear()
    if len(_by_stamp) > 16:
        _by_stamp.clear()
    _cache[where] = (key, tax, now)
    _by_stamp[key] = tax
    return tax


def _with_user(data: dict, sources: list[str], u: Path | None) -> Taxonomy:
    """The built-in taxonomy with the user's file over it; with any problem in that file the
    built-in one alone, its problems in ``problems`` (one line each: file, line, problem)."""
    if u is None or not u.exists():
        return Taxonomy(data, sources)
    note = "; the built-in taxonomy is used"
    try:
        text = _read_text(u)
        user = _parse(text, u)
        merged = merge(data, user)
    except InputError as exc:
        return Taxonomy(data, sources, [f"{exc}{note}"])
    nodes = set((merged.get("category") or {})) | set((merged.get("facet") or {}))
    cats = set(merged.get("category") or {})
    found = checks.check_user(user, text, nodes, cats)
    if found:
        return Taxonomy(data, sources, [f"{u}:{line}: {problem}{note}" if line else
                                        f"{u}: {problem}{note}" for line, problem in found])
    try:
        return Taxonomy(merged, sources + [str(u)])
    except (InputError, TypeError, AttributeError, ValueError) as exc:
        return Taxonomy(data, sources, [f"{u}: {exc}{note}"])


def clear_cache() -> None:
    _cache.clear()
    _by_stamp.clear()
