"""The text as the term lists see it: the same normalisation for terms and texts, where the
sentences of a text start, and the folded bytes in which the finder looks for terms."""
from __future__ import annotations

import re
import unicodedata

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


# a sentence ends with . ! or ? and spaces before a capital, digit, bracket or quote, or with
# line breaks; the end of each such break is where a sentence starts (the pattern begins with
# the character that ends a sentence, so sre tries only the places that have one)
_SENT = re.compile(r"[.!?\n](?:(?<=\n)\n*|\s+(?=[A-Z(\[\"'0-9]))")


# the same for a text without line breaks, "!" or "?" (most abstracts): then only "." can end a
# sentence, and sre's quick search for one literal character finds the places (1.2 against 2.6 us
# per aml-dev abstract)
_SENT_DOT = re.compile(r"\.\s+(?=[A-Z(\[\"'0-9])")


def sentence_starts(text: str) -> list[int]:
    """Start offsets of the sentences of a text."""
    starts = [0]
    rx = _SENT if "\n" in text or "!" in text or "?" in text else _SENT_DOT
    starts.extend(map(re.Match.end, rx.finditer(text)))
    return starts


# letters and digits of a lower-cased text kept, every other character a space, one byte per
# character (``str.encode`` with "replace" gives one "?" for each non-ASCII character)
_FOLD = bytes(c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in range(256))
# characters that re.IGNORECASE matches to an ASCII letter while str.lower() does not turn them
# into it (the finder would miss such a match; "İ" also changes the length of lower())
_CASE_ODD = ("ı", "ſ", "İ")


def fold(low: str) -> bytes:
    """A lower-cased text for the finder: letters and digits kept, anything else a space."""
    return low.encode("ascii", "replace").translate(_FOLD)
