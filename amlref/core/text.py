"""Decoding of input bytes: BOMs, UTF-8, UTF-16, and legacy 8-bit files."""
from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# a byte that is not UTF-8, as ``surrogateescape`` gives it (U+DC80..U+DCFF), to its
# windows-1252 character (the five bytes windows-1252 leaves undefined: their latin-1 ones)
_ESCAPED = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _cp1252(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)


_FROM_ESCAPED = {0xDC00 + b: _cp1252(b) for b in range(0x80, 0x100)}


def _utf8_or_legacy(data: bytes, bom: str = "") -> tuple[str, str]:
    """UTF-8; else, when the text has UTF-8 characters and some bytes that are not (a UTF-8
    file with text pasted from a Windows program), those bytes as windows-1252 and the rest
    as UTF-8 (decoding all of it as windows-1252 would garble every UTF-8 character); else
    windows-1252, then latin-1."""
    try:
        text = data.decode("utf-8")
        return text, ("ascii" if text.isascii() and not bom else "utf-8" + bom)
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    bad = len(_ESCAPED.findall(text))
    if len(_NON_ASCII.findall(text)) > bad:      # some real UTF-8 characters
        return (text.translate(_FROM_ESCAPED),
                f"utf-8{bom} ({bad} byte{'s' if bad > 1 else ''} read as windows-1252)")
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _lines(text: str) -> str:
    """Old Mac line ends (CR alone, never a LF) as LF: every reader counts lines by LF."""
    if "\r" in text and "\n" not in text:
        return text.replace("\r", "\n")
    return text


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name).  Order: BOM, UTF-8, BOM-less UTF-16 (many NULs),
    then windows-1252 (a superset of latin-1 for printable text), then latin-1.  A UTF-8 file
    with a few bytes that are not UTF-8 keeps its UTF-8 characters (the others are read as
    windows-1252, and the encoding name says how many); a UTF-16/32 file damaged after its
    BOM (cut in the middle of a character) keeps what can be read, U+FFFD for the rest."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            if enc == "utf-8-sig":
                text, name = _utf8_or_legacy(data[len(bom):], " (BOM)")
                return _lines(text), name
            try:
                return _lines(data.decode(enc)), enc + " (BOM)"
            except UnicodeDecodeError:
                return _lines(data.decode(enc, "replace")), enc + " (BOM; damaged)"
    head = data[:4096]
    if head and head.count(b"\x00") > len(head) // 4:
        # BOM-less UTF-16: NULs on even bytes means big endian ASCII
        even = head[0::2].count(b"\x00")
        odd = head[1::2].count(b"\x00")
        enc = "utf-16-be" if even > odd else "utf-16-le"
        try:
            return _lines(data.decode(enc)), enc
        except UnicodeDecodeError:
            pass
    text, name = _utf8_or_legacy(data)
    return _lines(text), name


def read_text(path: str) -> tuple[str, str]:
    with open(path, "rb") as fh:
        return decode_bytes(fh.read())


# hyphens LaTeX cannot set (U+2010 hyphen, U+2011 non-breaking, U+2212 minus ...): AMLRef's
# BibTeX export writes them as "-"
_HYPHENS = str.maketrans({c: "-" for c in "\u2010\u2011\u2043\u2212\ufe63\uff0d"})


def same_form(text: str) -> str:
    """A value as two records of one work are compared (merging): spaces, case and the kind
    of hyphen do not count."""
    return " ".join(text.split()).lower().translate(_HYPHENS)
