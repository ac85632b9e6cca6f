"""RIS import speed against a bare ``rispy.load`` of the same file, measured in the same run.

    .venv/bin/python benchmarks/bench_ris.py            # 10,000 and 100,000 records
    .venv/bin/python benchmarks/bench_ris.py 20000      # other sizes

For each size N it writes a synthetic RIS file (N distinct records: authors, title, journal,
year, volume/issue/pages, DOI, abstract, keywords; every 20th record repeated so the duplicate
check has work), then times:

- ``rispy``: ``rispy.load`` of the file (the baseline, parsing only);
- ``parse``: our RIS importer alone (also as CPU time of this process, rispy's and ours: a
  ratio that other work on a shared machine moves less than wall time);
- ``import``: the real import into a fresh SQLite library as ``amlref import`` and the window
  do it (read, detect, parse, duplicate check, citation keys, insert, commit): the articles are
  in the library, listed, exported and found by identifier;
- ``index``: the work the import leaves for right after its commit (services/indexing.py):
  full-text indexing and classification, in committed batches (the window does it in the
  background, the CLI before it exits).  Reported apart, and as ``total``.

``--parse-only`` stops after the parse (no library); ``--no-classify`` leaves the immunotherapy
classifier out of ``index`` (it has its own benchmark, bench_classify.py).

A file of 4 MB or more is parsed by worker processes while the import stores (decision 0005);
``AMLREF_WORKERS=1`` gives the one-process import for comparison.

Target: import <= 2 x rispy at 100,000 records; and import time per record about the same at
10k and 100k (the duplicate check is not quadratic)."""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time

import rispy

from amlref.core.text import read_text
from amlref.formats.ris import RisImporter
from amlref.services.indexing import catch_up
from amlref.services.importing import import_paths
from amlref.storage.library import Library

WORDS = ("acute myeloid leukemia immunotherapy CAR-T cells checkpoint inhibitor relapsed "
         "refractory venetoclax azacitidine trial outcome survival bispecific antibody CD33 "
         "CD123 FLT3 NPM1 TP53 transplant allogeneic vaccine dendritic NK cell response "
         "minimal residual disease elderly patients induction consolidation").split()
JOURNALS = ["Blood", "Leukemia", "J Clin Oncol", "Lancet Haematol", "Front Oncol",
            "Haematologica", "Blood Adv", "Cancer Cell", "Nat Med", "Am J Hematol"]
FAMILIES = ["Smith", "Döhner", "Wei", "Kantarjian", "Garcia", "Müller", "Tanaka", "Rossi",
            "Nguyen", "O'Brien", "Kim", "Dupont", "Novak", "Silva", "Cohen", "Ivanov"]


def write_corpus(path: str, n: int, seed: int = 7) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            k = i - 1 if i % 20 == 19 else i  # a duplicate every 20 records
            r = random.Random(k * 7919 + seed)
            title = " ".join(r.choice(WORDS) for _ in range(r.randint(8, 16))).capitalize()
            fh.write("TY  - JOUR\n")
            for _ in range(r.randint(2, 8)):
                fh.write(f"AU  - {r.choice(FAMILIES)}, {r.choice('ABCDEFGHJK')}.\n")
            fh.write(f"TI  - {title} ({k})\n")
            fh.write(f"T2  - {r.choice(JOURNALS)}\n")
            fh.write(f"PY  - {r.randint(1995, 2025)}\n")
            fh.write(f"VL  - {r.randint(1, 140)}\nIS  - {r.randint(1, 12)}\n")
            sp = r.randint(1, 3000)
            fh.write(f"SP  - {sp}\nEP  - {sp + r.randint(1, 20)}\n")
            fh.write(f"DO  - 10.{r.randint(1000, 9999)}/bench.{k}\n")
            fh.write("AB  - " + " ".join(r.choice(WORDS) for _ in range(r.randint(60, 160)))
                     + ".\n")
            for _ in range(r.randint(2, 6)):
                fh.write(f"KW  - {r.choice(WORDS)}\n")
            fh.write("ER  - \n\n")


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def cpu_timed(fn):
    """CPU seconds of this process: less moved than wall time by other work on the machine
    (the parse runs in this process; the import's workers do not count here)."""
    t = time.process_time()
    out = fn()
    return time.process_time() - t, out


