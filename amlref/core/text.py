"""Decoding of input bytes: BOMs, UTF-8, UTF-16, and legacy 8-bit files."""
from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name).  Order: BOM, UTF-8, BOM-less UTF-16 (many NULs),
    then windows-1252 (a superset of latin-1 for printable text), then latin-1."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc.replace("-sig", "") + " (BOM)"
    head = data[:4096]
    if head and head.count(b"\x00") > len(head) // 4:
        # BOM-less UTF-16: NULs on even bytes means big endian ASCII
        even = head[0::2].count(b"\x00")
        odd = head[1::2].count(b"\x00")
        enc = "utf-16-be" if even > odd else "utf-16-le"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
        return text, ("ascii" if text.isascii() else "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_text(path: str) -> tuple[str, str]:
    with open(path, "rb") as fh:
        return decode_bytes(fh.read())
