"""Duplicates: merged on import without loss; found and merged in bulk; decisions remembered."""
import json

import pytest

from amlref.core.article import Article, ParseResult, Person, Link, Reference
from amlref.services.dedup import find_groups, mark_not_duplicates, merge_all, merge_group
from amlref.services.importing import import_results


def rec(title="CD123-directed CAR T cells for relapsed AML", family="Smith", year="2021", **kw):
    return Article(title=title, authors=[Person(family=family, given="J")], issued=year,
                   origin=kw.pop("origin", "ris"), **kw)


def imp(lib, *arts, links=()):
    return import_results(lib, [("f.ris", ParseResult(articles=list(arts), links=list(links),
                                                     format="ris"))], classify=False)


def test_same_doi_merges_and_fills_missing_fields(lib):
    r1 = imp(lib, rec(doi="10.1000/abc", volume="12"))
    r2 = imp(lib, rec(doi="https://doi.org/10.1000/ABC", pmid="123", abstract="New abstract",
                      volume="13", keywords=["CAR-T"]))
    assert len(r1.added) == 1 and r2.added == [] and len(r2.merged) == 1
    a = lib.articles.get(r1.added[0])
    assert a.pmid == "123" and a.abstract == "New abstract" and a.keywords == ["CAR-T"]
    assert a.volume == "12"                                  # existing value kept
    assert a.extra["alternatives"]["volume"] == ["13"]       # differing value not thrown away


def test_title_year_author_rule(lib):
    first = imp(lib, rec(year="2021")).added[0]
    assert imp(lib, rec(title="CD123 directed CAR-T cells for relapsed AML.", year="2022")).added == []
    assert imp(lib, rec(year="2024")).added != []            # year too far
    assert imp(lib, rec(family="Jones")).added != []         # other first author
    assert lib.articles.get(first).title.startswith("CD123-directed")


def test_shared_title_with_different_identifiers_is_not_duplicate(lib):
    imp(lib, rec(pmid="111"))
    assert len(imp(lib, rec(pmid="222")).added) == 1
    imp(lib, rec(title="Editorial comment on AML therapy", doi="10.1000/x"))
    assert len(imp(lib, rec(title="Editorial comment on AML therapy", doi="10.1000/y")).added) == 1


def test_user_edits_and_tags_win(lib):
    aid = imp(lib, rec(doi="10.1000/abc")).added[0]
    lib.articles.update(aid, {"title": "My corrected title", "container": ""},
                        by_user=True)
    lib.tags.add([aid], "to-read")
    inc = rec(title="CD123-directed CAR T cells for relapsed AML", doi="10.1000/abc",
              container="Blood", tags=["imported"])
    imp(lib, inc)
    a = lib.articles.get(aid)
    assert a.title == "My corrected title"
    assert a.container == ""                                  # the user emptied it on purpose
    assert sorted(lib.tags.of(aid)) == ["imported", "to-read"]


def test_links_are_united_and_same_file_twice_adds_nothing(lib):
    main = rec(title="Main review of AML immunotherapy", pmid="1")
    cited = rec(title="A cited trial of magrolimab", family="Sallman", pmid="2")
    links = [Link(0, 1, "cites", "pubmed-page"), Link(0, Reference(raw="Some book", pmid="3"), "cites")]
    r1 = imp(lib, main, cited, links=links)
    assert len(r1.added) == 2 and r1.links == 2
    r2 = imp(lib, rec(title="Main review of AML immunotherapy", pmid="1"),
             rec(title="A cited trial of magrolimab", family="Sallman", pmid="2"), links=links)
    assert r2.added == [] and r2.links == 0
    assert lib.articles.count() == 2


def test_import_rolls_back_whole_on_error(lib, monkeypatch):
    imp(lib, rec(doi="10.1000/first"))
    import amlref.services.importing as importing

    def boom(*a, **k):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(importing, "DedupIndex", lambda l, only=None: type("X", (), {
        "match": lambda s, a, tkey=None, src=None: None,
        "compares_content": lambda s, tkey: False, "add": boom, "add_values": boom})())
    with pytest.raises(RuntimeError):
        imp(lib, rec(title="Another one entirely", doi="10.1000/second"))
    assert lib.articles.count() == 1


