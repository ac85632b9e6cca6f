"""Full text of attached PDFs: extracted in resumable batches after the attach, searched with
``fulltext:`` and by plain searches, with the pages that hold the words."""
from __future__ import annotations

import shutil

import pytest

from amlref.core.article import Article
from amlref.core.progress import Cancelled, CancelToken
from amlref.services import attachments as svc
from amlref.services import fulltext
from amlref.services.indexing import catch_up
from amlref.storage.library import Library
from pdfmake import article_pdf, latex_pdf
from conftest import corpus


@pytest.fixture
def paper(tmp_path):
    return latex_pdf(tmp_path / "paper.pdf", title="Flotetuzumab in primary induction failure",
                     abstract="A CD123 x CD3 bispecific DART molecule.",
                     body="\n\\newpage\nOn this page the cohort received blinatumomab.\n"
                          "\n\\newpage\nPage three mentions pembrolizumab and blinatumomab.\n")


def test_text_indexed_after_catch_up_and_pages_reported(lib, paper, cli, lib_path):
    aid = lib.articles.add(Article(title="Bispecifics in AML", citekey="bis2024"))
    svc.attach(lib, aid, str(paper))
    assert lib.articles.search("fulltext:blinatumomab") == []      # not read yet
    assert catch_up(lib)["fulltext"] == 1
    att = lib.attachments.of(aid)[0]
    assert (att.pages, att.text_state) == (3, "done")
    assert lib.articles.search("fulltext:blinatumomab") == [aid]
    assert lib.articles.search("blinatumomab") == [aid]              # plain search too
    assert lib.articles.search("title:blinatumomab") == []           # a field: metadata only
    assert lib.articles.search("fulltext:nivolumab") == []
    assert fulltext.pages_for(lib, "fulltext:blinatumomab", [aid]) == {
        aid: [{"file": str(lib.attachments.resolve(att)), "pages": [2, 3]}]}
    assert fulltext.pages_for(lib, "pembrolizumab", [aid])[aid][0]["pages"] == [3]
    lib.close()
    r = cli("search", "fulltext:pembrolizumab", "--json")
    assert [(x["citekey"], x["fulltext"][0]["pages"]) for x in r.json()["results"]] == \
        [("bis2024", [3])]


def test_metadata_hits_first_then_fulltext_hits(lib, paper):
    meta = lib.articles.add(Article(title="Blinatumomab in adults", issued="2001"))
    pdf_only = lib.articles.add(Article(title="Something else", issued="2023"))
    svc.attach(lib, pdf_only, str(paper))
    catch_up(lib)
    assert lib.articles.search("blinatumomab") == [meta, pdf_only]
    assert lib.articles.search("blinatumomab", limit=1) == [meta]
    lib.articles.trash([pdf_only])
    assert lib.articles.search("blinatumomab") == [meta]
    assert lib.articles.search("fulltext:blinatumomab") == []


def test_extraction_resumes_after_cancel_and_reopen(lib_path, tmp_path, paper, monkeypatch):
    monkeypatch.setattr(fulltext, "BATCH", 1)
    with Library.open(lib_path) as lib:
        ids = []
        for i in range(3):
            aid = lib.articles.add(Article(title=f"Paper {i}"))
            copy = tmp_path / f"p{i}.pdf"
            shutil.copy(paper, copy)
            with open(copy, "ab") as fh:      # other bytes, same text
                fh.write(b"\n%" + str(i).encode() + b"\n")
            svc.attach(lib, aid, str(copy))
            ids.append(aid)
        token = CancelToken()

        def progress(done, total, message=""):
            if done == 1:
                token.cancel()
        with pytest.raises(Cancelled):
            fulltext.extract_pending(lib, progress, token)
        assert lib.pending.count("fulltext") == 2
        assert lib.articles.search("fulltext:blinatumomab") == [ids[0]]
    with Library.open(lib_path) as lib:
        assert fulltext.extract_pending(lib) == 2 and lib.pending.count("fulltext") == 0
        assert sorted(lib.articles.search("fulltext:blinatumomab")) == ids


def test_unreadable_and_missing_files_get_a_reason(lib, tmp_path, paper):
    aid = lib.articles.add(Article(title="Mixed"))
    enc = tmp_path / "enc.pdf"
    shutil.copy(corpus("pdf-hostile", "pypdf--encrypted-file.pdf"), enc)
    a1 = svc.attach(lib, aid, str(enc), link=True)
    a2 = svc.attach(lib, aid, str(paper), link=True)
    paper.unlink()
    assert fulltext.extract_pending(lib) == 2
    states = {a.id: a.text_state for a in lib.attachments.of(aid)}
    assert states == {a1.id: "encrypted: needs a password", a2.id: "missing file"}
    # found again: read again
    shutil.copy(enc, tmp_path / "x")
    assert fulltext.reindex(lib, aid) == 2 and lib.pending.count("fulltext") == 2


def test_import_cli_indexes_full_text_before_it_exits(cli, tmp_path):
    pdf = article_pdf(tmp_path / "a.pdf", doi="", title="Magrolimab with azacitidine in TP53 "
                      "mutant acute myeloid leukaemia", body="\nThe word xenoantigenic is here.\n")
    r = cli("import", pdf, "--offline")
    assert r.code == 0, r
    r = cli("search", "fulltext:xenoantigenic", "--json")
    assert r.json()["count"] == 1 and r.json()["results"][0]["fulltext"][0]["pages"] == [1]


