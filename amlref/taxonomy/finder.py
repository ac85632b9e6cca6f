"""Where terms can start in a text: the trie of how the terms begin (separators allowed between
their characters), and the finder words, how they begin in a folded text (see texts.fold)."""
from __future__ import annotations

import itertools
import re

from amlref.taxonomy.texts import fold

# how much of each term the prefilter trie (and the finder) holds: 16 letters tell most terms
# apart where 10 did not ("transplantation" / "transplant-related", "therapeutic vaccine" /
# "therapeutic antibody"), so fewer places and fewer regexes tried there
PREFIX_LEN = 16
_KEY_DROP = str.maketrans("", "", " -/")


def _prefix_tree(words) -> dict:
    """Characters as nested dicts; "" marks the end of a word."""
    root: dict = {}
    for w in words:
        d = root
        for ch in w:
            d = d.setdefault(ch, {})
        d[""] = {}
    return root


def _alternation(d: dict, edge) -> str:
    """A node's branches, each rendered by ``edge(ch, subtree)``, as one regex group."""
    alts = [edge(ch, sub) for ch, sub in sorted(d.items()) if ch != ""]
    if not alts:
        return ""
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


_SEP_CHAR = re.compile(r"[\s/\-]")


def _trie(words: list[str], possessive: bool = False) -> str:
    """A regex matching any of these words, factored by common prefixes; " ", "-" or "/" may
    stand between two characters (as in the texts: "T-cell" has the key "tce").

    ``possessive``: the same match without backtracking states (a separator once taken is
    kept, a word's continuation is an atomic group). Nothing follows the trie in its regex, so
    the first path that matches is the match either way, and a separator given back could only
    help a word that has a separator character itself (``possessive_ok`` says there is none).
    7-10% less time per place on aml-dev (0.48 against 0.53 us)."""
    sep = r"[\s/\-]?+" if possessive else r"[\s/\-]?"
    group = "(?>" if possessive else "(?:"

    def edge(ch: str, sub: dict) -> str:
        tail = rx(sub)
        return re.escape(ch) + (sep + tail if tail else "")

    def rx(d: dict) -> str:
        body = _alternation(d, edge)
        return f"{group}{body})?" if body and "" in d else body

    return rx(_prefix_tree(words))


def possessive_ok(words) -> bool:
    """Whether ``_trie(words, possessive=True)`` matches as ``_trie(words)``: no word has a
    character a separator may be (after a separator the plain regex would otherwise go back and
    read it as the word's character)."""
    return not any(_SEP_CHAR.search(w) for w in words)


def _flat_head(head: str) -> str:
    """A head the trie matched without its separators (white space, "-", "/")."""
    return head.translate(_KEY_DROP) if head.isascii() and head.isprintable() \
        else "".join(head.split()).translate(_KEY_DROP)


_OPT_SEP = "\x00"   # in a finder word: an optional space (where a term allows a separator)


def _head_parts(parts: list[str], n: int = 0) -> list[str]:
    """The words of a term as far as its first ``n`` (PREFIX_LEN) letters go: the finder needs
    no more (the trie checks as much), and a smaller automaton is a faster one."""
    n = n or PREFIX_LEN
    out = []
    for p in parts:
        if n <= 0:
            break
        out.append(p[:n])
        n -= len(p)
    return out


def _finder_word(parts: list[str]) -> str:
    """How a term begins in a folded text: its words folded, an optional space between them."""
    return _OPT_SEP.join(fold(p.lower()).decode("ascii") for p in parts if p)


def _finder_rx(words: list[str]) -> str:
    """A trie-shaped regex of finder words (optional separators as " ?")."""
    def edge(ch: str, sub: dict) -> str:
        return (" ?" if ch == _OPT_SEP else re.escape(ch)) + rx(sub)

    def rx(d: dict) -> str:
        # a finder word is enough: what follows it is not needed
        return "" if "" in d else _alternation(d, edge)

    return rx(_prefix_tree(words))


def _finder_variants(word: str) -> list[str]:
    """A finder word spelled out: every choice of its optional spaces (none or one space),
    each with the space in front that marks a word start in the folded text."""
    parts = word.split(_OPT_SEP)
    out = []
    for seps in itertools.product(("", " "), repeat=len(parts) - 1):
        out.append(" " + parts[0] + "".join(a + b for a, b in zip(seps, parts[1:])))
    return out
