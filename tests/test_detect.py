"""Format detection by content, extension as tie-break, and a clear message otherwise."""
from __future__ import annotations

import pytest

from amlref.core.errors import InputError
from amlref.core.text import read_text
from amlref.formats.detect import detect, scores
from tests.conftest import CORPORA, corpus

CASES = [
    (("ris", "vendor-dialects", "baseline_scopus.ris"), "ris"),
    (("ris", "vendor-dialects", "baseline_pubmed.ris"), "medline"),   # MEDLINE named .ris
    (("ris", "vendor-dialects", "baseline_citavi.ris"), "ris"),       # BOM
    (("ris", "vendor-dialects", "baseline_cochrane_endnote.ris"), "ris"),  # header lines first
    (("ris", "asreview-demo-data", "pubmed_endnote.txt"), "ris"),
    (("ris", "asreview-demo-data", "ovid_psycinfo.ris"), "ris"),
    (("pubmed", "nbib-holub008", "pubmed-balloongui-set.nbib"), "medline"),
    (("pubmed", "nbib-holub008", "pmc_medlars.txt"), "medline"),
    (("pubmed", "biopython-medline", "pubmed_result1.txt"), "medline"),
    (("pubmed", "metapub-pmid-xml", "24349601.xml"), "pubmed-xml"),
    (("pubmed", "jabref-medline", "MedlineImporterTestPubmedBook.xml"), "pubmed-xml"),
    (("seed", "pubmed-page-39697225.txt"), "pubmed-page"),
    (("api", "crossref-habanero", "test_content_negotiation_citeproc_json.02.json"), "csljson"),
]


@pytest.mark.parametrize("parts,expected", CASES)
def test_real_files(parts, expected):
    path = corpus(*parts)
    text, _ = read_text(str(path))
    assert detect(text, path.name) == expected


def test_content_beats_extension():
    ris = "TY  - JOUR\nTI  - x\nER  - \n"
    assert detect(ris, "export.txt") == "ris"
    assert detect(ris, "export.xml") == "ris"
    assert detect("PMID- 1\nTI  - t\n", "x.ris") == "medline"
    assert detect('[{"type": "article-journal", "title": "x"}]', "x.txt") == "csljson"


def test_renamed_files_detected_by_content(tmp_path, cli):
    src = corpus("pubmed", "nbib-holub008", "single.nbib")
    dst = tmp_path / "download.ris"
    dst.write_bytes(src.read_bytes())
    r = cli("import", dst, "--json")
    assert r.code == 0, r
    assert r.json()["files"][0]["format"] == "medline"


def test_unknown_format_lists_supported_formats(tmp_path, cli):
    p = tmp_path / "notes.txt"
    p.write_text("Just my shopping list.\nEggs, milk.\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        detect(p.read_text(), p.name)
    msg = str(exc.value)
    assert "unknown format" in msg and "notes.txt" in msg
    for name in ("ris", "medline", "pubmed-xml", "csljson", "pubmed-page"):
        assert name in msg
    r = cli("import", p)
    assert r.code == 2 and "unknown format" in r.err and "Traceback" not in r.err


def test_empty_file_message(tmp_path):
    with pytest.raises(InputError, match="empty"):
        detect("\ufeff  \n", "empty.ris")


def test_scores_are_ranked():
    ranked = scores("TY  - JOUR\nER  - \n", "a.ris")
    assert ranked[0][1] == "ris" and ranked[0][0] > ranked[1][0]


def test_every_corpus_file_gets_an_answer(corpora):
    """No corpus bibliography file makes detection crash: a format or a clear InputError."""
    n = 0
    for sub in ("ris", "pubmed"):
        for f in sorted((corpora / sub).rglob("*")):
            if f.suffix.lower() not in (".ris", ".txt", ".nbib", ".xml") or f.stat().st_size > 2e6:
                continue
            text, _ = read_text(str(f))
            try:
                detect(text, f.name)
            except InputError as exc:
                assert "supported formats" in str(exc) or "empty" in str(exc)
            n += 1
    assert n > 250