def test_pages_go_with_their_attachment(lib, paper):
    aid = lib.articles.add(Article(title="To be deleted"))
    att = svc.attach(lib, aid, str(paper))
    catch_up(lib)
    assert lib.fulltext.count_pages() == 3
    fulltext.reindex(lib, aid)                     # read again: replaced, not doubled
    catch_up(lib)
    assert lib.fulltext.count_pages() == 3
    lib.articles.trash([aid])
    assert lib.fulltext.count_pages() == 3         # the trash keeps everything
    svc.empty_trash(lib)
    assert lib.fulltext.count_pages() == 0 and not lib.attachments.all(include_deleted=True)
    assert not __import__("os").path.exists(lib.attachments.resolve(att))


def test_a_book_over_the_page_limit_is_refused_with_the_reason(lib, tmp_path):
    book = latex_pdf(tmp_path / "book.pdf", title="A very long book on leukaemia",
                     body="\n\\newcount\\n \\n=0 \\loop\\newpage Page \\the\\n. "
                          "\\advance\\n by 1 \\ifnum\\n<1000 \\repeat\n")
    aid = lib.articles.add(Article(title="Book"))
    svc.attach(lib, aid, str(book))
    assert fulltext.extract_pending(lib) == 1 and lib.pending.count("fulltext") == 0
    (att,) = lib.attachments.of(aid)
    assert att.text_state == "too many pages (1,001; 1,000-page limit for text)"
    assert lib.fulltext.count_pages() == 0


def test_hostile_files_in_the_batches_each_get_a_reason_and_the_others_come_in(lib, tmp_path, paper,
                                                                              monkeypatch):
    """Every PDF of the hostile corpus and two made to be slow (deep nesting, a page tree of
    200,000 kids), attached between good papers: through the reader process, each gets "done"
    or a one-line reason, in bounded time, and the good papers of the same batches are indexed."""
    import csv
    import time
    from tests import pdfs
    monkeypatch.setattr(fulltext, "BATCH", 10)
    with open(corpus("pdf-hostile", "MANIFEST.tsv"), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    bad = [corpus("pdf-hostile", r["file"]) for r in rows if r["file"].endswith(".pdf")]
    bad += [pdfs.deep_nesting(tmp_path / "deep.pdf"), pdfs.huge_page_tree(tmp_path / "tree.pdf")]
    good = []
    for i, f in enumerate(bad):
        aid = lib.articles.add(Article(title=f"Hostile {i}"))
        svc.attach(lib, aid, str(f), link=True)
        if i % 5 == 0:
            copy = tmp_path / f"good{i}.pdf"
            shutil.copy(paper, copy)
            with open(copy, "ab") as fh:          # its own bytes, the same text
                fh.write(b"\n%" + str(i).encode() + b"\n")
            good.append(lib.articles.add(Article(title=f"Good {i}")))
            svc.attach(lib, good[-1], str(copy), link=True)
    pdf_atts = [a for a in lib.attachments.all() if a.kind == "pdf"]
    assert len(pdf_atts) > 2 * fulltext.BATCH                  # several batches
    t = time.monotonic()
    assert fulltext.extract_pending(lib) == len(pdf_atts)
    assert time.monotonic() - t < 120
    states = {a.id: a.text_state for a in lib.attachments.all()}
    for a in pdf_atts:
        s = states[a.id]
        assert s and "\n" not in s and len(s) < 200 and "Traceback" not in s, (a.path, s)
    reasons = {s for s in states.values() if s != "done"}
    assert "encrypted: needs a password" in reasons
    assert "too many pages (200,000; 1,000-page limit for text)" in reasons
    assert sorted(lib.articles.search("fulltext:blinatumomab")) == sorted(good)
    assert lib.pending.count("fulltext") == 0


def test_a_batch_spans_files_queued_one_by_one_and_reads_only_waiting_ones(lib, tmp_path, paper,
                                                                             monkeypatch):
    """Each attach queues its own file: 12 attached one by one are 3 transactions of at most 5
    (not 12 of one); a later re-read of files 2 and 4 leaves file 3 alone."""
    monkeypatch.setattr(fulltext, "BATCH", 5)
    atts = []
    for i in range(12):
        aid = lib.articles.add(Article(title=f"Paper {i}"))
        copy = tmp_path / f"p{i}.pdf"
        shutil.copy(paper, copy)
        with open(copy, "ab") as fh:
            fh.write(b"\n%" + str(i).encode() + b"\n")
        atts.append(svc.attach(lib, aid, str(copy), link=True))
    commits = []
    lib.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    assert fulltext.extract_pending(lib) == 12
    lib.conn.set_trace_callback(None)
    assert len(commits) == 3
    assert {a.text_state for a in lib.attachments.all()} == {"done"}
    with lib.transaction():
        lib.pending.add("fulltext", atts[1].id)
        lib.pending.add("fulltext", atts[3].id)
    import os
    os.remove(lib.attachments.resolve(atts[2]))        # read again, it would be "missing file"
    assert fulltext.extract_pending(lib) == 2 and lib.pending.count("fulltext") == 0
    assert [a.text_state for a in lib.attachments.all()][1:4] == ["done"] * 3
