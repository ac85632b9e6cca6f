"""Parsing file links as each tool writes them (values copied in each tool's exact form)."""
from __future__ import annotations

from amlref.formats.file_fields import (FileLink, candidates, format_jabref_file_field,
                                        parse_bibtex_file_field, parse_ris_links)


def paths(value):
    return [(f.label, f.path, f.mime) for f in parse_bibtex_file_field(value)]


def test_jabref_several_files_with_escapes():
    assert paths(r"Full text:papers/smith2020.pdf:PDF;Supplement:supp/s1.docx:Word") == [
        ("Full text", "papers/smith2020.pdf", "PDF"), ("Supplement", "supp/s1.docx", "Word")]
    assert paths(r"Full text:C\:\\Users\\rick\\My\;Paper.pdf:PDF") == [
        ("Full text", "C:\\Users\\rick\\My;Paper.pdf", "PDF")]
    assert paths(":paper.pdf:PDF") == [("", "paper.pdf", "PDF")]


def test_zotero_and_better_bibtex():
    assert paths("Full Text:files/47/Walter et al. - 2021 - CD33.pdf:application/pdf") == [
        ("Full Text", "files/47/Walter et al. - 2021 - CD33.pdf", "application/pdf")]
    assert paths("/home/ann/Zotero/storage/ABCD1234/x.pdf;/home/ann/Zotero/storage/EF/y.pdf") \
        == [("", "/home/ann/Zotero/storage/ABCD1234/x.pdf", ""),
            ("", "/home/ann/Zotero/storage/EF/y.pdf", "")]


def test_mendeley_windows_and_unix():
    assert paths(r":C$\backslash$:/Users/jane/Documents/Mendeley Desktop/Doe - 2019.pdf:pdf") \
        == [("", "C:/Users/jane/Documents/Mendeley Desktop/Doe - 2019.pdf", "pdf")]
    links = parse_bibtex_file_field(":home/jane/Documents/Mendeley Desktop/x.pdf:pdf")
    assert links[0].path == "home/jane/Documents/Mendeley Desktop/x.pdf"
    assert candidates(links[0], "/tmp/bibdir")[0] == "/home/jane/Documents/Mendeley Desktop/x.pdf"


def test_citavi_forms():
    assert paths(r"Citavi Attachments\Walter 2021 - CD33.pdf") == [
        ("", r"Citavi Attachments\Walter 2021 - CD33.pdf", "")]
    link = parse_bibtex_file_field(r"Citavi Attachments\Walter 2021 - CD33.pdf")[0]
    assert candidates(link, "/p") == ["/p/Citavi Attachments/Walter 2021 - CD33.pdf"]
    assert paths(r"Walter 2021:C\:\\Citavi\\Attachments\\w.pdf:pdf") == [
        ("Walter 2021", "C:\\Citavi\\Attachments\\w.pdf", "pdf")]


def test_ris_links():
    got = parse_ris_links(["file:///home/a/x%20y.pdf", "https://example.org/x.pdf",
                           "internal-pdf://0123456789/Smith-2020.pdf", "/abs/z.pdf"])
    assert [g.path for g in got] == ["file:///home/a/x%20y.pdf",
                                     "internal-pdf://0123456789/Smith-2020.pdf", "/abs/z.pdf"]
    assert candidates(got[0], "/b") == ["/home/a/x y.pdf"]
    assert candidates(got[1], "/b", "My EndNote Library.enl") == [
        "/b/My EndNote Library.Data/PDF/0123456789/Smith-2020.pdf"]


def test_jabref_round_trip():
    files = [FileLink("C:\\x\\a;b.pdf", "Full text", "pdf"),
             {"path": "/home/u/s:1.docx", "label": "", "kind": "docx"}]
    text = format_jabref_file_field(files)
    assert text == r"Full text:C\:\\x\\a\;b.pdf:PDF;:/home/u/s\:1.docx:docx"
    assert paths(text) == [("Full text", "C:\\x\\a;b.pdf", "PDF"), ("", "/home/u/s:1.docx", "docx")]
