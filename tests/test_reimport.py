"""Importing the same file twice adds nothing and changes nothing, for every importable file
of the corpora; and the first import accounts for every record the file has (counted here
from the file itself, not by the importer: RIS ``TY`` lines, BibTeX entries, MEDLINE records,
PubMed XML articles, CSL-JSON items).  Each file goes into a fresh real SQLite library."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from amlref.core.errors import InputError
from amlref.services.importing import decode_and_detect, import_paths, read_input
from amlref.storage.library import Library
from tests.support import CORPORA

NOT_BIBLIOGRAPHIES = {"large", "pdf-hostile"}
# the tables an import writes (search index and pending work excepted)
TABLES = ("articles", "notes", "tags", "article_tags", "article_categories", "reference_stubs",
          "citations", "not_duplicates")


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")


def count_ris(text: str) -> int:
    """Records of a RIS file as the specification has them: a record starts at ``TY`` (a run of
    ``TY`` lines is one start) and ends at ``ER``; in a file with no ``TY`` line at all, each
    block of tag lines ended by ``ER``.  Web of Science's tagged format (``PT J`` ... ``ER``):
    its ER lines."""
    lines = [ln for ln in _lines(text) if ln.strip()]
    if any(re.match(r"PT [A-Z]\b", ln) for ln in lines):
        return sum(bool(re.fullmatch(r"ER\s*", ln)) for ln in lines)
    ty = [bool(re.match(r"\s*TY\s{1,2}-", ln)) for ln in lines]
    if any(ty):
        return sum(t and (i == 0 or not ty[i - 1]) for i, t in enumerate(ty))
    n, tags = 0, False
    for ln in lines:
        if re.match(r"ER\s{1,2}-", ln):
            n, tags = n + tags, False
        elif re.match(r"[A-Z][A-Z0-9]\s{1,2}-", ln):
            tags = True
    return n


def count_medline(text: str) -> int:
    """MEDLINE: records are blocks of tag lines (``PMID-``, ``TI  -`` ...) between blank lines."""
    blocks = re.split(r"\n[ \t]*\n", "\n".join(_lines(text)))
    return sum(bool(re.search(r"^[A-Z]{2,4} *-", b, re.M)) for b in blocks)


def count_bibtex(text: str) -> int:
    kinds = re.findall(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]", "\n".join(_lines(text)), re.M)
    return sum(k.lower() not in ("string", "comment", "preamble") for k in kinds)


def count_pubmed_xml(text: str) -> int:
    return len(re.findall(r"<Pubmed(?:Book)?Article>", text))


def count_csljson(text: str) -> int | None:
    """CSL-JSON items (objects with a ``type``); None for JSON that is not CSL-JSON at all."""
    data = json.loads(text)
    items = data if isinstance(data, list) else [data]
    n = sum(isinstance(x, dict) and "type" in x for x in items)
    return n or None


COUNT = {"ris": count_ris, "medline": count_medline, "bibtex": count_bibtex,
         "pubmed-xml": count_pubmed_xml, "csljson": count_csljson}


def _files(folder: str) -> list[Path]:
    root = CORPORA / folder
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and p.suffix.lower() not in (".md", ".tsv", ".csv", ".pdf"))


def _state(lib: Library) -> dict:
    return {t: sorted(lib.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def _twice(path: Path, tmp: Path) -> tuple[str, str, int | None] | None:
    """Import ``path`` twice into a fresh library; None if it is not importable.  Returns
    (format, a description of what went wrong or "", records counted in the file)."""
    try:
        text, _enc, fmt = decode_and_detect(read_input(str(path))[0], str(path), None)
    except InputError:
        return None
    lib = Library.open(tmp / f"{abs(hash(str(path)))}.sqlite")
    try:
        try:
            first = import_paths(lib, [str(path)], classify=False)
        except InputError:
            return None
        counted = COUNT[fmt](text) if fmt in COUNT else None
        records = sum(f["records"] for f in first.files)
        wrong = []
        # (a record skipped as unreadable is a problem; so is a bad field of a record read)
        if counted is not None and counted not in (records, records + len(first.skipped)):
            wrong.append(f"{counted} records in the file, {records} read and "
                         f"{len(first.skipped)} skipped")
        if len(first.added) + len(first.merged) != records:
            wrong.append(f"{records} read, {len(first.added)} added, {len(first.merged)} merged")
        if lib.articles.count() != len(first.added):
            wrong.append(f"{len(first.added)} added, {lib.articles.count()} in the library")
        before = _state(lib)
        again = import_paths(lib, [str(path)], classify=False)
        if again.added or again.merged:
            wrong.append(f"second import: {len(again.added)} added, {len(again.merged)} "
                         f"merged with changes")
        elif _state(lib) != before:
            wrong.append("second import changed the library")
        return fmt, "; ".join(wrong), counted
    finally:
        lib.close()


@pytest.mark.parametrize("folder", ["bibtex", "ris", "pubmed", "api", "seed", "aml-dev"])
def test_every_file_imported_twice_adds_nothing(folder, tmp_path):
    if not (CORPORA / folder).exists():
        pytest.skip("../shared/corpora not available")
    done, counted, bad = 0, 0, []
    for path in _files(folder):
        got = _twice(path, tmp_path)
        if got is None:
            continue
        fmt, wrong, n = got
        done += 1
        counted += n is not None
        if wrong:
            bad.append(f"{path.relative_to(CORPORA)} ({fmt}): {wrong}")
    assert bad == []
    least = {"bibtex": 40, "ris": 60, "pubmed": 150, "api": 20, "seed": 1, "aml-dev": 0}
    assert done >= least[folder]
    if folder in ("bibtex", "ris", "pubmed"):
        assert counted == done          # every file's records counted independently


def _first_entries(text: str, fmt: str, size: int) -> str:
    """About the first ``size`` characters of a big file, cut before a record."""
    if len(text) <= size:
        return text
    mark = {"bibtex": "\n@", "ris": "\nTY  - "}[fmt]
    return text[:text.index(mark, size) + 1]


@pytest.mark.parametrize("name", ["tugboat.bib", "glottolog-all-69k.bib.gz"])
def test_the_start_of_the_large_files_imported_twice_adds_nothing(name, tmp_path):
    src = CORPORA / "large" / name
    if not src.exists():
        pytest.skip(f"corpus file not available: {src}")
    data = src.read_bytes()
    text = (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")
    part = tmp_path / "part.bib"
    part.write_text(_first_entries(text, "bibtex", 400_000), encoding="utf-8")
    fmt, wrong, n = _twice(part, tmp_path)
    assert fmt == "bibtex" and wrong == "" and n > 500


def test_the_counters_read_the_forms_the_tools_write():
    assert count_ris("TY  - JOUR\nTY  - BOOK\nTI  - x\nER  - \n\nTY  - JOUR\nTI  - y\n"
                     "TY  - CHAP\nER  -\n") == 3
    assert count_ris("\ufeffJF  - A journal\nT1  - No type line\nER  -\n") == 1
    assert count_ris("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI A\nER\n\n"
                     "PT J\nTI B\nER\n\nEF\n") == 2
    assert count_bibtex("@String{j = {J}}\r@Comment{x}\r@article{a,\r title={T}}\r"
                        "  @BOOK (b, title={U})\n@preamble{p}") == 2
    assert count_medline("PMID- 1\nTI  - A\n\nnot a record\n\nPMC - 2\nTI  - B\n") == 2
    assert count_csljson('[{"type": "book", "title": "B"}, {"id": "x", "type": "report"}]') == 2
    assert count_csljson('{"status": "ok", "message": {"items": []}}') is None
