"""A big file parsed in parts by worker processes (services/parallel_parse.py) imports exactly
as it does in one process: the parts read as the whole, the library gets the same rows, keys,
tags and merges, a cancel leaves nothing, and a failing or missing worker never loses data."""
from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from amlref.core.errors import Cancelled, InputError
from amlref.core.progress import CancelToken
from amlref.core.text import read_text
from amlref.formats.ris import RisImporter
from amlref.services import importing, parallel_parse
from amlref.services.importing import import_paths
from amlref.storage.library import Library
from tests.support import CORPORA

ris = RisImporter()
RIS_FILES = sorted((CORPORA / "ris").rglob("*.ris")) + sorted((CORPORA / "ris").rglob("*.txt"))


def _dicts(res):
    return ([dataclasses.asdict(a) for a in res.articles], [str(p) for p in res.problems],
            res.warnings, res.links)


def _parse_in_parts(text: str, size: int, name: str = "t.ris"):
    parts = ris.split(text, size)
    if parts is None:
        return None, None
    out = ([], [], [], [])
    for part, line in parts:
        for acc, got in zip(out, _dicts(ris.parse_part(part, name, line))):
            acc.extend(got)
    return parts, out


@pytest.mark.parametrize("size", [1, 700, 5000])
def test_ris_parts_read_exactly_as_the_whole_file(size):
    split_files = 0
    for path in RIS_FILES:
        text = read_text(str(path))[0]
        try:
            whole = _dicts(ris.parse(text, "t.ris"))
        except InputError:
            continue
        parts, got = _parse_in_parts(text, size)
        if parts is None:
            continue
        split_files += 1
        assert "".join(p for p, _ in parts) == text, path.name
        assert len(parts) > 1
        assert got == whole, path.name
    assert split_files >= 25     # the vendor dialects, rispy's and JabRef's samples


def test_ris_split_keeps_odd_layouts_together():
    # records without ER, text before the first record, continuation lines, CRLF line ends
    text = ("Exported by a tool\r\n\r\n"
            "TY  - JOUR\r\nTI  - First\r\n  continued title\r\nAU  - Smith, J\r\n"
            "TY  - JOUR\r\nTI  - Second\r\nKW  - a\r\nb\r\nER  - \r\nNL  - after ER\r\n"
            "TY  - BOOK\r\nTI  - Third\r\n")
    parts, got = _parse_in_parts(text, 1)
    assert [line for _, line in parts] == [1, 3, 7, 13]     # the header is a part too
    assert got == _dicts(ris.parse(text, "t.ris"))
    assert got[2] == ["t.ris: line 3: record has no ER line",
                      "t.ris: line 13: record has no ER line"]
    # old Mac line ends and Web of Science files are not split
    assert ris.split(text.replace("\r\n", "\r"), 1) is None
    assert ris.split("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\n"
                     "TI A title\nER\n\nPT J\nTI Other\nER\n\nEF\n", 1) is None


def write_ris(path: Path, n: int, dup_of: dict[int, int] | None = None, first: int = 0,
              like: dict[int, tuple[int, str]] | None = None) -> None:
    """n records; record i copies record dup_of[i] (a duplicate to merge, with a keyword more),
    or looks like record like[i][0] but differs in like[i][1] ("type", "doi" or "pages")."""
    dup_of, like = dup_of or {}, like or {}
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(first, first + n):
            k, differ = like.get(i, (dup_of.get(i, i), ""))
            r = random.Random(k)
            fh.write(f"TY  - {'CHAP' if differ == 'type' else 'JOUR'}\n"
                     f"AU  - {r.choice(['Döhner', 'Wei', 'Smith'])}, H.\n"
                     f"AU  - Other, A.\nTI  - Record {k} on CD33 CAR-T cells in AML\n"
                     f"T2  - Blood\nPY  - {2000 + k % 25}\n"
                     f"SP  - {k + 1000 if differ == 'pages' else k}\n"
                     + (f"DO  - 10.1000/rec.{k}{'b' if differ == 'doi' else ''}\n"
                        if k % 3 or differ == "doi" else "")
                     + f"AB  - Abstract {k} " + "word " * r.randint(5, 40) + "\n"
                     + ("KW  - again\n" if k != i else "")
                     + "ER  - \n\n")


def _library_state(lib: Library) -> dict:
    rows = lib.execute("SELECT * FROM articles ORDER BY id").fetchall()
    cols = [d[0] for d in lib.execute("SELECT * FROM articles LIMIT 0").description]
    drop = {cols.index("added"), cols.index("modified")}
    return {
        "articles": [tuple(v for j, v in enumerate(r) if j not in drop) for r in rows],
        "tags": lib.execute("SELECT article_id, t.name FROM article_tags JOIN tags t "
                            "ON t.id = tag_id ORDER BY 1, 2").fetchall(),
        "pending": lib.execute("SELECT kind, first, last FROM pending_work ORDER BY 1").fetchall(),
    }


