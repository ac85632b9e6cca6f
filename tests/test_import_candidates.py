"""A small import reads only the library articles its records could match (identifiers and
title keys, through the indexes) instead of the whole library: the result is the whole-library
index's, record for record.  Real corpus files into real SQLite libraries."""
from __future__ import annotations

import shutil

import pytest

from amlref.services import importing
from amlref.services.importing import import_paths
from amlref.storage.library import Library
from conftest import corpus

LIBRARY_FILES = [("ris", "asreview-demo-data"), ("pubmed", "nbib-holub008"),
                 ("pubmed", "metapub-pmid-xml")]


def files(*where, limit=40):
    out = []
    for p in sorted(corpus(*where).rglob("*")):
        if p.is_file() and p.suffix.lower() in (".ris", ".nbib", ".txt", ".xml", ".medline"):
            out.append(str(p))
    return out[:limit]


def table(lib) -> list:
    return [tuple(r) for r in lib.execute(
        "SELECT id, citekey, title, doi, pmid, pmcid, extra, volume, pages FROM articles "
        "ORDER BY id")]


def import_each(lib, paths) -> list:
    out = []
    for p in paths:
        try:
            rep = import_paths(lib, [p], classify=False)
        except Exception as exc:          # an unreadable corpus file: the same either way
            out.append(("error", str(exc)))
            continue
        out.append((rep.added, rep.merged, rep.unchanged, rep.apart))
    return out


@pytest.fixture(scope="module")
def base_library(tmp_path_factory):
    path = tmp_path_factory.mktemp("base") / "library.sqlite"
    lib = Library.open(path)
    for where in LIBRARY_FILES:
        import_each(lib, files(*where, limit=25))
    n = lib.articles.count()
    lib.close()
    assert n > 200
    return path


def test_candidates_give_what_the_whole_library_index_gives(base_library, tmp_path,
                                                             monkeypatch):
    # the same files again (duplicates by identifier, by look-alike title, short titles with
    # their whole content), and files the library has not seen
    paths = []
    for where in LIBRARY_FILES + [("ris", "rispy-tests"), ("pubmed", "jabref-medline"),
                                  ("ris", "vendor-dialects")]:
        paths += files(*where, limit=30)
    results = {}
    for mode, limit in (("candidates", importing.CANDIDATES_MAX), ("whole", 0)):
        path = tmp_path / f"{mode}.sqlite"
        shutil.copy(base_library, path)
        monkeypatch.setattr(importing, "CANDIDATES_MAX", limit)
        lib = Library.open(path)
        try:
            results[mode] = (import_each(lib, paths), table(lib))
        finally:
            lib.close()
    assert results["candidates"][0] == results["whole"][0]
    assert results["candidates"][1] == results["whole"][1]
    merged = sum(len(r[1]) + len(r[2]) for r in results["whole"][0] if r[0] != "error")
    assert merged > 100          # the comparison covered many merges


def test_a_small_import_reads_only_its_candidates(base_library, tmp_path, monkeypatch):
    path = tmp_path / "lib.sqlite"
    shutil.copy(base_library, path)
    seen = []
    real = importing.DedupIndex

    def spy(lib, only=None):
        seen.append(only)
        return real(lib, only)
    monkeypatch.setattr(importing, "DedupIndex", spy)
    lib = Library.open(path)
    try:
        [p] = files("pubmed", "metapub-pmid-xml", limit=1)
        rep = import_paths(lib, [p], classify=False)
        assert rep.added == [] and len(rep.unchanged) + len(rep.merged) == 1
        assert seen and seen[0] is not None and 1 <= len(seen[0]) < 5
    finally:
        lib.close()
