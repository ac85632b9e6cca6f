"""A watch run files each efetch batch in one transaction, read by worker processes or in this
process with the same result; an error in the middle of a batch leaves nothing of it.  A local
server replaying real PubMed records (../shared/corpora), a real SQLite library."""
from __future__ import annotations

import pytest

from amlref.services import watches
from amlref.sources import pubmed
from amlref.storage.citations import CitationStore
from amlref.storage.library import Library
from amlref.storage.watches import WatchStore
from test_sources_support import FakeApi
from test_watches_support import configure, efetch, esearch_of, metapub_pmids

QUERY = '"Leukemia, Myeloid, Acute"[MeSH Terms] AND immunotherapy'


@pytest.fixture
def api(httpserver, cli, tmp_path):
    a = FakeApi(httpserver)
    configure(cli, a, tmp_path)
    return a


def snapshot(lib) -> dict:
    q = lambda sql: sorted(tuple(r) for r in lib.execute(sql))   # noqa: E731
    return {
        "articles": q("SELECT pmid, citekey, doi, title, abstract, authors FROM articles"),
        "tags": q("SELECT a.pmid, t.name, at.source FROM article_tags at JOIN tags t ON "
                  "t.id = at.tag_id JOIN articles a ON a.id = at.article_id"),
        "edges": q("SELECT a.pmid, coalesce(b.pmid, ''), coalesce(s.raw, ''), "
                   "coalesce(s.doi, ''), c.kind FROM citations c JOIN articles a ON "
                   "a.id = c.citing_id LEFT JOIN articles b ON b.id = c.cited_id LEFT JOIN "
                   "reference_stubs s ON s.id = c.stub_id"),
        "stubs": q("SELECT raw, doi, pmid, pmcid, title, title_key, year, cited_count FROM "
                   "reference_stubs"),
        "inbox": q("SELECT a.pmid, i.state FROM inbox i JOIN articles a ON a.id = "
                   "i.article_id"),
        "categories": q("SELECT a.pmid, c.slug, c.state FROM article_categories c JOIN "
                        "articles a ON a.id = c.article_id"),
        "search": q("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'leukemia'"),
    }


def run(lib_path, name="w"):
    lib = Library.open(lib_path)
    try:
        return watches.run_watch(lib, name)
    finally:
        lib.close()


def test_read_by_workers_or_here_the_library_is_the_same(api, cli, lib_path, tmp_path,
                                                         monkeypatch):
    import shutil
    monkeypatch.setattr(pubmed, "EFETCH_BATCH", 7)
    pmids = metapub_pmids()[:30]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "add", "w", QUERY).code == 0      # (the library set up by configure)
    got = {}
    for workers in ("2", "1"):
        monkeypatch.setenv("AMLREF_WORKERS", workers)
        path = tmp_path / f"w{workers}.sqlite"
        shutil.copy(lib_path, path)
        rep = run(path)
        assert len(rep.added) == 30 and rep.error == ""
        lib = Library.open(path)
        got[workers] = snapshot(lib)
        lib.close()
    assert got["2"] == got["1"]
    assert len(got["1"]["edges"]) > 500 and len(got["1"]["inbox"]) == 30


def test_an_error_in_the_middle_of_a_batch_leaves_nothing_of_it(api, cli, lib_path,
                                                               monkeypatch):
    """The third batch's records are stored, then linking them fails: nothing of that batch is
    kept (no article, tag, stub, edge or Inbox row), the first two batches are, the last run
    does not move, and the next run files the rest."""
    monkeypatch.setattr(pubmed, "EFETCH_BATCH", 5)
    pmids = metapub_pmids()[:15]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "add", "w", QUERY).code == 0
    real = CitationStore.add_many
    calls = []

    def fails_third(self, edges, now=None):
        calls.append(1)
        if len(calls) == 3:
            assert self.lib.articles.count() == 15     # stored inside the transaction
            raise OSError("disk full")
        return real(self, edges, now)
    monkeypatch.setattr(CitationStore, "add_many", fails_third)
    with pytest.raises(OSError):
        run(lib_path)
    lib = Library.open(lib_path)
    try:
        s = snapshot(lib)
        kept = {r[0] for r in s["articles"]}
        assert kept == set(pmids[:10])
        assert {r[0] for r in s["inbox"]} == kept and {r[0] for r in s["tags"]} == kept
        assert {r[0] for r in s["edges"]} <= kept
        w = WatchStore(lib).get("w")
        assert w["last_run"] is None and "disk full" in w["last_error"]
        assert w["running_since"] is None
        stubs_before = len(s["stubs"])
    finally:
        lib.close()
    monkeypatch.setattr(CitationStore, "add_many", real)
    api.calls.clear()
    rep = run(lib_path)
    assert sorted(rep.added) and len(rep.added) == 5 and rep.seen == 10
    asked = {i for p, a in api.calls if p == "/eutils/efetch.fcgi"
             for i in a["id"][0].split(",")}
    assert asked == set(pmids[10:])
    lib = Library.open(lib_path)
    try:
        s = snapshot(lib)
        assert len(s["articles"]) == 15 and len(s["inbox"]) == 15
        assert len(s["stubs"]) > stubs_before
    finally:
        lib.close()


def test_records_an_older_version_tagged_but_never_filed_come_in_as_unread(api, cli,
                                                                          lib_path):
    """(Before the import and its Inbox rows were one transaction, a run could die between
    the two commits.)"""
    from amlref.formats.pubmed_xml import parse_pubmed_xml
    from amlref.services.importing import import_results
    pmids = metapub_pmids()[:4]
    assert cli("watch", "add", "w", QUERY).code == 0
    lib = Library.open(lib_path)
    try:
        text = efetch(type("R", (), {"args": {"id": ",".join(pmids[:2])}})()).get_data(True)
        import_results(lib, [("older run", parse_pubmed_xml(text, "older run"))], tags=["w"])
    finally:
        lib.close()
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    rep = run(lib_path)
    assert len(rep.added) == 4 and rep.known == []
    lib = Library.open(lib_path)
    try:
        assert {r[1] for r in snapshot(lib)["inbox"]} == {"new"}
        assert lib.articles.count() == 4
    finally:
        lib.close()