@pytest.fixture
def small_parts(monkeypatch):
    """Files from 20 KB on go to two workers in parts of ~8 KB."""
    monkeypatch.setattr(parallel_parse, "PARALLEL_MIN_CHARS", 20_000)
    monkeypatch.setattr(parallel_parse, "PART_CHARS", 8_000)
    monkeypatch.setattr(importing, "FLUSH_MIN", 10)
    monkeypatch.setenv("AMLREF_WORKERS", "2")


def _import(tmp_path: Path, name: str, files: list[Path], workers: str, monkeypatch, **kw):
    monkeypatch.setenv("AMLREF_WORKERS", workers)
    lib = Library.open(tmp_path / f"{name}.sqlite")
    lib.articles.add_many([importing.parse_data(
        b"TY  - JOUR\nTI  - Record 5\nDO  - 10.1000/rec.5\nER  - \n", "lib.ris").articles[0]])   # a library article the import merges into
    report = import_paths(lib, [str(f) for f in files], defer_index=True, **kw)
    return lib, report


def test_parallel_import_gives_the_same_library_as_one_process(tmp_path, small_parts,
                                                              monkeypatch):
    big = tmp_path / "big.ris"
    # duplicates: next to their original, far from it (stored already), and twice
    write_ris(big, 400, dup_of={7: 6, 350: 3, 351: 3, 399: 200})
    other = tmp_path / "other.ris"
    write_ris(other, 30, dup_of={1000: 1012}, first=1000)
    assert len(ris.split(read_text(str(big))[0], parallel_parse.PART_CHARS)) > 5
    calls = []
    real = parallel_parse.parse_parts
    monkeypatch.setattr(importing.parallel_parse, "parse_parts",
                        lambda *a, **k: calls.append(len(a[1])) or real(*a, **k))
    one, r1 = _import(tmp_path, "one", [big, other], "1", monkeypatch, tags=["batch"])
    assert calls == []
    par, r2 = _import(tmp_path, "par", [big, other], "2", monkeypatch, tags=["batch"])
    assert len(calls) == 1 and calls[0] > 5      # the big file went to the workers
    try:
        assert r2.to_json() == r1.to_json()
        assert len(r2.added) == 400 + 30 - 5 - 1    # five duplicates, one library match
        merged_ids = {m["id"] for m in r2.merged}
        first = r2.added[0]
        assert {1, first + 3, first + 5} <= merged_ids   # (record 5 merged into article 1)
        assert _library_state(par) == _library_state(one)
        # one "added" time for the whole import, parts parsed here or in the workers alike
        assert par.execute("SELECT count(DISTINCT added) FROM articles WHERE id >= ?",
                           (first,)).fetchone()[0] == 1
        rec3 = par.articles.get(first + 3)      # merged from record 350, stored long before
        assert rec3.keywords == ["again"] and rec3.title.startswith("Record 3 ")
        assert par.tags.of(first + 3) == ["batch"]
        lines = read_text(str(big))[0].split("\n")
        starts = [max(k for k in range(j) if lines[k] == "TY  - JOUR") + 1
                  for j, ln in enumerate(lines) if ln == "TI  - Record 3 on CD33 CAR-T cells in AML"]
        assert len(starts) == 3      # record 3, and its copies 350 and 351
        assert sorted(m["line"] for m in r2.merged if m["id"] == first + 3) == starts[1:]
    finally:
        one.close()
        par.close()


def test_a_cancelled_parallel_import_leaves_nothing_and_stops_the_workers(tmp_path, small_parts,
                                                                          monkeypatch):
    big, second = tmp_path / "big.ris", tmp_path / "second.ris"
    write_ris(big, 1200)
    write_ris(second, 400, first=5000)
    started = []
    real = parallel_parse.parse_parts
    monkeypatch.setattr(parallel_parse, "parse_parts",
                        lambda *a, **k: started.append(real(*a, **k)) or started[-1])
    monkeypatch.setattr(importing, "FLUSH_MIN", 10)
    lib = Library.open(tmp_path / "lib.sqlite")
    token = CancelToken()
    seen = []

    def progress(done, total, message=""):
        seen.append(done)
        if done >= 500:
            token.cancel()
    try:
        with pytest.raises(Cancelled):
            import_paths(lib, [str(big), str(second)], progress=progress, cancel=token,
                         defer_index=True)
        assert max(seen) == 500          # cancelled inside the first file, after a flush
        assert lib.articles.count() == 0
        assert lib.execute("SELECT count(*) FROM pending_work").fetchone()[0] == 0
        # both files' workers were started, and both pools are shut down
        assert len(started) == 2 and all(w.pool is None for w in started)
    finally:
        lib.close()


