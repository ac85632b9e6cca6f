"""Citation graph: stubs, resolution, references / cited-by / missing, maintained counts.

Real data: the seed PubMed page (its "Similar articles", "Cited by" and "References"), and the
CSL-JSON DOI records from Crossref, imported through the real import pipeline."""
from __future__ import annotations

import random
import re

import pytest

from amlref import citations as cg
from amlref.core.article import Article, Link, ParseResult, Reference, title_key
from amlref.core.identifiers import find_doi
from amlref.storage import schema
from amlref.storage.library import Library
from tests.conftest import corpus

SEED_PMID = "39697225"


# -- the seed page ---------------------------------------------------------------------------
def _fallback_parse(text: str) -> ParseResult:
    """Until the pubmed-page importer exists: the page's own sections, read plainly (same shape
    as the importer's result: every listed work an article, links between them)."""
    lines = text.splitlines()
    main = Article(title=lines[0].strip(), pmid=SEED_PMID,
                   pmcid=re.search(r"PMCID: (PMC\d+)", text).group(1),
                   doi=re.search(r"DOI: (\S+)", text).group(1), origin="pubmed-page")
    sections: dict[str, list[str]] = {}
    current = None
    for ln in lines:
        s = ln.strip()
        if s in ("Similar articles", "Cited by", "References", "Publication types"):
            current = s
            sections[s] = []
        elif current and s not in ("-", ""):
            sections[current].append(re.sub(r"^- ", "", s))
    res = ParseResult(articles=[main], format="pubmed-page")
    for sec, kind in (("Similar articles", "similar"), ("Cited by", "cited_by"),
                      ("References", "cites")):
        for entry in sections.get(sec, []):
            year = re.search(r"\b(20\d\d|19\d\d)\b", entry).group(1)
            if kind == "cites":
                parts = re.split(r"\. (?=[A-Z])", entry)
                title = next(p for p in parts[1:] if len(p) > 30) + "."
            else:
                title = re.split(r"\.(?=\S)", entry, maxsplit=1)[0] + "."
            pmid = re.search(r"PMID: (\d+)", entry)
            res.articles.append(Article(title=title, pmid=pmid.group(1) if pmid else "",
                                        doi=find_doi(entry), issued=year, origin="pubmed-page"))
            i = len(res.articles) - 1
            res.links.append(Link(i, 0, "cites", "pubmed-page") if kind == "cited_by"
                             else Link(0, i, kind, "pubmed-page"))
    return res


def seed_parse() -> ParseResult:
    path = corpus("seed", "pubmed-page-39697225.txt")
    from amlref.plugins.registry import registry
    if "pubmed-page" in registry.importers():
        from amlref.services.importing import parse_data
        return parse_data(path.read_bytes(), str(path))
    return _fallback_parse(path.read_text(encoding="utf-8"))


def _import(lib, result: ParseResult, name="seed"):
    # the real import pipeline (dedup, links, stub resolution); classification is not what
    # these tests are about
    from amlref.services.importing import import_results
    return import_results(lib, [(name, result)], classify=False)


@pytest.fixture
def seed(lib):
    """The seed page in the library (the pubmed-page importer when it exists)."""
    _import(lib, seed_parse())
    return lib.articles.find(SEED_PMID)


def as_reference(a: Article, how: str) -> Reference:
    """What a reference list knows of a work: only its PMID, only its DOI (in the citation
    text), or only title and year."""
    if how == "pmid":
        return Reference(pmid=a.pmid)
    if how == "doi":
        return Reference(raw=a.extra.get("citation") or f"{a.title} doi: {a.doi}")
    return Reference(title=a.title, year=a.year, raw=a.extra.get("citation", ""))


def _pmids(entries):
    return {e["pmid"] for e in entries}


def test_seed_page_graph(lib, seed):
    assert lib.articles.count() == 11   # the review, 5 similar, 3 citing, 2 references
    sim = cg.similar(lib, seed.id)
    assert _pmids(sim) >= {"34412685", "30640734", "28286924", "35551662", "39960017"}
    assert all(e["in_library"] for e in sim)
    by = cg.cited_by(lib, seed.id)
    assert _pmids(by) == {"40443513", "40566589", "40762019"}
    refs = cg.references(lib, seed.id)
    dois = {e["doi"] for e in refs}
    assert "10.1182/blood-2009-07-235358" in dois          # Dohner 2010, European LeukemiaNet
    assert len(refs) == 2
    assert all(e["in_library"] for e in refs) and not cg.missing_works(lib)
    c = cg.counts(lib, seed.id)
    assert c["cited_by"] == 3 and c["similar"] == len(sim) and c["references"] == 2
    # the citing articles see the review among their references
    other = lib.articles.find("40443513")
    assert SEED_PMID in _pmids(cg.references(lib, other.id))


