"""``CitationStore.keep_stubs()``: inside it, ``add_many`` keeps the reference stubs it read and
made for the next call (a watch run's batches) and reads only values it has not read before,
as long as the table is what it left.  Each way the table can change between two calls is
seen, and the library is then exactly what reading afresh gives: a commit by another
connection, a stub filled, merged or resolved on this connection, a rollback, an error.
Real PubMed records of ../shared/corpora with their reference lists, a real SQLite library."""
from __future__ import annotations

import copy
import shutil

import pytest

from amlref.core.article import Article, ParseResult, Reference
from amlref.services.importing import import_results
from amlref.storage.library import Library
from test_citation_edges import records

PMID = "39999999"         # a PMID no reference of the corpus has


@pytest.fixture(scope="module")
def parsed():
    return records()


@pytest.fixture
def made(tmp_path, parsed):
    """A library of the real records and their reference edges in batches of 20 citing
    articles (as a watch run files them)."""
    path = tmp_path / "lib.sqlite"
    lib = Library.open(path)
    import_results(lib, [("x", ParseResult(articles=copy.deepcopy(parsed.articles),
                                           format="pubmed-xml"))], classify=False)
    ids = dict(lib.execute("SELECT pmid, id FROM articles"))
    lib.close()
    citing = sorted({ln.source for ln in parsed.links if isinstance(ln.target, Reference)})
    batches = []
    for i in range(0, len(citing), 20):
        these = set(citing[i:i + 20])
        batches.append([(ids[parsed.articles[ln.source].pmid], ln.target, ln.kind, "pubmed-xml")
                        for ln in parsed.links
                        if ln.source in these and isinstance(ln.target, Reference)])
    return path, batches


def dump(lib) -> tuple:
    return ([tuple(r) for r in lib.execute("SELECT * FROM reference_stubs ORDER BY id")],
            [tuple(r) for r in lib.execute("SELECT id, citing_id, cited_id, stub_id, kind, "
                                           "origin FROM citations ORDER BY id")])


def copies(path, tmp_path, *names):
    out = []
    for name in names:
        p = tmp_path / f"{name}.sqlite"
        shutil.copy(path, p)
        out.append(Library.open(p))
    return out


def a_stub_with_doi_only(lib) -> tuple[int, str]:
    return tuple(lib.execute("SELECT id, doi FROM reference_stubs WHERE doi != '' AND "
                             "pmid = '' AND pmcid = '' ORDER BY id LIMIT 1").fetchone())


def test_kept_stubs_give_what_reading_afresh_gives(made, tmp_path):
    path, batches = made
    assert len(batches) >= 5 and sum(map(len, batches)) > 3000
    kept_lib, fresh_lib = copies(path, tmp_path, "kept", "fresh")
    with kept_lib.citations.keep_stubs() as kept:
        n_kept = [kept_lib.citations.add_many(b) for b in batches + batches[:2]]
    n_fresh = [fresh_lib.citations.add_many(b) for b in batches + batches[:2]]
    assert n_kept == n_fresh and n_kept[-1] == 0 and sum(n_kept) > 3000
    assert dump(kept_lib) == dump(fresh_lib)
    assert kept.reads == 1          # read once; the later batches used what was kept
    # nothing is left on the connection afterwards
    assert kept_lib.execute("SELECT count(*) FROM sqlite_temp_master").fetchone()[0] == 0
    assert kept_lib.citations.kept_stubs is None


def test_a_commit_by_another_connection_between_batches_is_seen(made, tmp_path):
    """Another connection gives a stub read in batch 1 a PMID; batch 2 cites the work by that
    PMID alone: its edge goes to that stub (a kept copy without the PMID would make a new
    stub for it)."""
    path, batches = made
    lib, = copies(path, tmp_path, "kept")
    with lib.citations.keep_stubs() as kept:
        lib.citations.add_many(batches[0])
        sid, doi = a_stub_with_doi_only(lib)
        other = Library.open(lib.path)
        citing = batches[1][0][0]
        assert other.citations.add(citing, Reference(doi=doi, pmid=PMID))
        other.close()
        stubs = lib.execute("SELECT count(*) FROM reference_stubs").fetchone()[0]
        later = batches[2][0][0]
        lib.citations.add_many(batches[1] + [(later, Reference(pmid=PMID), "cites", "x")])
        assert kept.reads == 2
    assert lib.execute("SELECT stub_id FROM citations WHERE origin = 'x'").fetchone()[0] == sid
    made_by_batch = lib.execute("SELECT count(*) FROM reference_stubs").fetchone()[0] - stubs
    fresh, = copies(path, tmp_path, "fresh")
    fresh.citations.add_many(batches[0])
    fresh.citations.add(citing, Reference(doi=doi, pmid=PMID))
    fresh.citations.add_many(batches[1] + [(later, Reference(pmid=PMID), "cites", "x")])
    assert dump(lib)[0] == dump(fresh)[0]
    assert made_by_batch == fresh.execute("SELECT count(*) FROM reference_stubs").fetchone()[0] \
        - stubs


