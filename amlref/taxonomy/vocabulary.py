"""The domain vocabulary (``resources/vocabulary/*.toml``): term lists per category, each with
its name and source (a MeSH descriptor with its entry terms, a WHO INN stem, the field's usage),
read with the taxonomy and extended by ``[[vocabulary]]`` tables of a user's taxonomy file.

A list: ``{"category", "name", "kind", "source", "terms"}``; ``kind`` is one of KINDS and says
how its terms count (as the taxonomy's lists of that name; ``title``: strong in the title of an
article with AML words, not counted elsewhere).  The reasons of a category name the
list: ``<slug>/<name>`` (``allo-hsct-gvl/mesh:Lymphocyte Transfusion``).
"""
from __future__ import annotations

import copy
import functools
import tomllib
from pathlib import Path

from amlref.core.errors import InputError

KINDS = ("terms", "synonyms", "drugs", "mesh", "weak", "title")
STRONG_KINDS = ("terms", "synonyms", "drugs", "mesh")


@functools.lru_cache(maxsize=1)
def builtin_dir() -> Path:
    from amlref.core.resources import resource_path
    return resource_path("vocabulary")


def files(folder: Path | None = None) -> list[Path]:
    folder = folder or builtin_dir()
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def read_builtin(folder: Path | None = None) -> list[dict]:
    """Every list of the shipped vocabulary, in file order (a broken file raises InputError)."""
    out = []
    for p in files(folder):
        try:
            with open(p, "rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"vocabulary is not valid TOML: {exc}", str(p)) from None
        for i, lst in enumerate(data.get("list") or []):
            problem = check_list(lst)
            if problem:
                raise InputError(f"vocabulary list {i + 1}: {problem}", str(p))
            out.append(_clean(lst, p.name))
    return out


def _clean(lst: dict, origin: str) -> dict:
    return {"category": lst["category"], "name": lst["name"], "kind": lst.get("kind", "terms"),
            "source": lst.get("source", ""), "terms": list(lst.get("terms") or []),
            "file": origin}


def check_list(lst) -> str:
    """What is wrong with one list ("" when nothing)."""
    if not isinstance(lst, dict):
        return "must be a table"
    if not isinstance(lst.get("category"), str) or not lst.get("category"):
        return "has no category"
    if not isinstance(lst.get("name"), str) or not lst.get("name"):
        return "has no name"
    if lst.get("kind", "terms") not in KINDS:
        return f"unknown kind {lst.get('kind')!r} (one of {', '.join(KINDS)})"
    return ""


def merge(base: list[dict], user: list[dict]) -> list[dict]:
    """The user's ``[[vocabulary]]`` tables over the built-in lists: a table naming an existing
    list (category and name) replaces the keys it gives, ``add_terms`` extends its terms,
    ``disabled = true`` removes it; any other table is a new list."""
    out = copy.deepcopy(base)
    for u in user:
        if not isinstance(u, dict):
            continue
        cur = next((x for x in out if x["category"] == u.get("category")
                    and x["name"] == u.get("name")), None)
        if u.get("disabled"):
            if cur is not None:
                out.remove(cur)
            continue
        if cur is None:
            cur = {"category": u.get("category"), "name": u.get("name"), "kind": "terms",
                   "source": "user", "terms": [], "file": "user"}
            out.append(cur)
        for k, v in u.items():
            if k == "add_terms" and isinstance(v, list):
                cur["terms"] = list(cur.get("terms", [])) + list(v)
            elif k in ("kind", "source", "terms"):
                cur[k] = v
    return out