@pytest.mark.parametrize("how", ["pmid", "doi", "title"])
def test_seed_stubs_turn_into_links_when_the_work_is_added(lib, how):
    """The seed page with some listed works known only by description: a similar article by
    PMID, the ELN 2010 reference by DOI (in its citation text), the CIBMTR slides by title.
    Adding the work through the import pipeline turns the stub into a link."""
    res = seed_parse()
    pick = {"pmid": "39960017", "doi": "10.1182/blood-2009-07-235358",
            "title": "current use and outcome of hematopoietic stem cell transplantation"}[how]
    idx = next(i for i, a in enumerate(res.articles)
               if pick in (a.pmid, a.doi) or title_key(a.title).startswith(pick))
    work = res.articles[idx]
    kind = next(lk.kind for lk in res.links if lk.target == idx)
    keep = [a for i, a in enumerate(res.articles) if i != idx]
    new_index = {i: (i if i < idx else i - 1) for i in range(len(res.articles)) if i != idx}
    links = [Link(new_index[lk.source], as_reference(work, how) if lk.target == idx
                  else new_index[lk.target], lk.kind, lk.origin) for lk in res.links]
    _import(lib, ParseResult(articles=keep, links=links, format=res.format))
    seed = lib.articles.find(SEED_PMID)
    listed = cg.similar(lib, seed.id) if kind == "similar" else cg.references(lib, seed.id)
    stub = [e for e in listed if not e["in_library"]]
    assert len(stub) == 1 and (stub[0]["pmid"] == work.pmid or stub[0]["doi"] == work.doi
                               or title_key(stub[0]["title"]) == title_key(work.title))
    if kind == "cites":
        assert [w.stub_id for w in cg.missing_works(lib)] == [stub[0]["stub_id"]]
    # the work arrives (as `amlref add` would bring it)
    added = Article(title=work.title, issued=work.issued, container=work.container,
                    **({"pmid": work.pmid} if how == "pmid" else
                       {"doi": "https://doi.org/" + work.doi.upper()} if how == "doi" else {}))
    rep = _import(lib, ParseResult(articles=[added], format="pubmed-xml"), name="added")
    new_id = rep.added[0]
    listed = cg.similar(lib, seed.id) if kind == "similar" else cg.references(lib, seed.id)
    assert all(e["in_library"] for e in listed)
    assert new_id in [e["article_id"] for e in listed]
    if kind == "cites":
        assert [e["article_id"] for e in cg.cited_by(lib, new_id)] == [seed.id]
        assert cg.missing_works(lib) == []
    else:
        assert seed.id in [e["article_id"] for e in cg.similar(lib, new_id)]
    assert lib.execute("SELECT resolved_id FROM reference_stubs").fetchall() == [(new_id,)]
    assert lib.citations.recount() == 0


def test_seed_cited_by_work_added_by_pmid_becomes_a_link(lib):
    """The issue's case: the seed page with one "Cited by" article known only by its PMID (a
    stub the review is cited by); adding that article by PMID turns it into a link."""
    res = seed_parse()
    idx = next(i for i, a in enumerate(res.articles) if a.pmid == "40762019")
    work = res.articles[idx]
    assert any(lk.source == idx and lk.target == 0 and lk.kind == "cites" for lk in res.links)
    keep = [a for i, a in enumerate(res.articles) if i != idx]
    new_index = {i: (i if i < idx else i - 1) for i in range(len(res.articles)) if i != idx}
    links = [Link(0, Reference(pmid=work.pmid), "cited_by", lk.origin) if lk.source == idx
             else Link(new_index[lk.source], new_index[lk.target], lk.kind, lk.origin)
             for lk in res.links]
    _import(lib, ParseResult(articles=keep, links=links, format=res.format))
    seed = lib.articles.find(SEED_PMID)
    by = cg.cited_by(lib, seed.id)
    assert [e["in_library"] for e in by] == [True, True, False]
    assert by[-1]["pmid"] == "40762019"
    c = cg.counts(lib, seed.id)
    assert (c["cited_by"], c["cited_by_in_library"], c["cited_by_outside"]) == (3, 2, 1)
    assert cg.missing_works(lib) == []          # a citing work is not a missing key paper
    g = cg.collect_graph(lib, [seed.id], external=True)
    stub_node = next(n for n in g.nodes if n.startswith("s"))
    assert (stub_node, f"a{seed.id}", "cites") in [e[:3] for e in g.edges]
    added = Article(title=work.title, issued=work.issued, pmid=work.pmid)
    new_id = _import(lib, ParseResult(articles=[added], format="pubmed-xml")).added[0]
    by = cg.cited_by(lib, seed.id)
    assert all(e["in_library"] for e in by) and new_id in [e["article_id"] for e in by]
    assert [e["article_id"] for e in cg.references(lib, new_id)] == [seed.id]
    assert lib.citations.recount() == 0
    # an article known to be cited by another library article: stored the right way round
    other = lib.articles.find("34412685")
    assert lib.citations.add(seed.id, other.id, kind="cited_by")
    assert seed.id in [e["article_id"] for e in cg.references(lib, other.id)]
    assert not lib.citations.add(other.id, seed.id)   # the same edge