@pytest.mark.parametrize("change", ["filled", "merged", "resolved", "deleted article"])
def test_a_change_on_this_connection_between_batches_is_seen(made, tmp_path, change):
    path, batches = made
    kept_lib, fresh_lib = copies(path, tmp_path, "kept", "fresh")

    def between(lib):
        sid, doi = a_stub_with_doi_only(lib)
        citing = batches[1][0][0]
        if change == "filled":        # CitationStore.add fills the stub with a PMID
            lib.citations.add(citing, Reference(doi=doi, pmid=PMID))
        elif change == "merged":      # a second stub by PMID, then one reference naming both
            lib.citations.add(citing, Reference(pmid=PMID, raw="Known by its PMID"))
            lib.citations.add(citing, Reference(doi=doi, pmid=PMID))
        else:                         # a work that enters the library resolves its stub
            a = Article(title="A work its references named", doi=doi, pmid=PMID, issued="2020")
            rep = import_results(lib, [("y", ParseResult(articles=[a], format="x"))],
                                 classify=False)
            assert lib.execute("SELECT resolved_id FROM reference_stubs WHERE id = ?",
                               (sid,)).fetchone()[0] == rep.added[0]
            if change == "deleted article":     # resolved_id set back to NULL by the table
                lib.articles.trash(rep.added)
                lib.articles.purge(rep.added)
        later = batches[2][0][0]
        return [(later, Reference(pmid=PMID, title="A work its references named"), "cites",
                 "x"), (later, Reference(doi=doi), "cites", "x")]

    with kept_lib.citations.keep_stubs() as kept:
        kept_lib.citations.add_many(batches[0])
        extra = between(kept_lib)
        kept_lib.citations.add_many(extra + batches[1])
        kept_lib.citations.add_many(batches[2])
        assert kept.reads == 2
    fresh_lib.citations.add_many(batches[0])
    fresh_lib.citations.add_many(between(fresh_lib) + batches[1])
    fresh_lib.citations.add_many(batches[2])
    assert dump(kept_lib) == dump(fresh_lib)


@pytest.mark.parametrize("first", [True, False])
def test_a_rollback_after_a_batch_is_seen(made, tmp_path, first):
    """A batch's transaction is rolled back after add_many (its stubs are gone): the next
    batch, which cites the same works, makes them again instead of pointing at stubs that
    are not there.  ``first``: the batch rolled back is the first one kept."""
    path, batches = made
    kept_lib, fresh_lib = copies(path, tmp_path, "kept", "fresh")
    before = [] if first else [batches[3]]
    with kept_lib.citations.keep_stubs() as kept:
        for b in before:
            kept_lib.citations.add_many(b)
        with pytest.raises(OSError):
            with kept_lib.transaction():
                kept_lib.citations.add_many(batches[0])
                raise OSError("disk full")
        kept_lib.citations.add_many(batches[0][:50] + batches[1])
        kept_lib.citations.add_many(batches[2])
        assert kept.reads == 2
    for b in before:
        fresh_lib.citations.add_many(b)
    fresh_lib.citations.add_many(batches[0][:50] + batches[1])
    fresh_lib.citations.add_many(batches[2])
    assert dump(kept_lib) == dump(fresh_lib)
    assert kept_lib.execute("PRAGMA foreign_key_check").fetchall() == []


def test_an_error_inside_add_many_is_seen(made, tmp_path):
    path, batches = made
    kept_lib, fresh_lib = copies(path, tmp_path, "kept", "fresh")
    bad = batches[1] + [(10 ** 9, Reference(raw="Never stored. Blood 2025"), "cites", "x")]
    with kept_lib.citations.keep_stubs() as kept:
        kept_lib.citations.add_many(batches[0])
        with pytest.raises(Exception, match="FOREIGN KEY"):
            kept_lib.citations.add_many(bad)          # (stubs inserted, then the edges fail)
        kept_lib.citations.add_many(batches[1] + batches[2])
        assert kept.reads == 2
    fresh_lib.citations.add_many(batches[0])
    fresh_lib.citations.add_many(batches[1] + batches[2])
    assert dump(kept_lib) == dump(fresh_lib)
