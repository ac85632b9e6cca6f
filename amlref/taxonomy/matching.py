"""Many term lists matched in one pass over a text (TermIndex): where terms can start is found
by an Aho-Corasick automaton (finder.py), what starts there by the regexes of the terms
(patterns.py) over the normalised text (texts.py).  The names of those modules that other
modules and the tests use are importable from here too."""
from __future__ import annotations

import re

from amlref.taxonomy.finder import (_KEY_DROP, _OPT_SEP, PREFIX_LEN, _finder_rx,
                                    _finder_variants, _finder_word, _flat_head, _head_parts,
                                    _trie, possessive_ok)
from amlref.taxonomy.patterns import (_LEFT, _compile, _needles, _regex_key, _regex_literal,
                                      compile_terms, compile_terms_lower, term_pattern)
from amlref.taxonomy.texts import _CASE_ODD, fold, normalize, sentence_starts

__all__ = ["TermIndex", "contains_any", "normalize", "sentence_starts", "fold", "term_pattern", "compile_terms",
           "compile_terms_lower", "PREFIX_LEN"]

try:    # an Aho-Corasick DFA (Rust) finds where terms can start (else a regex does); the
    # module keeps the name ``ahocorasick`` (the tests set it to None for the fallback)
    import ahocorasick_rs as ahocorasick
except ImportError:   # pragma: no cover - the fallback is tested by monkeypatching
    ahocorasick = None

_WORD_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_VOCAB_GROUP = re.compile(r"(?:weak_)?v\d+$")   # the groups of vocabulary lists (see Rules)


def _automaton(words, suffixes=()) -> "tuple | None":
    """An Aho-Corasick automaton (ahocorasick_rs, a DFA over bytes) of the finder words'
    spellings, then the suffix terms: it finds the same places as the finder regex, in one call.
    A spelling that begins with another is left out (the shorter one already marks the place),
    so each place is reported once.  (the automaton, the number of spellings: patterns from
    there on are the suffixes)"""
    if ahocorasick is None:
        return None
    spelled = sorted({v for w in words for v in _finder_variants(w)})
    if len(spelled) > 200_000:   # (an absurd taxonomy: the regex then)
        return None
    kept, last = [], None
    for w in spelled:
        if last is not None and w.startswith(last):
            continue
        kept.append(w.encode("ascii"))
        last = w
    patterns = kept + [x.encode("ascii") for x in suffixes]   # (no space in front: see scan)
    try:
        auto = ahocorasick.BytesAhoCorasick(patterns,
                                            implementation=ahocorasick.Implementation.DFA)
    except Exception:   # (a DFA too large: the library's choice of automaton)
        auto = ahocorasick.BytesAhoCorasick(patterns)
    return auto, len(kept)


