"""Views: the category tree with counts (sub-categories included), category x facet combinations,
saved searches, exports by category, user decisions through the command line."""
from __future__ import annotations

import json

import pytest
from conftest import corpus

from amlref.core.article import Article
from amlref.taxonomy import model

SEED = "39697225"


@pytest.fixture(autouse=True)
def _fresh_cache():
    model.clear_cache()
    yield
    model.clear_cache()


@pytest.fixture
def seeded(cli):
    r = cli("import", corpus("seed", "pubmed-page-39697225.txt"), "--json")
    assert r.code == 0, r
    return cli


def dev_articles() -> list[Article]:
    out = []
    for line in corpus("aml-dev", "records.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        out.append(Article(title=r["title"] or r["record_id"], abstract=r["abstract"] or "",
                           keywords=r["keywords"], mesh=r["mesh"], pmid=r.get("pmid") or "",
                           issued=r.get("year") or ""))
    return out


def find(nodes, slug):
    for n in nodes:
        if n["slug"] == slug:
            return n
        hit = find(n["children"], slug)
        if hit:
            return hit
    return None


def test_tree_counts_include_sub_categories(lib):
    from amlref.services.classify import classify_all
    from amlref.services.views import View, category_tree, view_ids
    ids = lib.articles.add_many(dev_articles(), strict=False)
    classify_all(lib)
    tree = category_tree(lib)
    assert tree["total"] == len(ids)
    assert [n["slug"] for n in tree["categories"]][:7] == list(model.TOP_LEVEL)
    act = find(tree["categories"], "adoptive-cell-therapy")
    children = {c["slug"]: c["count"] for c in act["children"]}
    assert children["car-t"] >= 10 and children["nk-cell-therapy"] >= 1
    in_any = set(view_ids(lib, View(category="adoptive-cell-therapy")))
    assert act["count"] == len(in_any) >= max(children.values())
    assert in_any >= set(view_ids(lib, View(category="car-t")))
    assert 0 < tree["uncategorized"] < tree["total"]
    # facets are grouped by their prefix
    assert find(tree["facets"]["target"], "target:cd33")["count"] >= 3
    # a trashed article no longer counts
    victim = view_ids(lib, View(category="car-t"))[0]
    lib.articles.trash([victim])
    assert find(category_tree(lib)["categories"], "car-t")["count"] == children["car-t"] - 1


def test_combinations_category_and_facets(lib):
    from amlref.services.classify import classify_all
    from amlref.services.views import View, combination_counts, view_ids
    lib.articles.add_many(dev_articles(), strict=False)
    classify_all(lib)
    car = set(view_ids(lib, View(category="adoptive-cell-therapy")))
    rr = set(view_ids(lib, View(facets=["setting:relapsed-refractory"])))
    both = set(view_ids(lib, View(category="adoptive-cell-therapy",
                                  facets=["setting:relapsed-refractory"])))
    assert both == car & rr and both
    by_target = dict(combination_counts(lib, "adoptive-cell-therapy", "target"))
    for slug, n in by_target.items():
        assert n == len(view_ids(lib, View(category="adoptive-cell-therapy", facets=[slug])))
    assert by_target.get("target:cd33", 0) >= 1
    # three-way: CAR-T x CD123 x relapsed/refractory is a subset of each
    three = set(view_ids(lib, View(category="car-t",
                                   facets=["target:cd123", "setting:relapsed-refractory"])))
    assert three <= set(view_ids(lib, View(facets=["target:cd123"])))


def test_categories_command_and_export_by_category(seeded):
    r = seeded("categories", "--json")
    assert r.code == 0, r
    tree = r.json()
    assert tree["total"] == 11
    assert find(tree["categories"], "adoptive-cell-therapy")["count"] >= \
        find(tree["categories"], "car-t")["count"] >= 1
    out = seeded("categories")
    assert "checkpoint-inhibitors" in out.out and "car-t" in out.out
    for cat in ("car-t", "adoptive-cell-therapy", "checkpoint-inhibitors"):
        r = seeded("export", "-f", "csljson", "--category", cat)
        assert r.code == 0, r
        items = json.loads(r.out)
        assert any(i.get("PMID") == SEED for i in items), cat
    r = seeded("export", "-f", "csljson", "--category", "t-cell-engagers")
    assert r.code == 0 and json.loads(r.out) == []
    r = seeded("categories", "--category", "adoptive-cell-therapy", "--by", "setting", "--json")
    assert r.code == 0, r
    assert {"slug": "setting:relapsed-refractory", "count": 1} in r.json()["counts"]


def test_show_lists_categories_with_reasons(seeded):
    r = seeded("show", SEED, "--json")
    cats = {c["slug"]: c for c in r.json()["categories"]}
    for slug in ("checkpoint-inhibitors", "adoptive-cell-therapy", "vaccines", "innate-agonists"):
        assert cats[slug]["reason"] and cats[slug]["source"] == "auto"
        assert all({"rule", "field", "words"} <= set(x) for x in cats[slug]["reason"])


