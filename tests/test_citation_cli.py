"""`amlref citations show | missing | graph` on the seed PubMed page."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from amlref.core.article import Reference
from tests.test_citations import seed  # noqa: F401  (fixture: the seed PubMed page)
from tests.test_graph_export import parse_dot


def test_show_json(cli, lib, seed):  # noqa: F811
    r = cli("citations", "show", "39697225", "--json")
    assert r.code == 0, r
    d = r.json()
    assert d["article"]["pmid"] == "39697225"
    assert {e["pmid"] for e in d["cited_by"]} == {"40443513", "40566589", "40762019"}
    assert d["counts"]["cited_by"] == 3 and d["counts"]["references"] == len(d["references"])
    assert "10.1182/blood-2009-07-235358" in {e["doi"] for e in d["references"]}
    # by DOI and by citation key too; text output lists both sections
    key = d["article"]["citekey"]
    t = cli("citations", "show", key)
    assert t.code == 0 and "cited by:" in t.out and "references:" in t.out
    assert cli("citations", "show", "10.3389/fonc.2024.1374963", "--json").json() == d


def test_show_unknown_key_is_one_line_error(cli, lib):
    r = cli("citations", "show", "nosuchkey")
    assert r.code == 2 and r.err.count("\n") == 1 and "nosuchkey" in r.err


def test_missing_whole_library_and_view(cli, lib, seed):  # noqa: F811
    other = lib.articles.find("40443513")
    lib.citations.add(other.id, Reference(doi="10.1182/blood-2009-07-235358"))
    lib.citations.add(other.id, Reference(pmid="31234567", title="A trial"))
    lib.tags.add([other.id], "persisters")
    d = cli("citations", "missing", "--json").json()
    if any(m["doi"] == "10.1182/blood-2009-07-235358" for m in d["missing"]):
        top = d["missing"][0]
        assert top["doi"] == "10.1182/blood-2009-07-235358" and top["count"] == 2
        assert top["identifier"] == "10.1182/blood-2009-07-235358"
        assert top["add_command"] == "amlref add 10.1182/blood-2009-07-235358"
        assert {c["article_id"] for c in top["citing"]} == {seed.id, other.id}
    assert [m["rank"] for m in d["missing"]] == list(range(1, d["count"] + 1))
    v = cli("citations", "missing", "--tag", "persisters", "--json").json()
    assert {m["identifier"] for m in v["missing"]} <= {"10.1182/blood-2009-07-235358", "31234567"}
    assert "31234567" in {m["identifier"] for m in v["missing"]}
    assert all(m["count"] == 1 for m in v["missing"])
    assert cli("citations", "missing", "--limit", "1", "--json").json()["count"] == 1
    t = cli("citations", "missing", "--tag", "persisters")
    assert t.code == 0 and "amlref add 31234567" in t.out
    assert cli("citations", "missing", "--tag", "nosuchtag").code == 2
    assert cli("citations", "missing", "--limit", "0").code == 2


def test_missing_in_a_search_view(cli, lib, seed):  # noqa: F811
    other = lib.articles.find("40566589")   # Galectin-3 ...
    lib.citations.add(other.id, Reference(pmid="31234567"))
    v = cli("citations", "missing", "--query", "galectin", "--json").json()
    assert [m["identifier"] for m in v["missing"]] == ["31234567"]


def test_graph_files(cli, lib, seed, tmp_path):  # noqa: F811
    out = tmp_path / "g.graphml"
    r = cli("citations", "graph", "-o", str(out))
    assert r.code == 0, r
    root = ET.parse(out).getroot()
    g = "{http://graphml.graphdrawing.org/xmlns}"
    assert len(root.findall(f"{g}graph/{g}node")) == lib.articles.count()
    r = cli("citations", "graph", "-f", "dot", "--external")
    nodes, edges = parse_dot(r.out)
    assert len(nodes) == lib.articles.count() + lib.execute(
        "SELECT count(*) FROM reference_stubs WHERE resolved_id IS NULL").fetchone()[0]
    assert len(edges) == lib.execute("SELECT count(*) FROM citations").fetchone()[0]
    r = cli("citations", "graph", "-f", "dot", "--query", "galectin")
    nodes, edges = parse_dot(r.out)
    assert len(nodes) == 1 and edges == []
    assert cli("citations", "graph", "-f", "png").code == 2
    assert cli("citations").code == 2


def test_import_then_citations_end_to_end(cli, tmp_path):
    """The seed page through `amlref import` (the whole pipeline), then the citation commands."""
    from tests.conftest import corpus
    page = corpus("seed", "pubmed-page-39697225.txt")
    r = cli("import", page, "--json")
    assert r.code == 0, r
    assert r.json()["added"] >= 9
    d = cli("citations", "show", "39697225", "--json").json()
    assert d["counts"]["cited_by"] == 3 and d["counts"]["similar"] == 5
    assert d["counts"]["references"] == 2
    cli("import", page)   # idempotent: nothing new
    assert cli("citations", "show", "39697225", "--json").json() == d
    g = cli("citations", "graph", "-f", "dot").out
    nodes, edges = parse_dot(g)
    assert len(edges) == 10 and len(nodes) >= 9
