"""Citation keys from a formula, e.g. the default ``[auth][year][title]`` gives
``bawek2024updates`` (first author's family name lower-case ASCII, year, first significant
title word).  Keys are made once; a key never changes unless the user asks."""
from __future__ import annotations

import re
import unicodedata

from amlref.core.article import Article

DEFAULT_FORMULA = "[auth][year][title]"

_FOLD = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe",
                       "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th",
                       "ı": "i", "–": "-", "—": "-"})

STOPWORDS = frozenset("""a an the of on in at to for from with and or but by as is are was were be
been into onto about over under via versus vs than that this these those its their our your his
her new novel toward towards using use based role update updates""".split()) - {"updates"}
# "updates" is kept on purpose: the seed review's key is bawek2024updates.


def ascii_fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", (text or "").translate(_FOLD))
    return "".join(c for c in t if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def _word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


def _auth(a: Article, n: int = 1) -> str:
    names = [p.family or p.literal for p in a.authors] or [p.family or p.literal for p in a.editors]
    if not names:
        return "anon"
    out = []
    for name in names[:n]:
        name = re.sub(r"[{}\\]", "", name)
        # corporate names: initials of words ("World Health Organization" -> "who")
        words = name.split()
        if len(words) > 2:
            out.append("".join(_word(w)[:1] for w in words if _word(w)))
        else:
            out.append(_word(name))
    return "".join(out) or "anon"


_SPLIT = re.compile(r"[\s\-/:]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]")


def _title_word(a: Article, n: int = 1) -> str:
    title = re.sub(r"[{}\\$]", "", a.title or "")
    if not title.isascii():
        title = ascii_fold(title)
    sig = []
    for w in _SPLIT.split(title.lower()):
        w = _NON_ALNUM.sub("", w)
        if w and w not in STOPWORDS and not w.isdigit():
            sig.append(w)
            if len(sig) == n:
                break
    return "".join(sig)


def make_key(article: Article, formula: str = DEFAULT_FORMULA) -> str:
    """Build the base key (without clash suffix).  Tokens: [auth], [auth2] (two authors),
    [authN]... [year], [title], [title2], [shorttitle] (=three words), [journal]."""
    def repl(m: re.Match) -> str:
        tok = m.group(1).lower()
        if tok.startswith("auth"):
            n = int(tok[4:] or 1)
            return _auth(article, n)
        if tok == "year":
            return str(article.year or "")
        if tok == "shorttitle":
            return _title_word(article, 3)
        if tok.startswith("title"):
            return _title_word(article, int(tok[5:] or 1))
        if tok == "journal":
            return _word(article.container_short or article.container)[:10]
        return ""
    key = re.sub(r"\[([A-Za-z]+\d*)\]", repl, formula or DEFAULT_FORMULA)
    key = re.sub(r"[^A-Za-z0-9_\-:.]", "", key)
    return key or "ref"


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def suffix(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, 27 -> ab ... (bijective base 26)."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = _LETTERS[r] + out
    return out


def unique_key(base: str, taken, hint: dict | None = None) -> str:
    """``base`` if free, else base+a, base+b ... (``taken`` supports ``in``).  ``hint`` (a dict
    kept across calls) remembers where the search for each base stopped, so adding many
    articles with the same base key stays linear."""
    if base not in taken:
        return base
    n = hint.get(base, 0) if hint is not None else 0
    while base + suffix(n) in taken:
        n += 1
    if hint is not None:
        hint[base] = n + 1
    return base + suffix(n)
