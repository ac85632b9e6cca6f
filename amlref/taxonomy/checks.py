"""Checks of a user's taxonomy file: every problem as one line naming the file, the line and the
problem (a syntax error, an unknown parent, a regex that does not compile, an empty term list,
a vocabulary list without category or name).  With any problem the built-in taxonomy is used."""
from __future__ import annotations

import re

from amlref.taxonomy.vocabulary import KINDS, check_list

# the lists of terms a user may give (plain keys and add_<key>)
TERM_LISTS = ("terms", "synonyms", "drugs", "mesh", "weak", "exclude", "title", "abstract",
              "aml", "not_aml", "focus", "focus_survey", "survey_abstract", "therapy_title",
              "negation", "not_negation")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


class Lines:
    """Where tables and keys are in the text of a TOML file (for the line of a problem)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.tables: list[tuple[str, int]] = []   # (header without quotes, 1-based line)
        for i, line in enumerate(self.lines, 1):
            m = _HEADER.match(line)
            if m:
                self.tables.append((m.group(2).replace('"', "").replace("'", "")
                                    .replace(" ", ""), i))

    def table(self, header: str, nth: int = 0) -> tuple[int, int]:
        """First and last line of a table (the nth of an array of tables); (0, 0) if absent."""
        found = [(h, i) for h, i in self.tables if h == header]
        if nth >= len(found):
            return 0, 0
        start = found[nth][1]
        later = [i for h, i in self.tables if i > start]
        return start, (later[0] - 1 if later else len(self.lines))

    def key(self, header: str, key: str, nth: int = 0, needle: str = "") -> int:
        """The line of ``key`` in a table (or of ``needle`` in its value), else the table's."""
        start, end = self.table(header, nth)
        if not start:
            return 0
        rx = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, end):
            if rx.match(self.lines[i]):
                if needle:
                    for j in range(i, end):
                        if needle in self.lines[j]:
                            return j + 1
                return i + 1
        return start


def _toml_needle(term: str) -> str:
    """How the start of a term is written in a TOML basic string (backslashes doubled)."""
    return term[:24].replace("\\", "\\\\")


def _bad_regex(term) -> str:
    if isinstance(term, str) and term.startswith("re:"):
        try:
            re.compile(term[3:])
        except re.error as exc:
            return f"bad pattern {term!r}: the regular expression does not compile ({exc})"
    return ""


def _check_lists(d: dict, where: str, header: str, lines: Lines, nth: int = 0) -> list[tuple]:
    out = []
    for key, value in d.items():
        base = key[4:] if key.startswith("add_") else key
        if base not in TERM_LISTS:
            continue
        if not isinstance(value, list):
            out.append((lines.key(header, key, nth), f"{where}.{key} must be a list of terms"))
            continue
        if not value:
            out.append((lines.key(header, key, nth), f"{where}.{key} is an empty term list"))
            continue
        for t in value:
            if not isinstance(t, str) or not t.strip():
                out.append((lines.key(header, key, nth),
                            f"{where}.{key} has an empty or non-text term {t!r}"))
                continue
            bad = _bad_regex(t)
            if bad:
                out.append((lines.key(header, key, nth, _toml_needle(t)), f"{where}.{key}: {bad}"))
    return out


def check_user(user: dict, text: str, merged_nodes: set[str], categories: set[str]) -> list[tuple]:
    """[(line, problem)] of a parsed user file (``merged_nodes``: every slug after merging)."""
    lines = Lines(text)
    out = []
    for section in ("settings", "weights", "context"):
        d = user.get(section)
        if isinstance(d, dict):
            out += _check_lists(d, section, section, lines)
    for kind in ("category", "facet"):
        table = user.get(kind) or {}
        if not isinstance(table, dict):
            out.append((lines.table(kind)[0], f"[{kind}] must hold tables [{kind}.SLUG]"))
            continue
        for slug, d in table.items():
            header = f"{kind}.{slug}"
            if not isinstance(d, dict):
                out.append((lines.key(kind, slug) or lines.table(kind)[0],
                            f"{kind}.{slug} must be a table"))
                continue
            if d.get("disabled"):
                continue
            parent = d.get("parent")
            if parent is not None and (not isinstance(parent, str) or parent not in merged_nodes):
                out.append((lines.key(header, "parent"),
                            f"{kind} {slug!r} has an unknown parent slug {parent!r}"))
            out += _check_lists(d, header, header, lines)
    vocab = user.get("vocabulary") or []
    if not isinstance(vocab, list):
        out.append((lines.table("vocabulary")[0], "vocabulary must be an array of tables "
                    "[[vocabulary]]"))
        vocab = []
    for i, lst in enumerate(vocab):
        start = lines.table("vocabulary", i)[0]
        if isinstance(lst, dict) and "kind" not in lst:
            lst = {**lst, "kind": "terms"}
        problem = check_list(lst)
        if problem:
            out.append((start, f"vocabulary list {i + 1} {problem}"))
            continue
        if lst.get("disabled"):
            continue
        if lst["category"] not in categories:
            out.append((lines.key("vocabulary", "category", i),
                        f"vocabulary list {lst['name']!r}: unknown category {lst['category']!r}"))
        if lst.get("kind") not in KINDS:
            continue
        for key in ("terms", "add_terms"):
            if key not in lst:
                continue
            value = lst[key]
            if not isinstance(value, list) or not value:
                out.append((lines.key("vocabulary", key, i),
                            f"vocabulary list {lst['name']!r}: {key} is an empty term list"))
                continue
            for t in value:
                bad = _bad_regex(t)
                if bad:
                    out.append((lines.key("vocabulary", key, i, _toml_needle(t)),
                                f"vocabulary list {lst['name']!r}: {bad}"))
    return out