def test_find_and_merge_groups(lib):
    ids = lib.articles.add_many([
        rec(doi="10.1000/a"), rec(doi="10.1000/A", pmid="5"),                  # same DOI
        rec(title="Other paper about TIM-3 sabatolimab", family="Zeidan", pmid="9"),
        rec(title="Other paper about TIM-3 sabatolimab.", family="Zeidan", year="2022"),
        rec(title="Unrelated", family="Jones"),
    ])
    lib.tags.add([ids[1]], "keep-me")
    lib.notes.add(ids[1], "important note")
    other = lib.articles.add(rec(title="Citing paper", family="Y"))
    lib.citations.add(other, ids[1], "cites")
    groups = find_groups(lib)
    assert sorted(g.ids for g in groups) == [[ids[1], ids[0]], [ids[2], ids[3]]]
    assert groups[0].keep == ids[1]                                  # has tag and note
    merge_all(lib, groups)
    assert lib.articles.count() == 4
    kept = lib.articles.get(ids[1])
    assert kept.pmid == "5" and kept.doi == "10.1000/a"
    assert [c["article_id"] for c in lib.citations.references(other)] == [ids[1]]
    trashed = lib.articles.get(ids[0])
    assert trashed.deleted_at and trashed.extra["merged_into"] == kept.citekey
    assert find_groups(lib) == []


def test_not_duplicates_is_remembered(lib):
    a, b = lib.articles.add_many([rec(), rec(year="2022")])
    assert len(find_groups(lib)) == 1
    mark_not_duplicates(lib, a, b)
    assert find_groups(lib) == []


def test_dedup_cli_dry_run_then_merge(cli, tmp_path):
    items = [{"id": "k1", "type": "article-journal", "title": "Flotetuzumab for AML",
              "author": [{"family": "Uy"}], "issued": {"date-parts": [[2021]]}},
             {"id": "k2", "type": "article-journal", "title": "Flotetuzumab for AML",
              "author": [{"family": "Uy"}], "issued": {"date-parts": [[2021]]}, "DOI": "10.1000/f"}]
    for i, it in enumerate(items):
        p = tmp_path / f"{i}.json"
        p.write_text(json.dumps([it]))
        cli("--library", tmp_path / "lib.sqlite", "import", p)
    # the second import merged into the first already (same title/author/year):
    r = cli("--library", tmp_path / "lib.sqlite", "show", "k1", "--json")
    assert r.json()["doi"] == "10.1000/f" and "k2" in r.json()["extra"]["alias_keys"]
    r = cli("--library", tmp_path / "lib.sqlite", "dedup", "--json")
    assert r.json()["groups"] == []


def test_given_names_fill_in_family_only_authors(lib):
    aid = imp(lib, Article(title="Updates in novel immunotherapeutic strategies", pmid="39697225",
                           authors=[Person(family="Bawek"), Person(family="Przespolewski")])).added[0]
    imp(lib, Article(title="Updates in novel immunotherapeutic strategies", pmid="39697225",
                     authors=[Person("Bawek", "Sarah"), Person("Przespolewski", "Amanda")]))
    assert [p.given for p in lib.articles.get(aid).authors] == ["Sarah", "Amanda"]
    # different people are not "fuller": kept apart as an alternative
    imp(lib, Article(title="Updates in novel immunotherapeutic strategies", pmid="39697225",
                     authors=[Person("Other", "A"), Person("Person", "B")]))
    a = lib.articles.get(aid)
    assert [p.family for p in a.authors] == ["Bawek", "Przespolewski"]


def test_same_bibtex_key_and_short_title_is_the_same_record(lib):
    def entry(title):
        return Article(title=title, citekey="good", issued="2020", origin="bibtex")
    first = imp(lib, entry("Fine")).added
    again = imp(lib, entry("Fine"))
    assert len(first) == 1 and again.added == [] and again.unchanged == first
    other = imp(lib, entry("Another title"))          # same key, other record: kept apart
    assert len(other.added) == 1
    assert lib.articles.get(other.added[0]).citekey == "gooda"
    # its file imported again: found under the key it came with (the library noted it)
    again = imp(lib, entry("Another title"))
    assert again.added == [] and again.unchanged == other.added


# One RIS file, as a reference manager writes it: look-alike records (same title, first author
# and year) that are different records, and one record exported twice.
LOOKALIKES = """\
TY  - JOUR
AU  - DiNardo, Courtney D.
AU  - Jonas, Brian A.
TI  - Venetoclax combined with azacitidine in older patients with AML
T2  - Blood
PY  - 2020
VL  - 135
SP  - 617
EP  - 629
DO  - 10.1182/blood.2019001234
ER  - 

TY  - CHAP
AU  - DiNardo, Courtney D.
TI  - Venetoclax combined with azacitidine in older patients with AML
T2  - Advances in AML therapy
PY  - 2020
SP  - 45
EP  - 60
ER  - 

TY  - JOUR
AU  - DiNardo, Courtney D.
AU  - Jonas, Brian A.
TI  - Venetoclax combined with azacitidine in older patients with AML
T2  - Blood
PY  - 2020
VL  - 135
SP  - 617
EP  - 629
DO  - 10.1182/blood.2019009999
ER  - 

TY  - JOUR
AU  - DiNardo, Courtney D.
TI  - Venetoclax combined with azacitidine in older patients with AML
T2  - Blood
PY  - 2020
VL  - 136
SP  - 1
EP  - 2
ER  - 

TY  - JOUR
AU  - DiNardo, Courtney D.
TI  - Venetoclax combined with azacitidine in older patients with AML
T2  - Blood
PY  - 2020
VL  - 136
SP  - 1
EP  - 2
KW  - venetoclax
ER  - 

TY  - JOUR
AU  - Wei, Andrew H.
TI  - Oral azacitidine maintenance
T2  - N Engl J Med
PY  - 2020
AN  - 33369355
ER  - 
"""