def test_user_decisions_stick_through_the_command_line(seeded):
    assert seeded("category", "remove", "checkpoint-inhibitors", SEED).code == 0
    assert seeded("category", "add", "allo-hsct-gvl", SEED).code == 0
    assert seeded("category", "add", "target:cd33", SEED).code == 0
    r = seeded("classify", "--all", "--json")
    assert r.code == 0 and r.json()["classified"] == 11
    cats = {c["slug"]: c for c in seeded("show", SEED, "--json").json()["categories"]}
    assert "checkpoint-inhibitors" not in cats
    assert cats["allo-hsct-gvl"]["source"] == "user"
    assert cats["target:cd33"]["kind"] == "facet"
    r = seeded("export", "-f", "csljson", "--category", "checkpoint-inhibitors")
    assert all(i.get("PMID") != SEED for i in json.loads(r.out))
    # reset: the classifier decides again
    assert seeded("category", "reset", "checkpoint-inhibitors", SEED).code == 0
    cats = {c["slug"] for c in seeded("show", SEED, "--json").json()["categories"]}
    assert "checkpoint-inhibitors" in cats
    r = seeded("category", "add", "car-tt", SEED)
    assert r.code == 2 and "car-t" in r.err


def test_classify_explain(seeded):
    r = seeded("classify", "--explain", SEED, "--json")
    assert r.code == 0, r
    considered = {d["slug"]: d for d in r.json()["considered"]}
    assert considered["vaccines"]["assigned"] and considered["vaccines"]["reasons"]
    allo = considered["allo-hsct-gvl"]
    assert not allo["assigned"]
    assert any("negation" in i["why"] for i in allo["ignored"])
    text = seeded("classify", "--explain", SEED)
    assert "+ checkpoint-inhibitors" in text.out and "(ignored)" in text.out
    r = seeded("classify")
    assert r.code == 0 and "up to date" in r.out


def test_saved_searches_are_views(seeded):
    r = seeded("saved", "add", "imm-act", "--query", "immunotherapy", "--category",
               "adoptive-cell-therapy")
    assert r.code == 0, r
    r = seeded("saved", "add", "rr", "--facet", "setting:relapsed-refractory")
    assert r.code == 0, r
    views = {v["name"]: v for v in seeded("views", "--json").json()["saved"]}
    assert views["imm-act"]["count"] >= 1 and views["imm-act"]["filters"] == {
        "category": "adoptive-cell-therapy"}
    shown = seeded("saved", "show", "imm-act", "--json").json()
    assert shown["count"] == views["imm-act"]["count"]
    r = seeded("export", "-f", "csljson", "--saved", "imm-act")
    assert r.code == 0 and len(json.loads(r.out)) == shown["count"]
    assert seeded("saved", "remove", "imm-act").code == 0
    assert "imm-act" not in {v["name"] for v in seeded("views", "--json").json()["saved"]}
    assert seeded("saved", "remove", "imm-act").code == 2
    assert seeded("saved", "add", "x").code == 2
    assert seeded("saved", "add", "x", "--category", "nope").code == 2


def test_taxonomy_change_reclassifies_on_next_view(seeded):
    before = find(seeded("categories", "--json").json()["categories"], "t-cell-engagers")["count"]
    assert before == 0
    p = model.user_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    # the user decides that reviews of "immunotherapeutic strategies" are engager papers
    p.write_text('[category.t-cell-engagers]\nadd_terms = ["immunotherapeutic strategies"]\n',
                 encoding="utf-8")
    model.clear_cache()
    after = find(seeded("categories", "--json").json()["categories"], "t-cell-engagers")["count"]
    assert after >= 1


def test_real_pubmed_records_with_mesh_and_other_diseases(cli):
    """Real efetch records: an older-patients cohort on checkpoint inhibitors (MeSH "Immune
    Checkpoint Inhibitors"): its category from the title and MeSH, marked disease:other; a
    DLBCL review with CAR-T only in its keywords: suggested; a guideline on liver lesions gets
    none."""
    files = [corpus("pubmed", "metapub-pmid-xml", f"{p}.xml")
             for p in ("38704912", "36873252", "38958301")]
    r = cli("import", *files, "--json")
    assert r.code == 0, r
    ici = {c["slug"]: c for c in cli("show", "38704912", "--json").json()["categories"]}
    assert {"checkpoint-inhibitors", "disease:other"} <= set(ici)
    assert "mesh" in {x["field"] for x in ici["checkpoint-inhibitors"]["reason"]}
    # (another disease's author keywords alone are not its subject: CAR-T among the keywords of
    # a DLBCL review is a suggestion, not a category; the title or MeSH would make it one)
    shown = cli("show", "36873252", "--json").json()
    dlbcl = {c["slug"] for c in shown["categories"]}
    assert "study:review" in dlbcl
    assert not {"disease:aml", "checkpoint-inhibitors", "car-t", "adoptive-cell-therapy"} & dlbcl
    assert {"adoptive-cell-therapy", "car-t"} <= {c["slug"] for c in shown["suggestions"]}
    liver = cli("show", "38958301", "--json").json()["categories"]
    assert not [c for c in liver if c["kind"] == "category"]
