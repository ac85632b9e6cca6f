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


def _title_word(a: Article, n: int = 1) -> str:
    words = [_word(w) for w in re.split(r"[\s\-/:]+", re.sub(r"[{}\\$]", "", a.title or ""))]
    sig = [w for w in words if w and w not in STOPWORDS and not w.isdigit()]
    return "".join(sig[:n])


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


def suffixes():
    """a, b, ..., z, aa, ab, ..."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for c in letters:
        yield c
    for c1 in letters:
        for c2 in letters:
            yield c1 + c2


def unique_key(base: str, taken) -> str:
    """``base`` if free, else base+a, base+b ... (``taken`` supports ``in``)."""
    if base not in taken:
        return base
    for s in suffixes():
        if base + s not in taken:
            return base + s
    i = 2
    while f"{base}-{i}" in taken:
        i += 1
    return f"{base}-{i}"
