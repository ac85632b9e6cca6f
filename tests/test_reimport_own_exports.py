"""Re-importing one's own export changes nothing: a library exported as RIS, biblatex, BibTeX
or CSL-JSON and imported again into the same library reports every record unchanged and
leaves every row as it was (before: every record "merged", each abstract kept a second time
as an "alternative" that differed in line breaks, MeSH headings became keywords, the RIS ID
and the BibTeX source of names and titles were stored again)."""
from __future__ import annotations

import pytest

from amlref.services.exporting import export_articles
from amlref.services.importing import import_paths
from support import corpus


def _rows(lib):
    return lib.execute("SELECT * FROM articles ORDER BY id").fetchall()


@pytest.mark.parametrize("fmt", ["ris", "biblatex", "bibtex", "csljson"])
def test_own_export_imported_again_is_unchanged(lib, tmp_path, fmt):
    paths = sorted(str(p) for p in corpus("pubmed", "metapub-pmid-xml").glob("*.xml"))[:60]
    paths.append(str(corpus("ris", "asreview-demo-data", "baseline_zotero.ris")))
    report = import_paths(lib, paths)
    assert len(report.added) > 100
    arts = lib.articles.get_many([r[0] for r in lib.execute("SELECT id FROM articles")])
    assert any("\n\n" in a.abstract for a in arts) and any(a.mesh for a in arts)
    before = _rows(lib)
    out = tmp_path / f"mine.{'json' if fmt == 'csljson' else 'ris' if fmt == 'ris' else 'bib'}"
    out.write_text(export_articles(arts, fmt), encoding="utf-8")
    again = import_paths(lib, [str(out)])
    assert (len(again.added), len(again.merged)) == (0, 0), again.merged[:3]
    assert len(again.unchanged) == len(arts)
    assert _rows(lib) == before


def test_a_real_change_in_the_export_is_still_taken(lib, tmp_path):
    paths = sorted(str(p) for p in corpus("pubmed", "metapub-pmid-xml").glob("*.xml"))[:5]
    import_paths(lib, paths)
    arts = lib.articles.get_many([r[0] for r in lib.execute("SELECT id FROM articles")])
    text = export_articles(arts, "ris")
    first = arts[0]
    text = text.replace("ER  - ", "KW  - my own keyword\nER  - ", 1)
    out = tmp_path / "edited.ris"
    out.write_text(text, encoding="utf-8")
    again = import_paths(lib, [str(out)])
    assert [m["id"] for m in again.merged] == [first.id]
    a = lib.articles.get(first.id)
    assert a.keywords[-1] == "my own keyword" and a.extra.get("merged_from") == ["ris"]


def test_a_keyword_written_as_several_is_not_new_in_its_parts(lib, tmp_path):
    from amlref.core.article import Article, Person
    a = Article(title="Antifungalmycin N2, a new polyene macrolide", issued="2018",
                authors=[Person("Xu", "L")], container="Molecules",
                keywords=["antibacterial activity", "cytotoxic activity; Streptomyces sp. N2"],
                mesh=["Humans", "Streptomyces/*metabolism"])
    lib.articles.add(a)
    before = _rows(lib)
    out = tmp_path / "one.ris"
    out.write_text(export_articles([lib.articles.get(a.id)], "ris"), encoding="utf-8")
    again = import_paths(lib, [str(out)])
    assert again.merged == [] and again.unchanged == [a.id]
    assert _rows(lib) == before
