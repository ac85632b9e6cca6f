"""Citation alerts, watches from the taxonomy, and the digest."""
from __future__ import annotations

import json

import pytest

from amlref.storage.library import Library
from amlref.storage.watches import WatchStore
from test_sources_support import JSON, XML, FakeApi, api_file, ids_of
from test_watches_support import configure, efetch, elink_citedin, esearch_of, metapub_pmids


@pytest.fixture
def api(httpserver, cli, tmp_path):
    a = FakeApi(httpserver)
    configure(cli, a, tmp_path)
    return a


def test_citing_pubmed_targets_via_elink_citedin(api, cli, lib_path):
    pmids = metapub_pmids()
    target, citing = pmids[0], pmids[1:6]
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("add", target).code == 0
    api.route("/eutils/elink.fcgi", elink_citedin(target, citing + [target]), XML)
    assert cli("watch", "add-citing", "cites it", target).code == 0
    api.calls.clear()
    r = cli("watch", "run", "cites it", "--json")
    assert r.code == 0, r
    assert r.json()[0]["added"] == 5
    [(_, args)] = [c for c in api.calls if c[0] == "/eutils/elink.fcgi"]
    assert args["linkname"] == ["pubmed_pubmed_citedin"] and args["id"] == [target]
    fetched = [i for p, a in api.calls if p == "/eutils/efetch.fcgi" for i in ids_of(a)]
    assert sorted(fetched) == sorted(citing)               # the target itself is not news
    # elink asked afresh on the next run (the list grows), nothing fetched twice
    more = pmids[6:8]
    api.route("/eutils/elink.fcgi", elink_citedin(target, citing + more), XML)
    api.calls.clear()
    r = cli("watch", "run", "cites it", "--json")
    assert r.json()[0]["added"] == 2 and r.json()[0]["seen"] == 5
    assert sorted(i for p, a in api.calls if p == "/eutils/efetch.fcgi"
                  for i in ids_of(a)) == sorted(more)


def test_citing_doi_only_targets_via_openalex_from_the_last_run(api, cli, lib_path):
    work = json.loads(api_file("api", "openalex-works", "case-001.json"))
    doi = work["doi"].replace("https://doi.org/", "")
    lib = Library.open(lib_path)
    from amlref.core.article import Article
    aid = lib.articles.add(Article(title=work["title"], doi=doi, issued="1982"))
    key = lib.articles.get(aid).citekey
    lib.close()
    api.route(f"/openalex/works/doi:{doi}", json.dumps(work), JSON)
    listing = api_file("api", "openalex-works", "case-006.json")   # a real /works list answer
    api.route("/openalex/works", listing, JSON)
    assert cli("watch", "add-citing", "econ", key).code == 0
    r = cli("watch", "run", "econ", "--json")
    assert r.code == 0, r
    n = len(json.loads(listing)["results"])
    assert r.json()[0]["added"] == n
    first = [a for p, a in api.calls if p == "/openalex/works"]
    assert first[0]["filter"] == [f"cites:{work['id'].rsplit('/', 1)[1]}"]   # first run: all
    lib = Library.open(lib_path)
    try:
        items = WatchStore(lib).items()
        assert len(items) == n and all(i["state"] == "new" for i in items)
        assert all(lib.articles.get(i["article_id"]).origin == "openalex" for i in items)
        last = WatchStore(lib).get("econ")["last_run"]
    finally:
        lib.close()
    api.calls.clear()
    r = cli("watch", "run", "econ", "--json")
    assert r.json()[0]["added"] == 0 and r.json()[0]["seen"] == n
    flt = [a["filter"][0] for p, a in api.calls if p == "/openalex/works"]
    from datetime import datetime, timedelta      # OpenAlex indexes late: 60 days back
    since = (datetime.strptime(last[:10], "%Y-%m-%d") - timedelta(days=60)).strftime("%Y-%m-%d")
    assert flt == [f"cites:{work['id'].rsplit('/', 1)[1]},from_publication_date:{since}"]


def test_add_citing_an_unknown_key_is_one_line(api, cli):
    r = cli("watch", "add-citing", "x", "nosuchkey")
    assert r.code == 2 and r.err.count("\n") == 1 and "nosuchkey" in r.err


def test_suggested_watches_come_from_the_loaded_taxonomy(cli, tmp_path, monkeypatch):
    from amlref.taxonomy.model import clear_cache, load
    tax = load()
    r = cli("watch", "suggest")
    assert r.code == 0
    names = [ln for ln in r.out.splitlines() if not ln.startswith(" ")]
    assert names == [n.label for n in tax.roots("category")]
    queries = [ln.strip() for ln in r.out.splitlines() if ln.startswith(" ")]
    assert all(q.startswith('("Leukemia, Myeloid, Acute"[MeSH Terms]) AND (') for q in queries)
    cpi = queries[names.index(tax.get("checkpoint-inhibitors").label)]
    assert '"Immune Checkpoint Inhibitors"[MeSH Terms]' in cpi and '"magrolimab"[Title/Abstract]' in cpi
    # sub-categories' agents are in their top category's watch
    act = queries[names.index(tax.get("adoptive-cell-therapy").label)]
    assert '"UCART123"[Title/Abstract]' in act
    # the user's taxonomy changes the suggestion: nothing is hard-coded
    user = tmp_path / "taxonomy.toml"
    user.write_text('[category.vaccines]\nadd_drugs = ["galinpepimut-S-test"]\n'
                    '[category.innate-agonists]\ndisabled = true\n', "utf-8")
    monkeypatch.setenv("AMLREF_TAXONOMY", str(user))
    clear_cache()
    r = cli("watch", "suggest")
    assert '"galinpepimut-S-test"[Title/Abstract]' in r.out
    assert tax.get("innate-agonists").label not in r.out
    assert cli("watch", "add-defaults").code == 0
    lst = cli("watch", "list", "--json").json()
    assert len(lst) == len(tax.roots("category")) - 1
    assert "all there already" in cli("watch", "add-defaults").out
    # editable
    name = lst[0]["name"]
    assert cli("watch", "edit", name, "CD123[tiab] AND AML[tiab]").code == 0
    assert [w["query"] for w in cli("watch", "list", "--json").json()
            if w["name"] == name] == ["CD123[tiab] AND AML[tiab]"]


def test_digest_markdown_and_html(api, cli, lib_path, tmp_path):
    pmids = metapub_pmids()[:6]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", "AML[tiab]")
    assert cli("watch", "run", "w").code == 0
    r = cli("digest", "--since", "7d")
    assert r.code == 0, r
    lib = Library.open(lib_path)
    try:
        arts = [lib.articles.find(p) for p in pmids]
    finally:
        lib.close()
    for a in arts:
        assert f"`{a.citekey}`" in r.out and f"https://pubmed.ncbi.nlm.nih.gov/{a.pmid}/" in r.out
    assert r.out.startswith("# New articles since ") and "(watch: w)" in r.out
    assert "## " in r.out
    out = tmp_path / "d.html"
    assert cli("digest", "--since", "1w", "--html", "-o", out).code == 0
    text = out.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>") and all(a.citekey in text for a in arts)
    from html.parser import HTMLParser
    HTMLParser().feed(text)
    # nothing in a period before the run
    r = cli("digest", "--since", "2000-01-01")
    assert r.code == 0 and all(a.citekey in r.out for a in arts)
    r = cli("digest", "--since", "soon")
    assert r.code == 2 and r.err.count("\n") == 1