class TermIndex:
    """Many term lists matched in one pass over a text.

    A regex alternation of a thousand terms tries every term at every position; here the terms
    are indexed by the first (up to three) characters of their first word, so at each word start
    only the few terms that can begin there are tried.  ``re:`` patterns are searched as they are.

    Where a term can start is found in a folded copy of the text (bytes: letters and digits, the
    rest spaces) by an Aho-Corasick automaton of how the terms begin (ahocorasick_rs; without it
    a regex anchored on a space over a trie of the same words finds the same places); each
    place is then checked as ``scan_reference`` checks it (the prefixes of the terms,
    separators allowed between their characters), so both give the same matches;
    ``scan_reference`` is kept for the texts the finder cannot read (an "İ", a dotless i, a
    long s) and as the specification.
    """

    def __init__(self):
        self._terms: dict[tuple, list[str]] = {}     # (key, owner, group, cs) -> patterns
        self._fallback: dict[tuple, list[str]] = {}  # (owner, group) -> patterns
        self._prefixes: set[str] = set()   # how each indexed term begins (for the prefilter)
        self._words: set[str] = set()      # the same in folded form (for the finder)
        self._flat: dict[str, set] = {}    # pattern of a plain term -> its letters (see _fits)
        self._odd_terms = False            # a term with a character the finder cannot fold
        self.by_key: dict[str, list] = {}
        self.fallback: list = []
        # suffix terms ("*tuzumab": a word that ends so, two letters or more before it):
        # suffix (lower case) -> [(owner, group)]
        self._suffix: dict[str, list] = {}
        self._suffix_ref: list = []

    def add(self, owner: str, group: str, terms) -> None:
        for t in terms or []:
            if not isinstance(t, str) or not t.strip():
                continue
            t = t.strip()
            if t.startswith("*") and not t.startswith("*re:"):
                suffix = normalize(t[1:]).lower()
                if len(suffix) >= 3 and suffix.isascii() and suffix.isalnum():
                    pairs = self._suffix.setdefault(suffix, [])
                    if (owner, group) not in pairs:
                        pairs.append((owner, group))
                continue
            pat = term_pattern(t)
            if pat is None:
                continue
            if any(ch in t for ch in _CASE_ODD):
                self._odd_terms = True
            if t.startswith("re:"):
                key = _regex_key(t[3:])
                if len(key) >= 2:
                    self._terms.setdefault((key, owner, group), []).append(pat)
                    # as much of its literal start as there is: fewer places to try it
                    parts = _regex_literal(t[3:])
                    flat = "".join(parts)
                    if not flat.startswith(key):
                        parts, flat = [key], key
                    self._prefixes.add(flat[:PREFIX_LEN])
                    self._words.add(_finder_word(_head_parts(parts)))
                    if len(flat) > len(key):   # (tried only where the text agrees with it)
                        self._flat.setdefault(pat, set()).add(flat)
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
            # the words of the term as term_pattern splits them
            body = normalize(t[1:] if t.startswith("=") else t)
            parts = [p for p in re.split(r"[\s\-]+", body[:-1] if body.endswith("*") else body)
                     if p]
            self._words.add(_finder_word(_head_parts(parts)))
            self._flat.setdefault(pat, set()).add("".join(parts).lower().replace("/", ""))

    def build(self) -> "TermIndex":
        """One regex per (key, owner): the owner's groups as named alternatives (exclusions
        first, so an excluded phrase wins over a term at the same place)."""
        merged: dict[tuple, list] = {}
        for (key, owner, group), pats in self._terms.items():
            merged.setdefault((key, owner), []).append((group, pats))
        by_key: dict[str, list] = {}
        self._groups: dict[str, list] = {}
        for (key, owner), groups in merged.items():
            # exclusions first, weak groups last; the vocabulary's groups ("v<n>", "weak_v<n>")
            # before the taxonomy's own lists (a term in both is reported under its list's name)
            groups.sort(key=lambda g: (g[0] != "exclude", g[0].startswith("weak"),
                                       not _VOCAB_GROUP.match(g[0])))
            groups = [(group, sorted(set(pats), key=len, reverse=True)) for group, pats in groups]
            alts = [f"(?P<{group}>{'|'.join(pats)})" for group, pats in groups]
            by_key.setdefault(key, []).append((owner, "|".join(alts)))
            self._groups.setdefault(key, []).append((owner, groups))
        self.by_key = by_key
        self._lookup: dict[str, list] = {}
        self._by_head: dict[str, list] = {}       # head -> the terms that fit it (scan)
        self._by_head_ref: dict[str, list] = {}   # head -> all terms of its key (reference)
        # where a term can start: word starts that begin like some term (a trie of the terms'
        # first characters, separators allowed between them)
        # (the scanner's trie without backtracking states where that matches the same)
        prefixes = sorted(self._prefixes)
        trie = _trie(prefixes, possessive_ok(prefixes)) if by_key else ""
        self._trie = _compile(trie).match if by_key else None
        self._starts = None   # the reference scanner's regex (compiled when first needed)
        # where terms can start in the folded text: an Aho-Corasick automaton of the finder
        # words (one pass in C), or without one a regex (compiled when first needed)
        self._findable = bool(by_key) and all(w and w[0] != _OPT_SEP for w in self._words)
        self._finder = None
        self._places = None
        # (the suffix terms are found by the same automaton, in the same pass)
        self._suffix_in_places = False
        if self._findable:
            self._suffix_names = sorted(self._suffix)
            auto = _automaton(self._words, self._suffix_names)
            if auto is not None:
                self._places = auto[0].find_matches_as_indexes
                self._n_spelled = auto[1]
                self._suffix_in_places = bool(self._suffix)
        self.fallback = [(owner, group, re.compile("|".join(pats), re.IGNORECASE).finditer,
                          _needle_tuple("|".join(pats)))
                         for (owner, group), pats in self._fallback.items()]
        # the reference: a regex per suffix
        self._suffix_ref = [(re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{2,}?" + re.escape(sfx)
                                        + r"s?(?![A-Za-z0-9])", re.IGNORECASE).finditer, pairs)
                            for sfx, pairs in self._suffix.items()]
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

    def _head_entries(self, head: str) -> list:
        """The reference scanner's terms for a head (all the terms of its key)."""
        entries = self._entries(_flat_head(head)[:3])
        if len(self._by_head_ref) < 200_000:
            self._by_head_ref[head] = entries
        return entries

    def _head_fits(self, head: str) -> list:
        """The terms that can match where the text begins with this head (what the trie
        matched: up to PREFIX_LEN letters of some term): per owner of the key, a regex of only
        the owner's terms that agree with the head, in their order (so the first that matches
        is the one the full regex finds).  Valid for the texts ``scan`` reads itself."""
        flat = _flat_head(head)
        k3 = flat[:3]
        raw = self._groups.get(k3, []) + self._groups.get(k3[:2], []) if len(k3) == 3 \
            else list(self._groups.get(k3, []))
        entries = []
        for owner, groups in raw:
            alts = []
            for group, pats in groups:
                keep = [p for p in pats if p not in self._flat
                        or any(_fits(f, flat) for f in self._flat[p])]
                if keep:
                    alts.append(f"(?P<{group}>{'|'.join(keep)})")
            if alts:
                entries.append((owner, _compile("|".join(alts), re.IGNORECASE).match))
        if len(self._by_head) < 200_000:
            self._by_head[head] = entries
        return entries

    def scan(self, text: str) -> list[tuple[str, str, int, int]]:
        """Every match as (owner, group, start, end), in text order."""
        if not text:
            return []
        low = text.lower()
        if self._odd_terms or len(low) != len(text) or (
                not low.isascii() and any(ch in low for ch in _CASE_ODD)):
            return self.scan_reference(text)
        out: list = []
        append = out.append
        if self._trie is not None:
            if not self._findable:   # (a term that begins with a non-ASCII character)
                return self.scan_reference(text)
            trie, lookup = self._trie, self._by_head
            resort = bool(self.fallback)   # (scan_reference sorts only then)
            places, suffix_found = self._places_and_suffixes(low)
            for pos in places:
                t = trie(low, pos)
                if t is None:
                    continue
                head = t.group()
                entries = lookup.get(head)
                if entries is None:
                    entries = self._head_fits(head)
                n = len(out)
                for owner, match in entries:
                    mm = match(text, pos)
                    if mm is not None:
                        end = mm.end()
                        if end > pos:
                            append((owner, mm.lastgroup, pos, end))
                if len(out) > n + 1 and resort:   # longest first, as the reference sorts
                    out[n:] = sorted(out[n:], key=_by_place)
            if suffix_found:
                out.extend(sorted(self._suffix_hits(low, suffix_found)))   # (reference order)
                out.sort(key=_by_place)
        if self._suffix and not self._suffix_in_places:   # (no automaton: the reference way)
            hits = self._suffix_reference(text)
            if hits:
                out.extend(sorted(hits))
                out.sort(key=_by_place)
        if self.fallback:
            plain = low   # (exact: no letter here that IGNORECASE and lower() see differently)
            n = len(out)
            for owner, group, finditer, needles in self.fallback:
                if needles is not None and plain is not None and \
                        not any(map(plain.__contains__, needles)):
                    continue   # it cannot match here
                for mm in finditer(text):
                    if mm.end() > mm.start():
                        append((owner, group, mm.start(), mm.end()))
            if len(out) > n:
                out.sort(key=_by_place)
        return out

    def _suffix_hits(self, low: str, found: list) -> set:
        """The words that end in a suffix term (see ``add``), from the automaton's matches."""
        suffix = self._suffix
        n = len(low)
        hits = set()
        for last, x in found:
            pairs = suffix.get(x)
            if pairs is None:
                continue
            end = last + 1
            if end < n and low[end] == "s" and (end + 1 >= n or low[end + 1] not in _ALNUM):
                end += 1
            if end < n and low[end] in _ALNUM:
                continue   # (the word goes on)
            start = last + 1 - len(x)
            while start > 0 and low[start - 1] in _ALNUM:
                start -= 1
            if last + 1 - len(x) - start < 2:
                continue
            for owner, group in pairs:
                hits.add((owner, group, start, end))
        return hits

    def _regex_finder(self):
        """The finder as a regex anchored on a space (sre searches a literal quickly) over a
        trie of the finder words: used without the automaton (and by the tests)."""
        if self._finder is None:
            self._finder = _compile((" (?=" + _finder_rx(sorted(self._words)) + ")")
                                    .encode("ascii")).finditer
        return self._finder

    def _start_places(self, low: str) -> list[int]:
        """Where a term can start in this lower-cased text, in order: the places where the
        folded text (with a space in front) has a space followed by a finder word."""
        return self._places_and_suffixes(low)[0]

    def _places_and_suffixes(self, low: str) -> tuple[list[int], list]:
        """The places of ``_start_places``, and where the automaton found a suffix term:
        [(index of its last character in ``low``, suffix)]."""
        folded = b" " + fold(low)
        if self._places is None:
            return [m.start() for m in self._regex_finder()(folded)], []
        # (a match of a finder word starts at its space, which in the folded text is the index
        # in the text, as the folded text has one more in front; matches come by their end)
        found = self._places(folded, True)
        n = self._n_spelled
        if not self._suffix_in_places:
            places = [start for _, start, _ in found]
            places.sort()
            return places, []
        places = [start for i, start, _ in found if i < n]
        places.sort()
        if len(places) == len(found):
            return places, []
        names = self._suffix_names
        # (the index of a suffix's last character in ``low``: its end less one, less the space)
        return places, [(end - 2, names[i - n]) for i, _, end in found if i >= n]

    def _suffix_reference(self, text: str) -> set:
        return {(owner, group, mm.start(), mm.end())
                for finditer, pairs in self._suffix_ref for mm in finditer(text)
                for owner, group in pairs}

    def scan_reference(self, text: str) -> list[tuple[str, str, int, int]]:
        """``scan`` the plain way: a regex over the lower-cased text finds the word starts that
        begin like some term, and the terms of that key are tried there."""
        if not text:
            return []
        low = text.lower()
        out: list = []
        append = out.append
        if self._trie is not None and self._starts is None:
            self._starts = _compile(r"(?<![a-z0-9])(?=(" + _trie(sorted(self._prefixes)) + "))")
        if self._trie is not None and len(low) == len(text):
            lookup = self._by_head_ref
            for m in self._starts.finditer(low):
                pos = m.start()
                head = m.group(1)
                entries = lookup.get(head)
                if entries is None:
                    entries = self._head_entries(head)
                for owner, match in entries:
                    mm = match(text, pos)
                    if mm is not None:
                        end = mm.end()
                        if end > pos:
                            append((owner, mm.lastgroup, pos, end))
        elif self._trie is not None:   # lower() changed the length (rare letters): try every word start
            for m in _WORD_START.finditer(text):
                pos = m.start()
                for owner, match in self._entries(low[pos:pos + 8].translate(_KEY_DROP)[:3]):
                    mm = match(text, pos)
                    if mm is not None and mm.end() > pos:
                        append((owner, mm.lastgroup, pos, mm.end()))
        suffix_hits = self._suffix_reference(text)
        if suffix_hits:
            out.extend(sorted(suffix_hits))
            out.sort(key=_by_place)
        if self.fallback:
            for owner, group, finditer, _ in self.fallback:
                for mm in finditer(text):
                    if mm.end() > mm.start():
                        append((owner, group, mm.start(), mm.end()))
            out.sort(key=_by_place)
        return out


