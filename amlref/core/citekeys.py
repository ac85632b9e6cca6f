"""Citation keys from a formula, e.g. the default ``[auth][year][title]`` gives
``bawek2024updates`` (first author's family name lower-case ASCII, year, first significant
title word).  Keys are made once; a key never changes unless the user asks."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
    if not text or text.isascii():   # fast path (same result): nothing to fold
        return text or ""
    t = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in t if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


_NOT_KEY_CHAR = re.compile(r"[^a-z0-9]")
_BRACES = re.compile(r"[{}\\]")


def _word(text: str) -> str:
    w = ascii_fold(text).lower()
    return w if w.isalnum() and w.isascii() else _NOT_KEY_CHAR.sub("", w)


def _auth(a: Article, n: int = 1) -> str:
    people = a.authors or a.editors
    if not people:
        return "anon"
    out = []
    for p in people[:n]:
        name = p.family or p.literal
        if "{" in name or "\\" in name or "}" in name:
            name = _BRACES.sub("", name)
        # corporate names: initials of words ("World Health Organization" -> "who")
        words = name.split()
        if len(words) > 2:
            out.append("".join(_word(w)[:1] for w in words if _word(w)))
        else:
            out.append(_word(name))
    return "".join(out) or "anon"


_TITLE_WORDS = re.compile(r"[^\s\-/:]+")
_TITLE_MARKUP = re.compile(r"[{}\\$]")
_NON_ALNUM = re.compile(r"[^a-z0-9]")


def _title_word(a: Article, n: int = 1) -> str:
    title = a.title or ""
    if "{" in title or "\\" in title or "$" in title or "}" in title:
        title = _TITLE_MARKUP.sub("", title)
    if not title.isascii():
        title = ascii_fold(title)
    sig = []
    for m in _TITLE_WORDS.finditer(title.lower()):   # words up to the n-th significant one
        w = m.group()
        if not (w.isalnum() and w.isascii()):
            w = _NON_ALNUM.sub("", w)
        if w and w not in STOPWORDS and not w.isdigit():
            sig.append(w)
            if len(sig) == n:
                break
    return "".join(sig)


_TOKEN = re.compile(r"\[([A-Za-z]+)(\d*)((?::[a-z]+)*)\]")
TOKENS = ("auth", "authors", "authetal", "editor", "year", "shortyear", "title",
          "shorttitle", "veryshorttitle", "journal", "volume", "firstpage", "pmid")
MODIFIERS = ("lower", "upper", "capitalize")


def _token(article: Article, name: str, n: str) -> str | None:
    if name == "auth":
        return _auth(article, int(n or 1))
    if name == "authors":            # up to N (default 3) family names, then "etal"
        k = int(n or 3)
        out = _auth(article, k)
        return out + ("etal" if len(article.authors) > k else "")
    if name == "authetal":           # smith / smithjones / smithetal
        if len(article.authors) > 2:
            return _auth(article, 1) + "etal"
        return _auth(article, 2)
    if name == "editor":
        return _auth(Article(authors=article.editors), int(n or 1))
    if name == "year":
        return str(article.year or "")
    if name == "shortyear":
        return str(article.year or "")[-2:]
    if name == "shorttitle":
        return _title_word(article, 3)
    if name in ("title", "veryshorttitle"):
        return _title_word(article, int(n or 1))
    if name == "journal":
        return _word(article.container_short or article.container)[:int(n or 10)]
    if name == "volume":
        return _word(article.volume)
    if name == "firstpage":
        m = re.match(r"\s*([A-Za-z]?\d+)", article.pages or "")
        return m.group(1).lower() if m else ""
    if name == "pmid":
        return article.pmid or ""
    return None


def check_formula(formula: str) -> None:
    """Raise ValueError naming the first unknown token or modifier of a key formula."""
    if not formula or not _TOKEN.search(formula):
        raise ValueError("a key formula needs at least one [token], e.g. [auth][year][title]")
    for m in _TOKEN.finditer(formula):
        if m.group(1).lower() not in TOKENS:
            raise ValueError(f"unknown token [{m.group(1)}]; known: "
                             + ", ".join(f"[{t}]" for t in TOKENS))
        for mod in filter(None, m.group(3).split(":")):
            if mod not in MODIFIERS:
                raise ValueError(f"unknown modifier :{mod}; known: "
                                 + ", ".join(f":{x}" for x in MODIFIERS))
    if re.search(r"[^A-Za-z0-9_\-:.]", _TOKEN.sub("", formula)):
        raise ValueError("only letters, digits and _ - : . may stand between tokens")


def make_key(article: Article, formula: str = DEFAULT_FORMULA) -> str:
    """Build the base key (without clash suffix) from a formula such as ``[auth][year][title]``.

    Tokens: [auth] (first author), [authN] (N authors), [authors] / [authorsN] (up to 3 / N
    family names, then "etal"), [authEtAl], [editor], [year], [shortyear], [title] / [titleN]
    (first N significant title words), [shorttitle] (three), [veryshorttitle] (one),
    [journal], [volume], [firstpage], [pmid].  Modifiers: [auth:upper], [title:capitalize],
    [journal:lower].  Text between tokens is kept.  Unknown tokens give nothing (see
    :func:`check_formula`)."""
    parts = []
    for literal, name, n, mods in _plan(formula or DEFAULT_FORMULA):
        if name is None:
            parts.append(literal)
            continue
        value = _token(article, name, n)
        if value is None:
            continue
        for mod in mods:
            if mod == "upper":
                value = value.upper()
            elif mod == "lower":
                value = value.lower()
            elif mod == "capitalize":
                value = value[:1].upper() + value[1:]
        parts.append(value)
    key = "".join(parts)
    if not _KEY_OK.fullmatch(key):
        key = _KEY_BAD.sub("", key)
    return key or "ref"


_KEY_OK = re.compile(r"[A-Za-z0-9_\-:.]*")
_KEY_BAD = re.compile(r"[^A-Za-z0-9_\-:.]")


@lru_cache(maxsize=64)
def _plan(formula: str) -> tuple:
    """A formula as (literal, None, ...) and (_, token, N, modifiers) steps, parsed once."""
    out, pos = [], 0
    for m in _TOKEN.finditer(formula):
        if m.start() > pos:
            out.append((formula[pos:m.start()], None, "", ()))
        out.append(("", m.group(1).lower(), m.group(2),
                    tuple(filter(None, m.group(3).split(":")))))
        pos = m.end()
    if pos < len(formula):
        out.append((formula[pos:], None, "", ()))
    return tuple(out)


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