def test_stub_resolves_on_real_csljson_import(lib, seed):
    """A reference known only by DOI becomes a link when the real Crossref CSL-JSON record is
    imported through the import pipeline."""
    import json
    path = corpus("api", "crossref-csl-json-doi.json")
    record = json.loads(path.read_text(encoding="utf-8"))["one url"][1]   # doi.org CSL-JSON
    doi = record[0]["DOI"]
    other = lib.articles.find("40443513")
    assert lib.citations.add(seed.id, Reference(raw=f"Hall HK. Amines. 1957. doi: {doi}"))
    assert lib.citations.add(other.id, Reference(doi=doi.upper()))
    top = cg.missing_works(lib)
    assert (top[0].doi, top[0].count) == (doi.lower(), 2)
    from amlref.services.importing import parse_data
    rep = _import(lib, parse_data(json.dumps(record).encode(), "doi.json", "csljson"))
    target = lib.articles.find(doi)
    assert target.id in rep.added
    assert {e["article_id"] for e in cg.cited_by(lib, target.id)} == {seed.id, other.id}
    assert all(w.doi != doi.lower() for w in cg.missing_works(lib))
    assert lib.citations.recount() == 0


def test_resolution_by_pmid_and_pmcid(lib, seed):
    lib.citations.add(seed.id, Reference(pmid="30640734"))           # in library: direct link
    assert "30640734" in _pmids(cg.references(lib, seed.id))
    lib.citations.add(seed.id, Reference(raw="Somebody. Some work. PMID: 12345678"))
    lib.citations.add(seed.id, Reference(pmcid="pmc7654321", title="x"))
    miss = {w.pmid or w.pmcid for w in cg.missing_works(lib)}
    assert {"12345678", "PMC7654321"} <= miss
    a = lib.articles.add(Article(title="A new work", pmid="12345678"))
    b = lib.articles.add(Article(title="Another work", pmcid="PMC7654321"))
    assert lib.citations.resolve_stubs([a, b]) == 2
    refs = {e["article_id"] for e in cg.references(lib, seed.id) if e["in_library"]}
    assert {a, b} <= refs


TITLE = ("Diagnosis and management of acute myeloid leukemia in adults: recommendations from an "
         "international expert panel")


@pytest.mark.parametrize("article,resolves", [
    (dict(title=TITLE.upper() + ".", issued="2010"), True),
    (dict(title="Diagnosis and management of acute myeloid leukaemia in adults", issued="2010"),
     False),                                                     # a different title
    (dict(title=TITLE, issued="2011-01"), True),                 # year within 1
    (dict(title=TITLE, issued="2014"), False),                   # year too far
    (dict(title=TITLE, issued="2010", doi="10.1000/other"), False),   # contradicting DOI
    (dict(title=TITLE), True),                                   # no year: title decides
])
def test_resolution_by_title(lib, article, resolves):
    citing = lib.articles.add(Article(title="Citing review", issued="2024"))
    lib.citations.add(citing, Reference(title=TITLE, year=2010, doi="10.1182/blood-x"
                                        if "doi" in article else ""))
    new = lib.articles.add(Article(**article))
    moved = lib.citations.resolve_stubs([new])
    assert (moved == 1) is resolves
    assert (new in [e["article_id"] for e in cg.references(lib, citing)]) is resolves


