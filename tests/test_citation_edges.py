"""CitationStore.add_many (storage/citation_edges.py) gives exactly what CitationStore.add one
by one gives: the same stubs (made, filled, merged), the same edges in the same order.  Real
PubMed records of ../shared/corpora with their reference lists, in a real SQLite library."""
from __future__ import annotations

import random

import pytest

from amlref.core.article import Article, ParseResult, Person, Reference
from amlref.formats.pubmed_xml import parse_pubmed_xml
from amlref.services.importing import import_results
from amlref.storage.library import Library
from conftest import corpus

NOW = "2026-01-01T00:00:00.000000Z"


def records() -> ParseResult:
    out = ParseResult(format="pubmed-xml")
    for p in sorted(corpus("pubmed", "metapub-pmid-xml").glob("*.xml")):
        r = parse_pubmed_xml(p.read_text("utf-8"), p.name)
        base = len(out.articles)
        out.articles += r.articles
        out.links += [type(ln)(ln.source + base, ln.target, ln.kind, ln.origin) for ln in r.links]
    return out


def dump(lib) -> tuple:
    return ([tuple(r) for r in lib.execute(
                "SELECT id, citing_id, cited_id, stub_id, kind, origin FROM citations ORDER BY id")],
            [tuple(r) for r in lib.execute("SELECT * FROM reference_stubs ORDER BY id")])


def two_libraries(tmp_path, articles):
    libs = []
    for name in ("one_by_one", "batch"):
        lib = Library.open(tmp_path / f"{name}.sqlite")
        import_results(lib, [("x", ParseResult(articles=list(articles), format="pubmed-xml"))],
                       classify=False)
        libs.append(lib)
    return libs


def add_both(one, batch, edges):
    n_one = 0
    with one.transaction():
        for citing, target, kind, origin in edges:
            n_one += one.citations.add(citing, target, kind=kind, origin=origin)
    n_batch = batch.citations.add_many(edges)
    return n_one, n_batch


@pytest.fixture(scope="module")
def parsed():
    return records()


def test_real_reference_lists_give_the_same_stubs_and_edges(tmp_path, parsed):
    import copy
    arts = copy.deepcopy(parsed.articles)
    # half of the records are in the library: references to them become article edges
    in_lib = arts[::2]
    one, batch = two_libraries(tmp_path, in_lib)
    try:
        ids = {a.pmid: i for i, a in enumerate(in_lib, start=1)}
        edges = []
        for ln in parsed.links:
            src = parsed.articles[ln.source]
            if src.pmid in ids and isinstance(ln.target, Reference):
                edges.append((ids[src.pmid], ln.target, ln.kind, "pubmed-xml"))
        assert len(edges) > 2000
        random.Random(7).shuffle(edges)
        # in two rounds: the second finds the stubs the first made (and fills them)
        half = len(edges) // 2
        for part in (edges[:half], edges[half:] + edges[:50]):
            n_one, n_batch = add_both(one, batch, part)
            assert n_one == n_batch
        d1, d2 = dump(one), dump(batch)
        assert d1 == d2
        assert any(r[2] is not None for r in d1[0]) and any(r[3] is not None for r in d1[0])
    finally:
        one.close()
        batch.close()


def test_stubs_filled_and_merged_on_the_way_and_cited_by_edges(tmp_path):
    t = "Chimeric antigen receptor T cells targeting CD123 in acute myeloid leukemia"
    people = [Person(family="Bawek", given="S")]
    arts = [Article(type="article-journal", title=f"Citing article {i} about AML", issued="2024",
                    authors=people, pmid=str(1000 + i)) for i in range(3)]
    arts.append(Article(type="article-journal", title=t + " revisited", issued="2023",
                        authors=people, doi="10.1000/in.library"))
    one, batch = two_libraries(tmp_path, arts)
    try:
        first = [(1, Reference(doi="10.1000/abc"), "cites", "x"),
                 (2, Reference(title=t, year=2020), "cites", "x"),
                 (3, Reference(raw="Short one"), "cites", "x"),
                 (1, Reference(pmid="31000001", raw="A. Author. Paper. PMID: 31000001"), "cites",
                  "x")]
        second = [  # the DOI of the first stub and the title of the second: one work, merged
                  (3, Reference(doi="10.1000/ABC", title=t, year=2021), "cites", "y"),
                  (2, Reference(raw="Short one"), "cites", "y"),            # the same stub
                  (1, Reference(raw="Short one"), "cited_by", "y"),
                  (2, Reference(doi="https://doi.org/10.1000/in.library"), "cites", "y"),
                  (4, Reference(doi="10.1000/in.library"), "cited_by", "y"),   # itself
                  (1, Reference(), "cites", "y"),                              # nothing
                  (2, 1, "similar", "y"), (1, 1, "cites", "y"),
                  (3, Reference(pmid="1001"), "cited_by", "y")]          # article 2 cites 3
        for edges in (first, second):
            n_one, n_batch = add_both(one, batch, edges)
            assert n_one == n_batch > 0
        d1, d2 = dump(one), dump(batch)
        assert d1 == d2
        stubs = d1[1]
        merged = [s for s in stubs if s[2] == "10.1000/abc"]
        assert len(merged) == 1 and merged[0][5] == t     # DOI and title on one stub
        assert (2, 3, None, "cites", "y") in [r[1:] for r in d1[0]]
    finally:
        one.close()
        batch.close()


def test_unknown_kind_is_refused_before_anything_is_stored(lib):
    lib.articles.add(Article(title="Some article about leukaemia", issued="2024"))
    with pytest.raises(ValueError, match="unknown relation kind"):
        lib.citations.add_many([(1, Reference(doi="10.1/x"), "cites", ""),
                                (1, Reference(doi="10.1/y"), "quotes", "")])
    assert dump(lib) == ([], [])
