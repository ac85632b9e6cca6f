"""Term lists to regular expressions (see the term syntax at the top of
resources/taxonomy.toml), and what a regex term begins with."""
from __future__ import annotations

import re
from typing import Iterable

from amlref.taxonomy.texts import normalize

_SEP = r"[\s\-]?"
_LEFT = r"(?<![A-Za-z0-9])"
_RIGHT = r"(?![A-Za-z0-9])"


def term_pattern(term: str) -> str | None:
    """One term as a regex fragment (no flags); case-sensitive terms wrapped in (?-i:...)."""
    term = term.strip()
    if not term:
        return None
    if term.startswith("re:"):
        body = re.sub(r"\(\?P<\w+>", "(?:", term[3:])   # names would clash when combined
        re.compile(body)  # fail early on a broken user pattern
        return f"(?:{body})"
    cs = term.startswith("=")
    if cs:
        term = term[1:]
    term = normalize(term)
    wildcard = term.endswith("*")
    if wildcard:
        term = term[:-1]
    parts = re.split(r"[\s\-]+", term)
    if cs:   # a title writes the words of "=CAR-transduced" in capitals: "CAR-Transduced"
        body = _SEP.join(_title_case(p) for p in parts if p)
    else:
        body = _SEP.join(re.escape(p) for p in parts if p)
    if not body:
        return None
    left = _LEFT if term[:1].isalnum() else ""
    if wildcard:
        right = r"[\w\-]*"
    elif term[-1:].isalpha() and term[-1:].islower():
        right = r"(?:s|es)?" + _RIGHT       # plural
    elif term[-1:].isalnum():
        right = r"s?" + _RIGHT
    else:
        right = ""
    pat = left + body + right
    return f"(?-i:{pat})" if cs else f"(?:{pat})"


def _title_case(word: str) -> str:
    """A case-sensitive term's word as a regex: as written, or with its first letter a capital
    when it is a small letter (titles are written in title case; the acronym's capitals stay
    capitals, and "=CARs" does not become "CARS")."""
    if word[:1].isalpha() and word[:1].islower():
        return f"[{word[0]}{word[0].upper()}]" + re.escape(word[1:])
    return re.escape(word)


def _ordered(terms: Iterable[str]) -> list[str]:
    """Longest first (so the reported words are the fullest)."""
    return sorted({t for t in terms if isinstance(t, str)}, key=len, reverse=True)


def compile_terms(terms: Iterable[str]) -> re.Pattern | None:
    """All terms as one alternation (longest first so the reported words are the fullest)."""
    pats = [p for p in map(term_pattern, _ordered(terms)) if p]
    if not pats:
        return None
    return re.compile("|".join(pats), re.IGNORECASE)


def compile_terms_lower(terms: Iterable[str]) -> re.Pattern | None:
    """``compile_terms`` for lower-case ASCII texts only: the same matches, found about ten times
    faster (the left boundary tested once per position, literals sre can skip).  None when a
    term is a ``re:`` pattern or has no left boundary."""
    terms = list(terms)
    pats = []
    for t in _ordered(terms):
        p = term_pattern(t)
        if not p:
            continue
        if t.strip().startswith("re:"):
            return None
        for head in ("(?:", "(?-i:"):
            if p.startswith(head + _LEFT):
                p = head + p[len(head + _LEFT):]
                break
        else:
            return None
        # case-insensitive terms in lower case ([A-Za-z0-9] stays right; re.escape leaves letters
        # alone, so no escape changes its meaning); case-sensitive ones as they are
        pats.append(p if p.startswith("(?-i:") else p.lower())
    if not pats:
        return None
    return re.compile(_LEFT + "(?:" + "|".join(pats) + ")")


_COMPILED: dict[tuple, re.Pattern] = {}


def _compile(pattern: str, flags: int = 0) -> re.Pattern:
    """re.compile with a cache of its own (re's own cache holds only 512 patterns; the title
    and body indexes share most of theirs, and a changed taxonomy recompiles only what changed)."""
    key = (pattern, flags)
    rx = _COMPILED.get(key)
    if rx is None:
        if len(_COMPILED) > 20_000:
            _COMPILED.clear()
        rx = _COMPILED[key] = re.compile(pattern, flags)
    return rx


def _regex_literal(body: str) -> list[str]:
    """The words of the literal start of a regex that begins at a word start (lower case, split
    at spaces and hyphens: ``\\bcellular therap\\w*`` -> ["cellular", "therap"]); [] if none."""
    for lead in ("\\b", "(?<![A-Za-z0-9])"):
        if body.startswith(lead):
            body = body[len(lead):]
            break
    else:
        return []
    lit = ""
    for i, ch in enumerate(body):
        if body[i + 1:i + 2] in ("?", "*", "{") or not (ch.isascii() and (ch.isalnum()
                                                                          or ch in " -")):
            break
        lit += ch.lower()
    return [p for p in re.split(r"[\s\-]+", lit) if p]


def _regex_key(body: str) -> str:
    """The literal start of a regex that begins at a word start (``\\bCAR(?=...)`` -> "car"),
    or "" when it has none."""
    for lead in ("\\b", "(?<![A-Za-z0-9])"):
        if body.startswith(lead):
            body = body[len(lead):]
            break
    else:
        return ""
    key = ""
    for i, ch in enumerate(body):
        nxt = body[i + 1:i + 2]
        if not ch.isalnum() or nxt in ("?", "*", "{"):
            break
        key += ch.lower()
        if len(key) == 3:
            break
    return key


def _needles(pattern: str) -> frozenset | None:
    """Lower-case ASCII strings of which every match of this (case-insensitive) regex contains
    one, or None when there are none to be sure of (a cheap test before a search over the
    whole text)."""
    try:
        from re import _constants as sre_c, _parser as sre_p
        tree = sre_p.parse(pattern, re.IGNORECASE)
    except Exception:   # another Python's internals: no shortcut
        return None

    def best(a, b):
        if b is None or min(map(len, b)) < 3:
            return a
        return b if a is None or min(map(len, b)) > min(map(len, a)) else a

    def seq(items) -> frozenset | None:
        found, run = None, []
        for op, av in list(items) + [(None, None)]:
            if op is sre_c.LITERAL and chr(av).isascii():
                run.append(chr(av).lower())
                continue
            if run:
                found = best(found, frozenset(["".join(run)]))
                run = []
            if op is sre_c.SUBPATTERN and not av[1] and not av[2]:
                found = best(found, seq(av[3]))
            elif op is sre_c.BRANCH:
                alts = [seq(p) for p in av[1]]
                if all(alts):
                    found = best(found, frozenset().union(*alts))
        return found

    return seq(tree)