_CONTAINS: dict[int, tuple] = {}


def contains_any(needles: tuple):
    """A test whether a text contains one of these strings: the answer of
    ``any(map(text.__contains__, needles))``, from one pass of an Aho-Corasick automaton when
    there are several (a negation cue before a word: 0.26 instead of 1.3 us on aml-dev).  Kept
    per tuple (the tuple is held, so its id stays its own)."""
    got = _CONTAINS.get(id(needles))
    if got is not None and got[0] is needles:
        return got[1]
    if ahocorasick is None or len(needles) < 4 or not all(needles):
        def test(text: str, needles=needles) -> bool:
            return any(map(text.__contains__, needles))
    else:
        find = ahocorasick.AhoCorasick(list(needles)).find_matches_as_indexes

        def test(text: str) -> bool:
            return bool(find(text))
    if len(_CONTAINS) > 100:
        _CONTAINS.clear()
    _CONTAINS[id(needles)] = (needles, test)
    return test


def _needle_tuple(pattern: str) -> tuple | None:
    """``_needles`` as a tuple (for ``any(map(text.__contains__, ...))``)."""
    needles = _needles(pattern)
    return None if needles is None else tuple(sorted(needles))


def _fits(term: str, head: str) -> bool:
    """Whether a plain term (its letters, lower-cased, without separators) can match where the
    text begins with these letters (``head``, what the trie matched there: the longest prefix
    of a term that the text begins with).  A term of printable ASCII characters (letters,
    digits, also "," "(" "+" ...: the trie holds them as they are, as the term's regex does):
    the head begins with the term's prefix in the trie (had the text gone on with the term's
    characters, the trie would have matched them, so "anti" of "antifungal" rules out
    "antibodies, bispecific"); otherwise one begins with the other (a non-ASCII letter of the
    term may match more than its lower-case form)."""
    if head.startswith(term[:PREFIX_LEN]):
        return True
    if term.isascii() and term.isprintable():
        return False
    n = min(len(term), len(head))
    if term[:n] == head[:n]:
        return True
    return not term.isascii() and all(a == b or not a.isascii() for a, b in zip(term, head))


def _by_place(hit: tuple) -> tuple:
    return hit[2], hit[2] - hit[3]
