"""Clean what text extraction gives: ligatures, soft hyphens, hyphenation at line ends, look-alike
characters that stand for ``/`` or ``-`` in identifiers, and pdfium's line breaks."""
from __future__ import annotations

import re
import unicodedata

# pdfium marks a hyphen at the end of a line (a word broken by hyphenation) with U+FFFE
HYPHEN_MARK = "\ufffe"

_SLASHES = "\u2215\u2044\uff0f\u29f8\u2571\u2afd"      # ∕ ⁄ ／ ⧸ ╱ ⫽
_DASHES = "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"  # hyphen, non-breaking hyphen, dashes, minus
_DOTS = "\uff0e\u2024\ufe52"                          # fullwidth full stop, one dot leader, small full stop
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"     # soft hyphen, zero-width characters

_ID_TABLE = str.maketrans({**{c: "/" for c in _SLASHES}, **{c: "-" for c in _DASHES},
                           **{c: "." for c in _DOTS},
                           **{c: None for c in _INVISIBLE}})
# Unicode's ligatures, and the T1 (Cork) font encoding's ff fi fl ffi ffl at 0x1B-0x1F (and its
# quotes and dashes at 0x10-0x16), which
# is what a pdfTeX font without a ToUnicode map gives (control characters otherwise never text)
_LIGATURE_MAP = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                 "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st",
                 "\x1b": "ff", "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi", "\x1f": "ffl",
                 # T1 quotes, guillemets and dashes at 0x10-0x16 (an en dash inside a DOI)
                 "\x10": "\u201c", "\x11": "\u201d", "\x12": "\u201e", "\x13": "\u00ab",
                 "\x14": "\u00bb", "\x15": "\u2013", "\x16": "\u2014"}
_LIGATURES = str.maketrans(_LIGATURE_MAP)


def lines(text: str) -> list[str]:
    """Page text as lines (pdfium separates them with CR LF), hyphen marks kept."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


_ENCODED_SLASH = re.compile(r"(\b10\.\d{4,9})%2F", re.I)


def for_ids(text: str) -> str:
    """Text in which identifiers can be matched: look-alike slashes, dashes and full stops made
    ASCII, invisible characters removed, ligatures spelt out, pdfium's line-end hyphen made
    ``-``, and a DOI's slash percent-encoded in a link (``doi.org/10.1002%2Fajh.1``) decoded."""
    text = (text.translate(_LIGATURES).translate(_ID_TABLE).replace(HYPHEN_MARK, "-")
            .replace("\r\n", "\n").replace("\r", "\n"))
    return _ENCODED_SLASH.sub(r"\1/", text) if "%" in text else text


def for_reading(text: str) -> str:
    """Running text: words broken by hyphenation joined again, lines joined by spaces,
    ligatures spelt out, invisible characters removed, spaces collapsed."""
    t = text.translate(_LIGATURES)
    t = re.sub(HYPHEN_MARK + r"\s*(?:\r\n|\r|\n)?\s*", "", t)
    t = t.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    return " ".join(t.split())


_PAGE_TABLE = str.maketrans({**{c: None for c in _INVISIBLE}, **_LIGATURE_MAP,
                             "\r": None, HYPHEN_MARK: None})
_LINE_END_HYPHEN = re.compile(HYPHEN_MARK + r"[ \t]*\r?\n[ \t]*")


_NEEDS_TABLE = re.compile("[\x10-\x16\x1b-\x1f\ufb00-\ufb06\u00ad\u200b\u200c\u200d\u2060\ufeff\r]")


def page_text_clean(text: str) -> str:
    """A whole page for indexing: LF line ends, ligatures spelt out, invisible characters gone,
    and PDFium's mark of a word hyphenated at a line end removed (PDFium has already joined the
    word: "ef\ufffefect" is "effect").  str.translate only when a page needs it: it costs ten
    times a plain replace, and most pages have nothing for it."""
    if HYPHEN_MARK in text:
        text = _LINE_END_HYPHEN.sub("", text).replace(HYPHEN_MARK, "")
    text = text.replace("\r\n", "\n")
    if _NEEDS_TABLE.search(text):
        text = text.translate(_PAGE_TABLE)
    return text


_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
          "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
          "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
          "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
          "ϵ": "epsilon", "ϑ": "theta", "ϕ": "phi", "µ": "mu"}
_GREEK_TABLE = str.maketrans(_GREEK)
_TAGS = re.compile(r"<[^<>]{1,200}>")


def squash(text: str) -> str:
    """Letters and digits only, lower case, Greek letters spelt out, accents dropped, hyphenation
    and line breaks gone: the form in which two printings of a title are compared."""
    t = _TAGS.sub("", text or "")           # <i>, <sup> ... in fetched titles
    t = t.replace(HYPHEN_MARK, "").translate(_LIGATURES).lower().translate(_GREEK_TABLE)
    t = unicodedata.normalize("NFKD", t)
    return "".join(ch for ch in t if ch.isalnum() and ch.isascii())
