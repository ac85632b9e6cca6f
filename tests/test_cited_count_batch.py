"""``reference_stubs.cited_count`` stays exact when ``CitationStore.add_many`` counts a batch's
new stub edges once (its ``citations_count_ai`` trigger dropped for the insert and made again):
after each batch it equals a fresh count of the live citing articles, with edges that already
existed, from a trashed article, after trash, restore and delete; an error leaves nothing and the
trigger in place; a watch run gives the library the per-row trigger gives (and reading each
batch's stubs afresh instead of keeping them gives).  Real PubMed records
of ../shared/corpora, a real SQLite library, a local server for the watch run."""
from __future__ import annotations

import copy
import random
import shutil

import pytest

from amlref.core.article import ParseResult, Reference
from amlref.services import watches
from amlref.services.importing import import_results
from amlref.sources import pubmed
from amlref.storage import citation_edges
from amlref.core.errors import LibraryError
from amlref.storage.library import Library
from test_citation_edges import records
from test_sources_support import FakeApi
from test_watch_batches import QUERY, run, snapshot
from test_watches_support import configure, efetch, esearch_of, metapub_pmids

TRIGGER = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'citations_count_ai'"


def fresh_counts(lib) -> dict[int, int]:
    """Every stub's count of live citing articles, from the edges (what the trigger keeps)."""
    counts = {r[0]: 0 for r in lib.execute("SELECT id FROM reference_stubs")}
    counts.update({r[0]: r[1] for r in lib.execute(
        "SELECT c.stub_id, count(*) FROM citations c JOIN articles a ON a.id = c.citing_id "
        "WHERE c.stub_id IS NOT NULL AND c.kind = 'cites' AND a.deleted_at IS NULL "
        "GROUP BY c.stub_id")})
    return counts


def stored_counts(lib) -> dict[int, int]:
    return {r[0]: r[1] for r in lib.execute("SELECT id, cited_count FROM reference_stubs")}


@pytest.fixture(scope="module")
def parsed():
    return records()


@pytest.fixture
def lib_edges(tmp_path, parsed):
    arts = copy.deepcopy(parsed.articles)
    lib = Library.open(tmp_path / "lib.sqlite")
    import_results(lib, [("x", ParseResult(articles=arts, format="pubmed-xml"))], classify=False)
    ids = dict(lib.execute("SELECT pmid, id FROM articles"))
    edges = [(ids[parsed.articles[ln.source].pmid], ln.target, ln.kind, "pubmed-xml")
             for ln in parsed.links if isinstance(ln.target, Reference)]
    random.Random(3).shuffle(edges)
    yield lib, edges
    lib.close()


def test_counts_after_batches_equal_a_fresh_count(lib_edges):
    lib, edges = lib_edges
    trigger = lib.execute(TRIGGER).fetchone()[0]
    assert len(edges) > 3000
    # some edges one by one first (the trigger counts them), then batches that repeat them
    with lib.transaction():
        for citing, target, kind, origin in edges[:300]:
            lib.citations.add(citing, target, kind=kind, origin=origin)
    assert stored_counts(lib) == fresh_counts(lib)
    third = len(edges) // 3
    n1 = lib.citations.add_many(edges[:third])
    n2 = lib.citations.add_many(edges[third:] + edges[:third])     # the first third again
    assert n1 > 0 and n2 > 0
    counts = stored_counts(lib)
    assert counts == fresh_counts(lib)
    assert sum(1 for k in counts.values() if k > 1) >= 20 and sum(counts.values()) > 2000
    assert lib.execute(TRIGGER).fetchone()[0] == trigger          # made again as it was
    # an article in the trash: its stub edges do not count, nor new ones it gets
    citing = max({e[0] for e in edges}, key=lambda c: sum(1 for e in edges if e[0] == c))
    lib.articles.trash([citing])
    lib.execute("DELETE FROM citations WHERE citing_id = ?", (citing,))
    mine = [e for e in edges if e[0] == citing]
    assert len(mine) >= citation_edges._COUNT_ONCE_FROM
    lib.citations.add_many(mine + edges[:400])
    assert stored_counts(lib) == fresh_counts(lib)
    lib.articles.restore([citing])
    assert stored_counts(lib) == fresh_counts(lib)
    lib.articles.trash([citing])
    lib.articles.purge([citing])
    assert stored_counts(lib) == fresh_counts(lib)
    # (the trigger still counts one edge added alone)
    other = next(e for e in edges if e[0] != citing)
    lib.citations.add(other[0], Reference(raw="A work cited once, 2024", title=""), "cites")
    assert stored_counts(lib) == fresh_counts(lib)