def test_short_titles_never_match(lib):
    citing = lib.articles.add(Article(title="Citing review"))
    lib.citations.add(citing, Reference(title="Leukemia", year=2010))
    new = lib.articles.add(Article(title="Leukemia", issued="2010"))
    assert lib.citations.resolve_stubs([new]) == 0
    assert lib.execute("SELECT count(*) FROM reference_stubs").fetchone()[0] == 1


def test_reference_matching_library_article_is_a_direct_link(lib):
    a = lib.articles.add(Article(title=TITLE, doi="10.1182/blood-2009-07-235358", issued="2010"))
    b = lib.articles.add(Article(title="Citing"))
    assert lib.citations.add(b, Reference(doi="https://doi.org/10.1182/BLOOD-2009-07-235358"))
    assert not lib.citations.add(b, Reference(title=TITLE.lower(), year=2010))  # same edge
    assert cg.references(lib, b)[0]["article_id"] == a
    assert lib.execute("SELECT count(*) FROM reference_stubs").fetchone()[0] == 0
    assert not lib.citations.add(a, a)   # no self-citation


def test_stubs_of_one_work_are_merged(lib):
    x, y, z = (lib.articles.add(Article(title=f"Citing {i}")) for i in "xyz")
    lib.citations.add(x, Reference(doi="10.1000/abc"))
    lib.citations.add(y, Reference(pmid="111"))
    lib.citations.add(z, Reference(title=TITLE, year=2010))
    assert lib.execute("SELECT count(*) FROM reference_stubs").fetchone()[0] == 3
    # a reference that shows all three are one work
    lib.citations.add(z, Reference(doi="10.1000/ABC", pmid="111", title=TITLE, year=2010))
    rows = lib.execute("SELECT id, doi, pmid, title_key, cited_count FROM reference_stubs").fetchall()
    assert len(rows) == 1
    assert rows[0][1:] == ("10.1000/abc", "111", title_key(TITLE), 3)
    top = cg.missing_works(lib)
    assert [(w.count, w.identifier) for w in top] == [(3, "111")]   # PMID first
    assert {c["article_id"] for c in top[0].citing} == {x, y, z}


def test_conflicting_identifiers_are_not_merged(lib):
    x = lib.articles.add(Article(title="Citing"))
    lib.citations.add(x, Reference(doi="10.1000/one", title=TITLE, year=2010))
    lib.citations.add(x, Reference(doi="10.1000/two", title=TITLE, year=2010))
    assert lib.execute("SELECT count(*) FROM reference_stubs").fetchone()[0] == 2


def test_missing_ranking_and_views(lib):
    arts = [lib.articles.add(Article(title=f"Review {i}")) for i in range(6)]
    lib.tags.add(arts[:2], "cart")
    # work A cited by 5, B by 3, C by 2 (both tagged), D has no identifier
    for i in range(5):
        lib.citations.add(arts[i], Reference(pmid="1001"))
    for i in range(3, 6):
        lib.citations.add(arts[i], Reference(doi="10.9000/b"))
    for i in range(2):
        lib.citations.add(arts[i], Reference(doi="10.9000/c"))
    lib.citations.add(arts[0], Reference(raw="An unpublished talk, 2020"))
    lib.citations.add(arts[0], Reference(pmid="1001"), kind="similar")   # similar doesn't count
    top = cg.missing_works(lib)
    assert [(w.identifier, w.count) for w in top][:3] == [("1001", 5), ("10.9000/b", 3), ("10.9000/c", 2)]
    assert top[-1].identifier is None and top[-1].count == 1
    assert [w.identifier for w in cg.missing_works(lib, limit=2)] == ["1001", "10.9000/b"]
    assert [w.identifier for w in cg.missing_works(lib, addable_only=True)] == ["1001", "10.9000/b",
                                                                               "10.9000/c"]
    # a view: the tagged articles only
    cond = ("a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            "WHERE t.name = ?)")
    v = cg.missing_works(lib, where=cond, params=["cart"])
    assert [(w.identifier, w.count) for w in v][:2] == [("1001", 2), ("10.9000/c", 2)]
    assert "10.9000/b" not in [w.identifier for w in v]
    assert [(w.identifier, w.count) for w in cg.missing_works(lib, article_ids=arts[3:])] == \
        [("10.9000/b", 3), ("1001", 2)]
    assert cg.missing_works(lib, article_ids=[]) == []
    # trashing citing articles lowers the counts; restoring brings them back
    lib.articles.trash(arts[:3])
    assert [(w.identifier, w.count) for w in cg.missing_works(lib)][:2] == [("10.9000/b", 3),
                                                                          ("1001", 2)]
    lib.articles.restore(arts[:3])
    assert cg.missing_works(lib)[0].count == 5
    # a work that entered the library without stub resolution is not "missing"
    lib.execute("INSERT INTO articles(title, doi, added, modified) VALUES ('B', '10.9000/b', '', '')")
    assert "10.9000/b" not in [w.identifier for w in cg.missing_works(lib)]
    assert lib.citations.resolve_all() == 3
    assert lib.citations.recount() == 0