def test_a_failing_part_is_one_line_and_nothing_is_imported(tmp_path, lib):
    def parts():
        yield parallel_parse.Part(articles=importing.parse_data(
            b"TY  - JOUR\nTI  - Fine\nER  - \n", "x.ris").articles)
        raise ValueError("bad byte in part 2")
    src = importing._Source("x.ris", "ris", "utf-8", parts(), 2)
    with pytest.raises(InputError, match=r"x.ris: cannot read as ris: ValueError: bad byte"):
        importing._import(lib, [src])
    assert lib.articles.count() == 0


def test_without_workers_the_parts_are_parsed_here(monkeypatch):
    from concurrent.futures.process import BrokenProcessPool
    text = "".join(f"TY  - JOUR\nTI  - Record {i}\nER  - \n" for i in range(60))
    parts = ris.split(text, 100)

    class DeadPool:      # what a pool whose worker was killed gives
        def submit(self, *a):
            class F:
                def result(self):
                    raise BrokenProcessPool("a worker died")
            return F()

        def shutdown(self, **kw):
            pass
    wp = parallel_parse.WorkerParts.__new__(parallel_parse.WorkerParts)
    wp.fmt, wp.filename, wp.formula, wp.now = "ris", "t.ris", "[auth][year]", "now"
    wp.parts, wp.todo, wp.pool = parts, iter(parts[1:]), DeadPool()
    wp.queue = [DeadPool().submit()]
    got = list(wp)
    titles = [a.title for p in got for a in p.articles]
    assert titles == [f"Record {i}" for i in range(60)]

    def no_processes(*a, **k):
        raise OSError("no semaphores here")
    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_processes)
    got = list(parallel_parse.parse_parts("ris", parts, "t.ris", "[auth][year]", "now", 2))
    assert [a.title for p in got for a in p.articles] == titles


def test_small_files_and_one_core_stay_in_process(monkeypatch):
    text = "TY  - JOUR\nTI  - x\nER  - \n" * 10
    assert parallel_parse.split(ris, text) is None           # small
    monkeypatch.setattr(parallel_parse, "PARALLEL_MIN_CHARS", 10)
    monkeypatch.setattr(parallel_parse, "PART_CHARS", 30)
    monkeypatch.setenv("AMLREF_WORKERS", "1")
    assert parallel_parse.split(ris, text) is None           # no workers asked for
    monkeypatch.setenv("AMLREF_WORKERS", "2")
    assert len(parallel_parse.split(ris, text)) > 1


def test_storing_without_a_savepoint_needs_the_callers_transaction(lib):
    from amlref.core.article import Article
    with pytest.raises(RuntimeError, match="outside a transaction"):
        lib.articles.add_prepared([Article(title="x")], savepoint=False)
    with lib.transaction():
        ids, keys = lib.articles.add_prepared([Article(title="x")], savepoint=False)
    assert lib.articles.get(ids[0]).citekey == keys[0]


def test_lookalikes_within_the_file_are_kept_apart_alike_in_parallel(tmp_path, small_parts,
                                                                     monkeypatch):
    """Look-alike records of one file (another type, DOI or pages; next to their original or
    parts away from it) are imported apart, and listed, exactly as in one process; a record
    truly repeated still merges; and importing the file again adds and changes nothing."""
    big = tmp_path / "big.ris"
    like = {11: (10, "type"), 12: (10, "pages"), 301: (9, "type"), 302: (9, "pages"),
            303: (6, "doi"), 304: (9, "doi"), 306: (7, "doi"), 390: (300, "type")}
    write_ris(big, 400, dup_of={305: 9, 391: 300}, like=like)
    one, r1 = _import(tmp_path, "one", [big], "1", monkeypatch)
    par, r2 = _import(tmp_path, "par", [big], "2", monkeypatch)
    try:
        assert r2.to_json() == r1.to_json()
        assert _library_state(par) == _library_state(one)
        # two repeats merge, record 5 merges into the library article
        rec = dict(zip(r2.added, [i for i in range(400) if i not in (5, 305, 391)]))
        rec[1] = 5
        assert len(rec) == 400 - 2
        apart = {(rec[m["id"]], rec[m["like"]]) for m in r2.apart}
        # a DOI where the other has none: kept apart; two different DOIs are no look-alikes
        # at import (different works), but one import brought both: find_groups lists them
        assert apart == {(11, 10), (12, 10), (301, 9), (302, 9), (303, 6), (304, 9),
                         (390, 300)}
        assert sorted(rec[m["id"]] for m in r2.merged) == [5, 9, 300]
        from amlref.services.dedup import find_groups
        groups = {tuple(sorted(rec[i] for i in g.ids)): g.possible for g in find_groups(par)}
        assert groups == {(10, 11, 12): True, (6, 303): True, (9, 301, 302, 304): True,
                          (7, 306): True, (300, 390): True}
        before = _library_state(par)
        monkeypatch.setenv("AMLREF_WORKERS", "2")
        again = import_paths(par, [str(big)], defer_index=True)
        assert again.added == [] and again.merged == [] and again.apart == []
        state = _library_state(par)
        assert state["articles"] == before["articles"] and state["tags"] == before["tags"]
    finally:
        one.close()
        par.close()


