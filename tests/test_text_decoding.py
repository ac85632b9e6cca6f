"""Bytes of files as users have them: UTF-8 with a few Windows bytes pasted in, a byte order
mark before text that is not what it says, old Mac line ends (found by running mutated corpus
files through every importer: each of these raised UnicodeDecodeError or was "unknown format")."""
from __future__ import annotations

import pytest

from amlref.core.errors import AmlrefError
from amlref.core.text import decode_bytes
from amlref.services.importing import parse_data
from support import corpus


def test_utf8_with_a_few_windows_bytes_keeps_its_utf8_characters():
    # "Müller" in UTF-8, then a degree sign and a bullet typed in a Windows program
    data = "Müller J, Ødegård K: naïve T cells".encode() + b" at 37\xb0C \x95 x"
    text, enc = decode_bytes(data)
    assert text == "Müller J, Ødegård K: naïve T cells at 37°C • x"
    assert enc == "utf-8 (2 bytes read as windows-1252)"


def test_a_windows_file_without_utf8_characters_is_windows_1252_as_before():
    text, enc = decode_bytes("Café, 25° C – “quoted”".encode("cp1252"))
    assert (text, enc) == ("Café, 25° C – “quoted”", "windows-1252")
    # the five bytes windows-1252 leaves undefined fall back to latin-1
    assert decode_bytes(b"x\x81y\x8d")[0] == "x\x81y\x8d"


@pytest.mark.parametrize("data, want, enc", [
    (b"\xef\xbb\xbfcaf\xc3\xa9 \x95", "café •", "utf-8 (BOM) (1 byte read as windows-1252)"),
    (b"\xef\xbb\xbfcaf\xe9", "café", "windows-1252"),
    (b"\xef\xbb\xbfabc", "abc", "utf-8 (BOM)"),
    (b"\xff\xfea\x00b\x00c", "ab\ufffd", "utf-16 (BOM; damaged)"),
])
def test_a_byte_order_mark_before_other_bytes_never_raises(data, want, enc):
    assert decode_bytes(data) == (want, enc)


def test_old_mac_line_ends_are_lines():
    text, _ = decode_bytes(b"TY  - JOUR\rTI  - A title\rER  - \r")
    assert text.splitlines() == ["TY  - JOUR", "TI  - A title", "ER  - "]
    # CR LF stays as it is (the readers handle it); a lone CR among LFs is left alone
    assert decode_bytes(b"a\r\nb\r\n")[0] == "a\r\nb\r\n"
    assert decode_bytes(b"a\rb\nc")[0] == "a\rb\nc"


def test_a_medline_file_with_old_mac_line_ends_imports():
    path = corpus("pubmed", "jabref-medline", "MedlinePlainImporterTestMultiAbstract.txt")
    data = path.read_bytes()
    whole = parse_data(data, str(path))
    mac = parse_data(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"), str(path))
    assert mac.format == whole.format == "medline"
    assert [a.title for a in mac.articles] == [a.title for a in whole.articles]
    assert [a.abstract for a in mac.articles] == [a.abstract for a in whole.articles]


@pytest.mark.parametrize("parts", [("bibtex", "bibtexparser-tests", "book_bom.bib"),
                                   ("ris", "rispy-tests", "example_bom.ris")])
def test_bom_files_with_a_damaged_byte_import_or_say_why_in_one_line(parts):
    path = corpus(*parts)
    data = bytearray(path.read_bytes())
    good = parse_data(bytes(data), str(path))
    data[len(data) // 2] = 0x95        # one byte damaged in the middle
    try:
        res = parse_data(bytes(data), str(path))
    except AmlrefError as exc:          # (a damaged record may make the file unreadable)
        assert "\n" not in str(exc) and str(path) in str(exc)
    else:
        assert len(res.articles) + len(res.problems) >= len(good.articles)
