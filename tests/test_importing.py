"""The import service: progress, cancel (nothing half-imported), reports, text input."""
import json

import pytest

from amlref.core.article import Article, ParseResult, Person, Problem
from amlref.core.errors import Cancelled, InputError
from amlref.core.progress import CancelToken
from amlref.services.importing import import_paths, import_results, import_text


def many(n):
    return [Article(title=f"Paper number {i} on venetoclax", authors=[Person(family=f"A{i}")],
                    issued="2020", pmid=str(1000 + i)) for i in range(n)]


def test_cancel_rolls_back_everything(lib):
    lib.articles.add(Article(title="Already there"))
    token = CancelToken()
    calls = []

    def progress(done, total, msg):
        calls.append((done, total))
        if done >= 500:
            token.cancel()
    with pytest.raises(Cancelled):
        import_results(lib, [("big.ris", ParseResult(articles=many(1200), format="ris"))],
                       progress=progress, cancel=token)
    assert lib.articles.count() == 1
    assert calls[0] == (0, 1200) and any(d >= 500 for d, _ in calls)


def test_report_counts_and_problems(lib):
    res = ParseResult(articles=many(3), problems=[Problem("x.ris", 17, "no title")], format="ris")
    rep = import_results(lib, [("x.ris", res)])
    j = rep.to_json()
    assert (j["added"], j["merged"], j["skipped"]) == (3, 0, 1)
    assert j["errors"] == [{"file": "x.ris", "line": 17, "message": "no title"}]
    assert not rep.ok


def test_import_text_detects_csljson(lib):
    rep = import_text(lib, json.dumps([{"type": "article-journal", "title": "Pasted",
                                        "DOI": "10.1000/pasted"}]))
    assert len(rep.added) == 1 and lib.articles.find("10.1000/pasted").title == "Pasted"


def test_binary_file_refused(lib, tmp_path):
    p = tmp_path / "image.bib"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary file"):
        import_paths(lib, [str(p)])
    assert lib.articles.count() == 0


def test_several_files_are_one_transaction(lib, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"type": "article-journal", "title": "Good"}]))
    bad = tmp_path / "bad.json"
    bad.write_text("[{ this is not json")
    with pytest.raises(InputError) as err:
        import_paths(lib, [str(good), str(bad)])
    assert "bad.json" in str(err.value)
    assert lib.articles.count() == 0


def test_same_work_twice_in_one_import_is_merged_before_insert(lib):
    a1 = Article(title="Magrolimab with azacitidine in TP53-mutant AML", pmid="111",
                 authors=[Person(family="Sallman")], issued="2023", tags=["a"])
    a2 = Article(title="Magrolimab with azacitidine in TP53-mutant AML", pmid="111",
                 abstract="Phase 1b.", tags=["b"], notes=["check dose"])
    rep = import_results(lib, [("x.ris", ParseResult(articles=[a1, a2], format="ris"))])
    assert len(rep.added) == 1 and len(rep.merged) == 1 and rep.apart == []
    [aid] = rep.added
    assert rep.merged[0]["id"] == aid and rep.merged[0]["citekey"] == lib.articles.get(aid).citekey
    a = lib.articles.get(aid)
    assert a.pmid == "111" and a.abstract == "Phase 1b."
    assert sorted(lib.tags.of(aid)) == ["a", "b"] and [t for _, t in lib.notes.of(aid)] == ["check dose"]
    assert lib.articles.search("magrolimab") == [aid]


def test_ids_follow_insert_order_after_deletions(lib):
    first = lib.articles.add_many(many(30))
    lib.articles.trash(first[-5:])
    lib.articles.empty_trash()
    more = many(40)
    for i, a in enumerate(more):
        a.pmid = str(5000 + i)
    ids = lib.articles.add_many(more)
    assert [lib.articles.get(i).pmid for i in ids] == [a.pmid for a in more]
    assert len(lib.articles.search("venetoclax", limit=None)) == 65