def test_merging_duplicate_articles_keeps_every_edge(lib):
    keep, dup, x, y = (lib.articles.add(Article(title=t)) for t in ("Keep", "Dup", "X", "Y"))
    lib.citations.add(dup, x)                          # dup cites x (keep does too)
    lib.citations.add(keep, x)
    lib.citations.add(dup, Reference(pmid="777"))      # a work not in the library
    lib.citations.add(y, dup)                          # y cites dup
    lib.citations.add(dup, keep)                       # would become a self-citation
    lib.citations.add(dup, y, kind="similar")
    lib.citations.move_article_edges(dup, keep)
    lib.articles.trash([dup])
    lib.articles.empty_trash()
    assert [e["article_id"] for e in lib.citations.references(keep)] == [x, None]
    assert lib.citations.references(keep)[1]["stub_id"]
    assert [e["article_id"] for e in lib.citations.cited_by(keep)] == [y]
    assert [e["article_id"] for e in lib.citations.similar(keep)] == [y]
    assert [(w.identifier, w.count) for w in cg.missing_works(lib)] == [("777", 1)]
    assert lib.citations.recount() == 0


@pytest.mark.parametrize("seed", range(6))
def test_counts_stay_exact_under_random_changes(lib, seed):
    rnd = random.Random(seed)
    ids = [lib.articles.add(Article(title=f"Article number {i} about leukemia therapy"))
           for i in range(30)]
    works = [Reference(doi=f"10.5000/{i}") if i % 3 else Reference(pmid=str(500 + i))
             for i in range(25)]
    for step in range(400):
        op = rnd.random()
        live = [i for i in ids if lib.execute("SELECT deleted_at IS NULL FROM articles WHERE "
                                              "id = ?", (i,)).fetchone()]
        if op < 0.6 and live:
            lib.citations.add(rnd.choice(live), rnd.choice(works),
                              kind=rnd.choice(["cites", "cites", "similar", "cited_by"]))
        elif op < 0.7 and live:
            lib.articles.trash([rnd.choice(live)])
        elif op < 0.8:
            lib.articles.restore(ids)
        elif op < 0.85:
            lib.articles.empty_trash()
        elif op < 0.87 and len(live) > 2:
            a, b = rnd.sample(live, 2)
            lib.citations.move_article_edges(a, b)
        elif op < 0.9:
            w = rnd.choice(works)
            lib.citations.resolve_stubs([lib.articles.add(Article(title="Added", doi=w.doi,
                                                                   pmid=w.pmid))])
        else:
            rows = lib.execute("SELECT citing_id, stub_id, kind FROM citations WHERE stub_id "
                               "IS NOT NULL ORDER BY id").fetchall()
            row = rnd.choice(rows) if rows else None
            if row:
                lib.citations.remove(row[0], stub_id=row[1], kind=row[2])
    assert lib.execute("SELECT count(*) FROM citations").fetchone()[0] > 20
    assert lib.citations.recount() == 0


def test_resolve_stubs_uses_indexes(lib):
    """The lookups must not scan the tables (they run for every imported article)."""
    plans = []
    for col in ("doi", "pmid", "pmcid", "title_key"):
        plans += [r[3] for r in lib.execute(
            f"EXPLAIN QUERY PLAN SELECT s.id, a.id FROM articles a JOIN reference_stubs s "
            f"ON s.{col} = a.{col} AND s.{col} != '' WHERE a.id IN (1, 2) AND a.{col} != '' "
            f"AND a.deleted_at IS NULL AND s.resolved_id IS NULL")]
    assert not [p for p in plans if p.startswith("SCAN")], plans
    refs = [r[3] for r in lib.execute(
        "EXPLAIN QUERY PLAN SELECT c.stub_id FROM citations c WHERE c.citing_id = ? AND "
        "c.stub_id IS NOT NULL AND c.kind = ?", (1, "cites"))]
    assert not [p for p in refs if p.startswith("SCAN")], refs


