"""Term lists to compiled regular expressions, and text normalisation (see the term syntax at
the top of resources/taxonomy.toml)."""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "λ": "lambda",
          "ε": "epsilon", "ζ": "zeta", "Α": "alpha", "Β": "beta", "Γ": "gamma", "Δ": "delta"}
_MAP = {**_GREEK, "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u00ad": "", "\u2019": "'", "\u2018": "'", "\u00a0": " ",
        "\u2009": " ", "\u202f": " "}
_SPECIAL = re.compile("[" + "".join(_MAP) + "]")


def _swap(m: re.Match) -> str:
    return _MAP[m.group(0)]


def normalize(text: str) -> str:
    """Same normalisation for terms and texts: Greek letters as names, dashes as '-', odd
    spaces as ' ' (a regex finds the few such characters; str.translate would visit all)."""
    if not text:
        return ""
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        text = _SPECIAL.sub(_swap, text)
    return text


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


def compile_terms(terms: Iterable[str]) -> re.Pattern | None:
    """All terms as one alternation (longest first so the reported words are the fullest)."""
    pats = []
    for t in sorted({t for t in terms if isinstance(t, str)}, key=len, reverse=True):
        p = term_pattern(t)
        if p:
            pats.append(p)
    if not pats:
        return None
    return re.compile("|".join(pats), re.IGNORECASE)


_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'0-9])|\n+")


def sentence_starts(text: str) -> list[int]:
    """Start offsets of the sentences of a text."""
    starts = [0]
    starts.extend(m.end() for m in _SENT.finditer(text))
    return starts


_WORD_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]")
PREFIX_LEN = 10  # how much of each term the prefilter trie holds
_KEY_DROP = str.maketrans("", "", " -/")


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


def _trie(words: list[str]) -> str:
    """A regex matching any of these words, factored by common prefixes; " ", "-" or "/" may
    stand between two characters (as in the texts: "T-cell" has the key "tce")."""
    root: dict = {}
    for w in words:
        d = root
        for ch in w:
            d = d.setdefault(ch, {})
        d[""] = {}

    def rx(d: dict) -> str:
        alts = []
        for ch, sub in sorted(d.items()):
            if ch == "":
                continue
            tail = rx(sub)
            alts.append(re.escape(ch) + (r"[ /\-]?" + tail if tail else ""))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in d else body

    return rx(root)


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


class TermIndex:
    """Many term lists matched in one pass over a text.

    A regex alternation of a thousand terms tries every term at every position; here the terms
    are indexed by the first (up to three) characters of their first word, so at each word start
    only the few terms that can begin there are tried.  ``re:`` patterns are searched as they are.
    """

    def __init__(self):
        self._terms: dict[tuple, list[str]] = {}     # (key, owner, group, cs) -> patterns
        self._fallback: dict[tuple, list[str]] = {}  # (owner, group) -> patterns
        self._prefixes: set[str] = set()   # how each indexed term begins (for the prefilter)
        self.by_key: dict[str, list] = {}
        self.fallback: list = []

    def add(self, owner: str, group: str, terms) -> None:
        for t in terms or []:
            if not isinstance(t, str) or not t.strip():
                continue
            t = t.strip()
            pat = term_pattern(t)
            if pat is None:
                continue
            if t.startswith("re:"):
                key = _regex_key(t[3:])
                if len(key) >= 2:
                    self._terms.setdefault((key, owner, group), []).append(pat)
                    self._prefixes.add(key)
                else:
                    self._fallback.setdefault((owner, group), []).append(pat)
                continue
            flat = normalize(t.lstrip("=")).lower().translate(_KEY_DROP).rstrip("*")
            key = flat[:3]
            if len(key) < 2 or not key[0].isalnum() or "*" in key:
                self._fallback.setdefault((owner, group), []).append(pat)
                continue
            # a left boundary is checked by the scanner (matches start at word starts only)
            if pat.startswith("(?-i:" + _LEFT):
                pat = "(?-i:" + pat[len("(?-i:" + _LEFT):]
            elif pat.startswith("(?:" + _LEFT):
                pat = "(?:" + pat[len("(?:" + _LEFT):]
            self._terms.setdefault((key, owner, group), []).append(pat)
            self._prefixes.add(flat[:PREFIX_LEN])

    def build(self) -> "TermIndex":
        """One regex per (key, owner): the owner's groups as named alternatives (exclusions
        first, so an excluded phrase wins over a term at the same place)."""
        merged: dict[tuple, list] = {}
        for (key, owner, group), pats in self._terms.items():
            merged.setdefault((key, owner), []).append((group, pats))
        by_key: dict[str, list] = {}
        for (key, owner), groups in merged.items():
            groups.sort(key=lambda g: (g[0] != "exclude", g[0] == "weak"))
            alts = []
            for group, pats in groups:
                pats = sorted(set(pats), key=len, reverse=True)
                alts.append(f"(?P<{group}>{'|'.join(pats)})")
            by_key.setdefault(key, []).append((owner, "|".join(alts)))
        self.by_key = by_key
        self._lookup: dict[str, list] = {}
        self._by_head: dict[str, list] = {}
        # where a term can start: one regex over the lower-cased text finds the word starts
        # that begin like some term (a trie of the terms' first characters, separators allowed
        # between them), so Python looks only at those few places
        self._starts = _compile(r"(?<![a-z0-9])(?=(" + _trie(sorted(self._prefixes)) + "))") \
            if by_key else None
        self.fallback = [(owner, group, re.compile("|".join(pats), re.IGNORECASE).finditer)
                         for (owner, group), pats in self._fallback.items()]
        return self

    def _entries(self, k3: str) -> list:
        """Terms that may start with these 3 characters (keys of 3, or 2, characters); their
        regexes are compiled here, on first use (a short run pays only for what it meets)."""
        raw = self.by_key.get(k3, []) + self.by_key.get(k3[:2], []) if len(k3) == 3 \
            else list(self.by_key.get(k3, []))
        entries = [(owner, _compile(pat, re.IGNORECASE).match) for owner, pat in raw]
        if len(self._lookup) < 200_000:
            self._lookup[k3] = entries
        return entries

    def scan(self, text: str) -> list[tuple[str, str, int, int]]:
        """Every match as (owner, group, start, end), in text order."""
        if not text:
            return []
        low = text.lower()
        out: list = []
        append = out.append
        if self._starts is not None and len(low) == len(text):
            lookup = self._by_head
            for m in self._starts.finditer(low):
                pos = m.start()
                head = m.group(1)
                entries = lookup.get(head)
                if entries is None:
                    entries = lookup[head] = self._entries(head.translate(_KEY_DROP)[:3]) \
                        if len(lookup) < 200_000 else self._entries(head.translate(_KEY_DROP)[:3])
                for owner, match in entries:
                    mm = match(text, pos)
                    if mm is not None:
                        end = mm.end()
                        if end > pos:
                            append((owner, mm.lastgroup, pos, end))
        else:   # lower() changed the length (rare letters): try every word start
            for m in _WORD_START.finditer(text):
                pos = m.start()
                for owner, match in self._entries(low[pos:pos + 8].translate(_KEY_DROP)[:3]):
                    mm = match(text, pos)
                    if mm is not None and mm.end() > pos:
                        append((owner, mm.lastgroup, pos, mm.end()))
        if self.fallback:
            for owner, group, finditer in self.fallback:
                for mm in finditer(text):
                    if mm.end() > mm.start():
                        append((owner, group, mm.start(), mm.end()))
            out.sort(key=lambda x: (x[2], -(x[3] - x[2])))
        return out