def test_lookalikes_in_one_file_are_imported_apart_and_listed(lib, tmp_path, cli, lib_path):
    from amlref.services.importing import import_paths
    p = tmp_path / "venetoclax.ris"
    p.write_text(LOOKALIKES, encoding="utf-8")
    rep = import_paths(lib, [str(p)], classify=False)
    # chapter vs article, two DOIs, other volume/pages: apart; the record exported twice: one
    assert len(rep.added) == 5 and len(rep.merged) == 1
    assert rep.merged[0]["line"] == 44 and rep.merged[0]["id"] == rep.added[3]
    assert [(m["id"], m["like"], m["line"]) for m in rep.apart] == [
        (rep.added[1], rep.added[0], 13), (rep.added[2], rep.added[1], 22),
        (rep.added[3], rep.added[1], 34)]
    assert rep.summary() == ("5 added, 1 merged (1 the same as an earlier record of the import), "
                             "0 skipped; 3 kept apart from a look-alike record of the same file "
                             "(listed as possible duplicates)")
    merged = lib.articles.get(rep.added[3])
    assert merged.keywords == ["venetoclax"] and merged.volume == "136"
    assert "alternatives" not in merged.extra
    first = lib.articles.get(rep.added[0])
    assert first.volume == "135" and "alternatives" not in first.extra   # nothing mixed in
    groups = find_groups(lib)
    assert len(groups) == 1 and sorted(groups[0].ids) == sorted(rep.added[:4])
    assert groups[0].possible and groups[0].differ == ["identifiers", "pages", "type", "volume"]
    # the command line lists them as possible duplicates and does not merge them in bulk
    lib.close()
    r = cli("dedup", "--json")
    [g] = r.json()["groups"]
    assert g["possible"] and len(g["duplicates"]) == 3
    r = cli("dedup", "--merge")
    assert r.code == 0 and "possible (different identifiers, pages, type, volume): " in r.out
    r = cli("show", "10.1182/blood.2019009999", "--json")
    assert r.code == 0 and not r.json().get("deleted_at")


def test_lookalikes_of_one_file_found_again_on_a_second_import(lib, tmp_path):
    from amlref.services.importing import import_paths
    p = tmp_path / "venetoclax.ris"
    p.write_text(LOOKALIKES, encoding="utf-8")
    import_paths(lib, [str(p)], classify=False)
    before = lib.execute("SELECT * FROM articles ORDER BY id").fetchall()
    again = import_paths(lib, [str(p)], classify=False)
    assert again.added == [] and again.merged == [] and len(again.unchanged) == 6
    assert sorted(set(again.unchanged)) == [r[0] for r in before]     # each its own
    assert lib.execute("SELECT * FROM articles ORDER BY id").fetchall() == before


def test_lookalike_in_another_file_still_merges(lib):
    """Across files (or a library article) the look-alike rule merges as before."""
    aid = imp(lib, rec(type="article-journal", volume="12")).added[0]
    r = imp(lib, rec(type="chapter", volume="13"))
    assert r.added == [] and r.merged[0]["id"] == aid


def test_a_bib_file_with_a_repeated_key_and_short_titles_imported_again(lib, tmp_path):
    """Two entries of one .bib under the same key (the reader renames the second), a short
    title, an entry without a key: importing the file again finds each of them."""
    from amlref.services.importing import import_paths
    p = tmp_path / "refs.bib"
    p.write_text("@article{dohner2022,\n  title = {Diagnosis and management of AML in adults},\n"
                 "  author = {D{\\\"o}hner, Hartmut},\n  year = {2022},\n  volume = {140}\n}\n\n"
                 "@article{dohner2022,\n  title = {European LeukemiaNet 2017 recommendations},\n"
                 "  author = {D{\\\"o}hner, Hartmut},\n  year = {2017}\n}\n\n"
                 "@misc{s,\n  title = {S2}\n}\n\n@misc{,\n  title = {g}\n}\n", encoding="utf-8")
    first = import_paths(lib, [str(p)], classify=False)
    keys = sorted(lib.articles.get(i).citekey for i in first.added)
    assert len(first.added) == 4 and {"dohner2022", "dohner2022-2"} <= set(keys)
    before = lib.execute("SELECT * FROM articles ORDER BY id").fetchall()
    again = import_paths(lib, [str(p)], classify=False)
    assert again.added == [] and again.merged == []
    assert sorted(again.unchanged) == sorted(first.added)
    assert lib.execute("SELECT * FROM articles ORDER BY id").fetchall() == before
