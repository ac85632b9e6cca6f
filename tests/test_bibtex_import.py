"""BibTeX / biblatex import on real files (../shared/corpora/bibtex) and small fixtures."""
from __future__ import annotations

import pytest

from amlref.core.article import Person
from amlref.formats.bibtex import BibtexImporter
from amlref.services.importing import import_text, parse_data
from tests.conftest import corpus


def parse_file(*parts):
    path = corpus(*parts)
    return parse_data(path.read_bytes(), str(path))


def by_key(result):
    return {a.citekey: a for a in result.articles}


def test_biblatex_examples_all_92_entries_parse_without_problems():
    res = parse_file("bibtex", "biblatex-examples.bib")
    assert len(res.articles) == 92
    assert res.problems == [] and res.warnings == []
    arts = by_key(res)
    aksin = arts["aksin"]
    # LaTeX decoded for storage and search
    assert aksin.authors[0] == Person(family="Aksın", given="Özge")
    assert aksin.authors[3] == Person(family="Çetinkaya", given="Bekir")
    # @string macro (journaltitle = jomch) and the user's LaTeX kept for export
    assert aksin.container == "J. Organomet. Chem."
    assert aksin.extra["bibtex"]["raw"]["container"] == r"J.~Organomet. Chem."
    assert aksin.pages == "3027-3036" and aksin.issued == "2006" and aksin.issue == "13"
    assert aksin.type == "article-journal"
    # crossref inheritance: the collection's title (and subtitle, as biber's booksubtitle)
    # becomes the chapter's container
    space = arts["westfahl:space"]
    assert space.type == "chapter"
    assert space.container == "Space and Beyond: The Frontier Theme in Science Fiction"
    assert space.editors == [Person(family="Westfahl", given="Gary")]
    assert space.extra["bibtex"]["fields"]["crossref"] == "westfahl:frontier"
    # unknown biblatex types are kept to be written back
    assert arts["set"].extra["bibtex"]["type"] == "set"
    assert arts["almendro"].type == "patent"
    # biblatex's langid is the language (and is written back under its own name)
    assert arts["almendro"].language == "german"
    assert arts["almendro"].extra["bibtex"]["names"]["language"] == "langid"


def test_string_macros_and_concatenation():
    res = parse_file("bibtex", "bibtexparser-tests", "article_with_strings.bib")
    a = res.articles[0]
    assert a.authors == [Person(family="César", given="Jean")]
    assert a.container == "Nice Journal"
    assert a.issued == "2013-01"            # month = jan (a predefined macro)
    assert a.pages == "12-23"
    assert a.keywords == ["keyword1", "keyword2"]
    res = parse_file("bibtex", "bibtexparser-tests", "string.bib")
    assert res.articles[0].container == "Proceedings of the IEEE Symposium on Security and Privacy"
    assert res.articles[0].type == "paper-conference"
    assert res.articles[0].title == "Program-Adaptive Mutational Fuzzing"


def test_crossref_cascading_and_missing_parents_are_reported():
    res = parse_file("bibtex", "bibtexparser-tests", "crossref_missing_entries.bib")
    assert len(res.articles) == 1
    assert any("crossref 'missing1' not found" in w for w in res.warnings)
    res = parse_file("bibtex", "bibtexparser-tests", "crossref_cascading_cycle.bib")
    assert len(res.articles) == 2 and any("cycle" in w for w in res.warnings)


def test_duplicate_keys_are_kept_apart_and_reported():
    res = parse_file("bibtex", "bibtexparser-tests", "biber-examples.bib")
    keys = [a.citekey for a in res.articles]
    assert "tmn4" in keys and "tmn4-2" in keys
    second = by_key(res)["tmn4-2"]
    assert second.extra["original_citekey"] == "tmn4"
    assert any("duplicate key 'tmn4'" in w and "'tmn4-2'" in w for w in res.warnings)


def test_broken_entries_report_file_and_line_and_the_rest_imports():
    text = ("@article{good1, title = {First}, year = 2001}\n"
            "\n"
            "@article{broken title = {No comma after the key}}\n"
            "@article{good2,\n  title = {Second},\n  author = {Doe, Jane}\n}\n")
    res = BibtexImporter().parse(text, "mixed.bib")
    assert [a.citekey for a in res.articles] == ["good1", "good2"]
    assert [a.line for a in res.articles] == [1, 4]
    assert len(res.problems) == 1
    p = res.problems[0]
    assert p.file == "mixed.bib" and p.line == 3 and "comma" in p.message


def test_unknown_types_and_fields_are_kept():
    res = parse_file("bibtex", "jabref-testbib", "reallyunknowntype.bib")
    a = res.articles[0]
    assert a.extra["bibtex"] == {"type": "reallyunknowntype", "fields": {"comment": "testentry"}}