def run(n: int, tmp: str) -> dict:
    path = os.path.join(tmp, f"bench-{n}.ris")
    write_corpus(path, n)
    size = os.path.getsize(path) / 1048576

    def bare_rispy():
        with open(path, encoding="utf-8") as fh:
            return rispy.load(fh)

    t_rispy, recs = timed(bare_rispy)
    t_parse, res = timed(lambda: RisImporter().parse(read_text(path)[0], path))
    c_rispy, _ = cpu_timed(bare_rispy)
    c_parse, _ = cpu_timed(lambda: RisImporter().parse(read_text(path)[0], path))
    if PARSE_ONLY:
        return {"n": n, "mb": size, "rispy": t_rispy, "rispy_records": len(recs),
                "cpu_ratio": c_parse / c_rispy, "parse": t_parse, "parsed": len(res.articles),
                "import": t_parse,
                "added": len(res.articles), "merged": 0, "count": len(res.articles)}
    lib = Library.open(os.path.join(tmp, f"lib-{n}.sqlite"))
    try:
        # (without CLASSIFY: the same import minus the classifier, another component timed
        # apart in bench_classify.py)
        t_import, report = timed(lambda: import_paths(lib, [path], defer_index=True,
                                                      classify=CLASSIFY))
        t_index, _ = timed(lambda: catch_up(lib))
        count = lib.articles.count()
    finally:
        lib.close()
    return {"n": n, "mb": size, "rispy": t_rispy, "rispy_records": len(recs),
            "cpu_ratio": c_parse / c_rispy, "parse": t_parse, "parsed": len(res.articles),
            "import": t_import,
            "index": t_index, "added": len(report.added),
            "merged": len(report.merged) + len(report.unchanged), "count": count}


CLASSIFY = True
PARSE_ONLY = False


def main(argv: list[str]) -> int:
    global CLASSIFY, PARSE_ONLY
    CLASSIFY = "--no-classify" not in argv
    PARSE_ONLY = "--parse-only" in argv
    argv = [a for a in argv if not a.startswith("--")]
    from amlref.core.workers import available as workers
    print("parse only (no library)" if PARSE_ONLY else
          "import " + ("with" if CLASSIFY else "WITHOUT") + " classification"
          + f"; {workers()} worker process(es) for files of 4 MB or more "
            f"({os.cpu_count()} cores)")
    sizes = [int(x) for x in argv] or [10_000, 100_000]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            r = run(n, tmp)
            rows.append(r)
            print(f"{r['n']:>7} records ({r['mb']:.0f} MB): rispy.load {r['rispy']:.2f}s | "
                  f"our parse {r['parse']:.2f}s ({r['parse'] / r['rispy']:.2f}x; "
                  f"CPU time {r['cpu_ratio']:.2f}x)"
                  + (" | parse only" if PARSE_ONLY else " | ")
                  + ("" if PARSE_ONLY else f"import into SQLite {r['import']:.2f}s ({r['import'] / r['rispy']:.2f}x rispy; "
                  f"{1e6 * r['import'] / r['n']:.0f} us/record) | then index "
                  f"{r['index']:.2f}s, total {r['import'] + r['index']:.2f}s "
                  f"({(r['import'] + r['index']) / r['rispy']:.2f}x) | added {r['added']}, "
                  f"merged {r['merged']}"), flush=True)
            assert r["parsed"] == r["rispy_records"] == r["n"]
            assert PARSE_ONLY or r["added"] + r["merged"] == r["n"]
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        per = (b["import"] / b["n"]) / (a["import"] / a["n"])
        print(f"per-record {'parse' if PARSE_ONLY else 'import'} time {b['n']} vs {a['n']}: {per:.2f}x "
              f"(1.0 = linear; quadratic would be {b['n'] / a['n']:.0f}x)")
    last = rows[-1]
    ratio = last["import"] / last["rispy"]
    what = "parse" if PARSE_ONLY else "import"
    print(f"RESULT: {what}/rispy at {last['n']} records = {ratio:.2f} (target <= 2.0): "
          f"{'OK' if ratio <= 2.0 else 'OVER'}")
    if not PARSE_ONLY:
        total = (last["import"] + last["index"]) / last["rispy"]
        print(f"import + index (search, categories) / rispy = {total:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