def _pubmed_set(n_copies: int) -> str:
    """Real PubMed records (with their reference lists), copied with new PMIDs and titles."""
    import re
    recs = []
    for p in sorted((CORPORA / "pubmed" / "metapub-pmid-xml").glob("*.xml"))[:40]:
        recs += re.findall(r"<PubmedArticle>.*?</PubmedArticle>", p.read_text("utf-8"), re.S)
    out = []
    for i in range(n_copies):
        for j, r in enumerate(recs):
            k = i * len(recs) + j
            r = re.sub(r"(<PMID[^>]*>)\d+<", lambda m: f"{m.group(1)}{90_000_000 + k}<", r,
                       count=1)
            out.append(re.sub(r"(<ArticleTitle[^>]*>)", lambda m: f"{m.group(1)}[{k}] ", r,
                              count=1))
    return ('<?xml version="1.0" ?>\n<PubmedArticleSet>\n' + "\n".join(out)
            + "\n</PubmedArticleSet>\n")


def test_parts_from_the_workers_keep_their_links_problems_and_warnings(tmp_path, small_parts,
                                                                      monkeypatch):
    """(A worker's part was once taken apart in the wrong order: its references became
    nothing, its problems links and its warnings skipped records.)"""
    xml = tmp_path / "big.xml"
    xml.write_text(_pubmed_set(2), encoding="utf-8")
    big = tmp_path / "big.ris"
    write_ris(big, 300)
    text = big.read_text(encoding="utf-8").split("\n")
    cut = len(text) * 3 // 4        # an empty record and one without ER, far in the file
    cut = next(i for i in range(cut, len(text)) if text[i] == "TY  - JOUR")
    text[cut:cut] = ["TY  - JOUR", "ER  - ", "", "TY  - JOUR", "TI  - No end"]
    big.write_text("\n".join(text), encoding="utf-8")
    reports, libs = [], []
    for workers in ("1", "2"):
        monkeypatch.setenv("AMLREF_WORKERS", workers)
        lib = Library.open(tmp_path / f"w{workers}.sqlite")
        libs.append(lib)
        reports.append(import_paths(lib, [str(xml), str(big)], defer_index=True))
    try:
        one, par = reports
        assert par.to_json() == one.to_json()
        assert one.links > 1000 and one.skipped and one.warnings
        edges = ["SELECT count(*) FROM citations", "SELECT count(*) FROM reference_stubs"]
        assert [libs[1].execute(q).fetchone() for q in edges] == \
               [libs[0].execute(q).fetchone() for q in edges]
    finally:
        for lib in libs:
            lib.close()


def _medline_files() -> list[Path]:
    from amlref.formats.medline import MedlineImporter
    out = []
    for p in sorted((CORPORA / "pubmed").rglob("*")):
        if p.suffix in (".nbib", ".txt") and p.is_file():
            text = read_text(str(p))[0]
            if MedlineImporter().sniff(text[:4096]) >= 0.9:
                out.append(p)
    return out


@pytest.mark.parametrize("size", [400, 4000, 40000])
def test_medline_parts_read_exactly_as_the_whole_file(size):
    """PubMed's "Save as PubMed format" (up to 10,000 records a file) is cut at a blank line
    before a PMID line: the parts read as the whole, line numbers, problems and warnings too
    (CR LF line ends and form feeds included)."""
    from amlref.formats.medline import MedlineImporter
    imp = MedlineImporter()
    files = _medline_files()
    assert len(files) >= 5
    whole_text = "\n\n".join(read_text(str(p))[0] for p in files)
    for text in (whole_text, whole_text.replace("\n", "\r\n"),
                 whole_text.replace("\nAB  -", "\n\x0cAB  -", 3) + "\nnot a line\n"):
        parts = imp.split(text, size)
        assert parts and len(parts) >= 2
        got = ([], [], [])
        for part, line in parts:
            r = imp.parse_part(part, "big.nbib", line)
            got[0].extend(dataclasses.asdict(a) for a in r.articles)
            got[1].extend(str(p) for p in r.problems)
            got[2].extend(r.warnings)
        whole = imp.parse(text, "big.nbib")
        assert got == ([dataclasses.asdict(a) for a in whole.articles],
                       [str(p) for p in whole.problems], whole.warnings)
        assert len(got[0]) > 50