@pytest.mark.parametrize("name, encoding", [
    ("encoding-us-ascii-with-header.bib", "ascii"),
    ("encoding-utf-8-with-header.bib", "utf-8"),
    ("encoding-utf-8-without-header.bib", "utf-8"),
    ("encoding-utf-16BE-with-header.bib", "utf-16"),
    ("encoding-windows-1252-with-header.bib", "windows-1252"),
    ("encoding-windows-1252-without-header.bib", "windows-1252"),
])
def test_encodings_are_detected_and_reported(name, encoding):
    res = parse_file("bibtex", "jabref-encoding", name)
    assert res.encoding.startswith(encoding)
    assert len(res.articles) == 1 and not res.problems
    a = res.articles[0]
    text = a.title + a.abstract
    if "windows-1252" in name:
        assert a.abstract == "25° C"
    elif "utf" in name:
        assert "Ü" in text or "ü" in text.lower()


def test_utf8_bom_file():
    res = parse_file("bibtex", "jabref-testbib", "utf8-bom.bib")
    assert len(res.articles) == 2 and not res.problems


def test_dates_from_year_month_and_date():
    text = ("@article{a, year = 2024, month = sep}\n"
            "@article{b, year = {2024}, month = {September}, day = {15}}\n"
            "@article{c, date = {2019-03-07}}\n"
            "@article{d, date = {1998/2000}}\n"
            "@article{e, year = {[1986]}}\n")
    arts = by_key(BibtexImporter().parse(text, "d.bib"))
    assert arts["a"].issued == "2024-09"
    assert arts["b"].issued == "2024-09-15"
    assert arts["c"].issued == "2019-03-07"
    assert arts["d"].issued == "1998" and arts["d"].extra["bibtex"]["raw"]["date"] == "1998/2000"
    assert arts["e"].issued == "1986" and arts["e"].extra["bibtex"]["raw"]["year"] == "[1986]"


def test_ids_and_types():
    text = (r"@phdthesis{t, title = {A}, school = {Uni}, doi = {https://doi.org/10.1000/X\_1},"
            r" url = {http://x.org/a\%20b}, keywords = {AML; CAR T, cells}}" "\n"
            "@techreport{r, institution = {WHO}, number = {7}}\n"
            "@misc{m, title = {M}}\n@inproceedings{p, booktitle = {Proc}}\n")
    arts = by_key(BibtexImporter().parse(text, "t.bib"))
    t = arts["t"]
    assert t.type == "thesis" and t.publisher == "Uni"
    assert t.doi == "10.1000/X_1" and t.url == "http://x.org/a%20b"
    assert t.keywords == ["AML", "CAR T, cells"]
    assert arts["r"].type == "report" and arts["r"].publisher == "WHO" and arts["r"].issue == "7"
    assert arts["m"].type == "document"
    assert arts["p"].type == "paper-conference" and arts["p"].container == "Proc"


def test_import_stores_unicode_and_search_finds_it(lib):
    text = (r'@article{mueller2020, author = {M{\"u}ller, J{\"o}rg}, title = {{\'E}tude of '
            r'{FLT3} in {AML}}, journal = {Blood}, year = 2020}')
    report = import_text(lib, text, fmt="bibtex", name="m.bib")
    assert len(report.added) == 1
    a = lib.articles.get(report.added[0])
    assert a.authors[0].family == "Müller" and a.title == "Étude of FLT3 in AML"
    assert lib.articles.search("Müller") == [a.id]
    assert lib.articles.search("étude") == [a.id]
    assert a.citekey == "mueller2020"


def test_cli_import_reports_encoding_and_problems(cli, tmp_path):
    f = tmp_path / "x.bib"
    f.write_bytes("@article{a, title = {Caf\xe9}}\n@article{b title = {x}}\n".encode("cp1252"))
    r = cli("import", f, "--json")
    assert r.code == 1
    d = r.json()
    assert d["added"] == 1 and d["skipped"] == 1
    assert d["errors"][0]["line"] == 2 and d["errors"][0]["file"] == str(f)
    assert d["files"][0]["encoding"] == "windows-1252"


def test_cli_import_biblatex_examples_adds_all_92(cli):
    r = cli("import", corpus("bibtex", "biblatex-examples.bib"), "--json")
    assert r.code == 0
    d = r.json()
    assert (d["added"], d["merged"], d["skipped"]) == (92, 0, 0)
    r = cli("search", "Özge", "--json")
    assert [x["citekey"] for x in r.json()["results"]] == ["aksin"]


def _all_bib_files():
    from tests.conftest import CORPORA
    files = sorted((CORPORA / "bibtex").rglob("*.bib"))
    return [str(f) for f in files] or ["missing"]


@pytest.mark.parametrize("path", _all_bib_files(), ids=lambda p: p.rsplit("/", 1)[-1])
def test_fast_splitter_agrees_with_bibtexparser(path, monkeypatch):
    """The regex fast path for well-formed entries gives exactly what bibtexparser's splitter
    gives (which still handles @string, @comment, broken and unusual entries)."""
    import amlref.formats.bibtex_read as B
    from amlref.core.text import read_text
    if path == "missing":
        pytest.skip("corpora not available")
    text, _ = read_text(path)
    fast = B.BibtexImporter().parse(text, path)
    real = B.split_blocks
    monkeypatch.setattr(B, "split_blocks", lambda t, fast=True: real(t, fast=False))
    slow = B.BibtexImporter().parse(text, path)
    assert [a.to_dict() for a in fast.articles] == [a.to_dict() for a in slow.articles]
    assert [str(p) for p in fast.problems] == [str(p) for p in slow.problems]
    assert fast.warnings == slow.warnings