def test_migration_from_schema_1_computes_counts(lib_path, monkeypatch):
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    monkeypatch.setattr(schema, "LATEST", 1)
    with Library.open(lib_path) as old:
        a = old.articles.add(Article(title="One"))
        b = old.articles.add(Article(title="Two"))
        sid = old.execute("INSERT INTO reference_stubs(doi) VALUES ('10.7000/x')").lastrowid
        for citing in (a, b):
            old.execute("INSERT INTO citations(citing_id, stub_id, kind) VALUES (?, ?, 'cites')",
                        (citing, sid))
    monkeypatch.undo()
    with Library.open(lib_path) as new:
        assert new.schema_version == schema.LATEST
        assert [(w.identifier, w.count) for w in cg.missing_works(new)] == [("10.7000/x", 2)]


def test_services_one_step_add_helpers(lib, seed):
    from amlref.core.errors import NotFound, UsageError
    from amlref.services import citations as svc
    from amlref.services.views import View
    other = lib.articles.find("40566589")
    lib.citations.add(other.id, Reference(doi="10.1000/xyz", pmid="33333333"))
    lib.citations.add(other.id, Reference(doi="10.1000/only-doi"))
    lib.citations.add(seed.id, Reference(doi="10.1000/only-doi"))
    lib.citations.add(other.id, Reference(raw="A conference talk without identifiers, 2019"))
    rows = svc.missing(lib)
    assert [(r["rank"], r["identifier"], r["count"]) for r in rows] == [
        (1, "10.1000/only-doi", 2), (2, "33333333", 1), (3, None, 1)]
    assert rows[1]["add_command"] == "amlref add 33333333"
    assert svc.identifier_to_add(lib, rows[1]["stub_id"]) == "33333333"
    with pytest.raises(UsageError):
        svc.identifier_to_add(lib, rows[2]["stub_id"])
    with pytest.raises(NotFound):
        svc.identifier_to_add(lib, 99999)
    assert svc.missing_identifiers(lib) == ["10.1000/only-doi", "33333333"]
    lib.tags.add([seed.id], "review")
    assert [r["identifier"] for r in svc.missing(lib, View(tag="review"))] == ["10.1000/only-doi"]
    # in that view both are cited once: ties go to the work known first
    assert svc.missing_identifiers(lib, View(query="galectin")) == ["33333333",
                                                                   "10.1000/only-doi"]
    # once added, the stub is resolved and the helper says so
    sid = rows[1]["stub_id"]
    new = lib.articles.add(Article(title="Added", pmid="33333333"))
    lib.citations.resolve_stubs([new])
    with pytest.raises(UsageError):
        svc.identifier_to_add(lib, sid)


def test_citations_known_only_by_text(lib):
    a, b = (lib.articles.add(Article(title=t)) for t in ("A", "B"))
    raw = ("Bolon Y, Atshan R, Allbee-Johnson M, Estrada Merly N, Lee SJ. Current use and outcome "
           "of hematopoietic stem cell transplantation: CIBMTR summary slides. (2022).")
    lib.citations.add(a, Reference(raw=raw))
    lib.citations.add(b, Reference(raw=raw))
    lib.citations.add(b, Reference(raw="Ibid."))
    lib.citations.add(a, Reference(raw="Ibid."))
    lib.citations.add(a, Reference(raw="Personal communication"))
    assert lib.execute("SELECT count(*) FROM reference_stubs").fetchone()[0] == 3
    assert [(w.count, w.identifier) for w in cg.missing_works(lib)][:2] == [(2, None), (2, None)]
    plan = " ".join(r[3] for r in lib.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM reference_stubs WHERE title_key != '' AND "
        "title_key = ? AND doi = '' AND pmid = '' AND pmcid = ''", ("x",)))
    assert "INDEX" in plan
    # an identifier that does not normalise is kept as the text of the reference
    lib.citations.add(a, Reference(doi="not a doi"))
    assert lib.execute("SELECT raw FROM reference_stubs WHERE raw LIKE 'doi:%'").fetchone() == \
        ("doi: not a doi",)
    assert not lib.citations.add(a, Reference())   # nothing to know it by