def test_an_error_in_the_insert_leaves_nothing_and_the_trigger_in_place(lib_edges):
    lib, edges = lib_edges
    trigger = lib.execute(TRIGGER).fetchone()[0]
    before = (stored_counts(lib), lib.execute("SELECT count(*) FROM citations").fetchone()[0])
    fresh = [(c, Reference(raw=f"New work {i}, never cited before. Blood 2025", title=""),
              "cites", "x") for i, (c, *_rest) in enumerate(edges[:200])]
    bad = fresh + [(10 ** 9, fresh[0][1], "cites", "x")]     # no such article: FOREIGN KEY
    with pytest.raises(Exception, match="FOREIGN KEY"):
        lib.citations.add_many(bad)
    assert lib.execute(TRIGGER).fetchone()[0] == trigger
    assert (stored_counts(lib), lib.execute("SELECT count(*) FROM citations").fetchone()[0]) \
        == before
    # and inside a caller's transaction that catches the error: nothing of it is saved
    with pytest.raises(LibraryError, match="nothing of either was saved"):
        with lib.transaction():
            try:
                lib.citations.add_many(bad)
            except Exception:
                pass
    assert lib.execute(TRIGGER).fetchone()[0] == trigger
    assert stored_counts(lib) == before[0] == fresh_counts(lib)


@pytest.fixture
def api(httpserver, cli, tmp_path):
    a = FakeApi(httpserver)
    configure(cli, a, tmp_path)
    return a


def test_a_watch_run_gives_the_library_the_per_row_trigger_gives(api, cli, lib_path, tmp_path,
                                                               monkeypatch):
    """... and the library reading each batch's stubs afresh gives (stubs kept from one batch
    to the next: CitationStore.keep_stubs), the same stubs and edges with the same ids."""
    import contextlib
    from amlref.storage.citations import CitationStore
    monkeypatch.setattr(pubmed, "EFETCH_BATCH", 40)
    monkeypatch.setenv("AMLREF_WORKERS", "1")
    pmids = metapub_pmids()
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "add", "w", QUERY).code == 0
    keep = CitationStore.keep_stubs
    reads = []
    real_init = citation_edges._Stubs.__init__

    def counted(self, lib):
        reads.append(1)
        real_init(self, lib)
    monkeypatch.setattr(citation_edges._Stubs, "__init__", counted)
    got, ids = {}, {}
    for way, once_from, kept in (("per row", 10 ** 9, False),
                                 ("per batch", citation_edges._COUNT_ONCE_FROM, False),
                                 ("stubs kept", citation_edges._COUNT_ONCE_FROM, True)):
        monkeypatch.setattr(citation_edges, "_COUNT_ONCE_FROM", once_from)
        monkeypatch.setattr(CitationStore, "keep_stubs", keep if kept else
                            contextlib.contextmanager(lambda self: (yield None)))
        path = tmp_path / f"{way}.sqlite"
        shutil.copy(lib_path, path)
        reads.clear()
        rep = run(path)
        assert len(rep.added) == len(pmids) and rep.error == ""
        assert len(reads) == (1 if kept else 5)         # (5 batches of 40)
        lib = Library.open(path)
        got[way] = snapshot(lib)
        ids[way] = [lib.execute("SELECT * FROM reference_stubs ORDER BY id").fetchall(),
                    lib.execute("SELECT id, citing_id, cited_id, stub_id, kind, origin FROM "
                                "citations ORDER BY id").fetchall()]
        assert stored_counts(lib) == fresh_counts(lib)
        lib.close()
    assert got["per row"] == got["per batch"] == got["stubs kept"]
    assert ids["per row"] == ids["per batch"] == ids["stubs kept"]
    assert len(got["per batch"]["edges"]) > 3000
    assert len(got["per batch"]["tags"]) == len(pmids) == len(got["per batch"]["inbox"])
    assert sum(1 for s in got["per batch"]["stubs"] if s[-1] > 1) >= 20


def test_tagging_many_articles_at_once_counts_only_new_rows(lib_edges):
    """TagStore.add (one executemany): the number of rows it added, an article tagged already
    (or twice in the list) not counted again and its first source kept."""
    lib, _ = lib_edges
    ids = [r[0] for r in lib.execute("SELECT id FROM articles ORDER BY id")]
    assert len(ids) > 100
    assert lib.tags.add(ids[:50], "AML watch", source="import") == 50
    assert lib.tags.add(ids[40:100] + ids[90:95], "AML watch") == 50
    assert lib.tags.add([], "AML watch") == 0
    assert lib.tags.ids_with("AML watch") == ids[:100]
    assert lib.tags.with_sources(ids[45]) == [("AML watch", "import")]
    assert lib.tags.with_sources(ids[60]) == [("AML watch", "user")]
    assert dict(lib.tags.counts())["AML watch"] == 100
