"""Classification speed at scale, and quality on the expert-labelled development set.

Speed (target: classifying N articles takes well under the time to import them):
  - baseline: importing a CSL-JSON file of N records (parse, dedup, storage, FTS) with
    classification switched off; the same records as a RIS file, imported as `amlref import`
    does (parsed by worker processes, committed before indexing); and storing the N parsed
    articles alone
  - classify_all over the same library (rules, regexes, storing assignments with reasons)
  - the classifier alone (no database), per article: on the articles below, and on synthetic
    articles (benchmarks/synthetic.py: random domain words, every article full of terms)
Articles are the real aml-dev records (titles, abstracts, keywords) repeated with a distinct title
suffix, so the texts are real abstracts; without the corpus, synthetic articles are used.

Quality: per-category precision, recall and F1 on ../shared/corpora/aml-dev and the macro-F1.

    .venv/bin/python benchmarks/bench_classify.py [--articles 100000]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from amlref.core.article import Article, ParseResult  # noqa: E402
from amlref.storage.library import Library  # noqa: E402
from amlref.taxonomy.classifier import ImmunotherapyClassifier  # noqa: E402
from amlref.taxonomy.model import TOP_LEVEL  # noqa: E402

DEV = next((p / "aml-dev" for p in (Path(os.environ.get("AMLREF_CORPORA", ROOT.parent / "shared"
                                                                  / "corpora")),
                                   ROOT.parent.parent / "shared" / "corpora")
            if (p / "aml-dev").exists()), ROOT.parent / "shared" / "corpora" / "aml-dev")


def dev_records() -> list[dict]:
    p = DEV / "records.jsonl"
    if not p.exists():
        return []
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


def make_articles(n: int) -> list[Article]:
    recs = dev_records()
    if not recs:
        from benchmarks.synthetic import make_articles as synth
        return synth(n)
    out = []
    for i in range(n):
        r = recs[i % len(recs)]
        out.append(Article(title=f"{r['title'] or 'Untitled'} (set {i})", abstract=r["abstract"],
                           keywords=list(r["keywords"]), mesh=list(r["mesh"]),
                           issued=r.get("year") or "", container=r.get("journal") or ""))
    return out


def quality() -> None:
    recs = dev_records()
    if not recs:
        print("quality: aml-dev corpus not available")
        return
    with open(DEV / "labels.tsv", encoding="utf-8") as fh:
        labels = {r["record_id"]: r for r in csv.DictReader(fh, delimiter="\t")}
    clf = ImmunotherapyClassifier()
    tp = {c: 0 for c in TOP_LEVEL}
    fp, fn = dict(tp), dict(tp)
    for r in recs:
        a = Article(title=r["title"], abstract=r["abstract"], keywords=r["keywords"], mesh=r["mesh"])
        got = {row[0] for row in clf.classify(a)   # (assigned: 3-tuples; suggested: 4)
               if len(row) == 3 and row[1] == "category" and row[0] in TOP_LEVEL}
        gold = {c for c in labels[r["record_id"]]["categories"].split(",") if c}
        for c in TOP_LEVEL:
            tp[c] += c in got and c in gold
            fp[c] += c in got and c not in gold
            fn[c] += c in gold and c not in got
    print(f"\nquality on aml-dev ({len(recs)} records)")
    print(f"  {'category':<24} {'P':>5} {'R':>5} {'F1':>5}")
    f1s = []
    for c in TOP_LEVEL:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        r_ = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        f1 = 2 * p * r_ / (p + r_) if p + r_ else 0.0
        f1s.append(f1)
        print(f"  {c:<24} {p:5.2f} {r_:5.2f} {f1:5.2f}")
    print(f"  macro-F1 {sum(f1s) / len(f1s):.3f}")


def classifier_alone(clf, sample: list, label: str) -> None:
    for a in sample[:200]:   # regexes compiled on first use
        clf.classify(a)
    t, c = time.perf_counter(), time.process_time()
    for a in sample:
        clf.classify(a)
    per = (time.perf_counter() - t) / len(sample)
    cpu = (time.process_time() - c) / len(sample)
    print(f"classifier alone, {label}: {per * 1000:.3f} ms per article, {cpu * 1000:.3f} ms CPU "
          f"({cpu * 100_000:.0f} s CPU per 100,000)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--alone", action="store_true", help="the classifier alone (no library): "
                    "per-article times and the quality on aml-dev")
    args = ap.parse_args()
    n = args.articles
    arts = make_articles(n)

    clf = ImmunotherapyClassifier()
    clf.classify(arts[0])  # compile the rules (reported apart)
    classifier_alone(clf, arts[:min(n, 20_000)], "these articles")
    from benchmarks.synthetic import make_articles as synthetic
    classifier_alone(clf, synthetic(min(n, 5_000)), "synthetic articles")
    if args.alone:
        quality()
        return

    from amlref.plugins.registry import registry
    from amlref.services.classify import classify_all
    from amlref.services.importing import import_results, parse_data
    with tempfile.TemporaryDirectory() as tmp:
        # baseline 1: what `amlref import file.json` does without classification: parse a
        # CSL-JSON file (the quickest of the formats to parse) and store the records
        text = registry.exporter("csljson").export(arts).encode("utf-8")
        lib = Library.open(Path(tmp) / "parsed.sqlite")
        t, c = time.perf_counter(), time.process_time()
        result = parse_data(text, "bench.json", "csljson")
        import_results(lib, [("bench.json", result)], classify=False)
        t_full, c_full = time.perf_counter() - t, time.process_time() - c
        lib.close()
        del text, result
        print(f"baseline: import of a {n}-record CSL-JSON file, no classification: {t_full:.1f} s "
              f"({c_full:.1f} s CPU)")
        # baseline 1b: the same articles as a RIS file, imported as `amlref import` does (a
        # big RIS file is parsed by worker processes while it is stored: decision 0005)
        from amlref.services.importing import import_paths
        ris_path = Path(tmp) / "bench.ris"
        ris_path.write_text(registry.exporter("ris").export(
            [Article(**{**a.__dict__, "doi": f"10.5555/set.{i}"}) for i, a in enumerate(arts)]),
            encoding="utf-8")
        lib = Library.open(Path(tmp) / "ris.sqlite")
        t = time.perf_counter()
        import_paths(lib, [str(ris_path)], classify=False, defer_index=True)
        t_ris = time.perf_counter() - t
        lib.close()
        print(f"baseline: import of the same {n} records as a RIS file "
              f"({ris_path.stat().st_size // 1_000_000} MB), committed, no classification: "
              f"{t_ris:.1f} s")
        # baseline 2: storing already parsed articles (no parsing at all)
        lib = Library.open(Path(tmp) / "bench.sqlite")
        t, c = time.perf_counter(), time.process_time()
        report = import_results(lib, [("bench", ParseResult(articles=arts))], classify=False)
        t_import, c_import = time.perf_counter() - t, time.process_time() - c
        print(f"baseline: storing {n} parsed articles, no classification: {t_import:.1f} s "
              f"({c_import:.1f} s CPU; {len(report.added)} added)")
        from amlref.services.classify import _workers
        saved = os.environ.get("AMLREF_WORKERS")
        os.environ["AMLREF_WORKERS"] = "1"
        t, c = time.perf_counter(), time.process_time()
        classified = classify_all(lib)
        t_seq, c_seq = time.perf_counter() - t, time.process_time() - c
        rows = lib.execute("SELECT count(*) FROM article_categories").fetchone()[0]
        print(f"classify_all of {classified} articles in one process: {t_seq:.1f} s "
              f"({c_seq:.1f} s CPU), {rows} assignments stored (rules compiled in the run)")
        print(f"  ratio to the file import: {t_seq / t_full:.2f} wall, {c_seq / c_full:.2f} CPU; "
              f"to storing only: {t_seq / t_import:.2f} wall")
        if saved is None:
            del os.environ["AMLREF_WORKERS"]
        else:
            os.environ["AMLREF_WORKERS"] = saved
        w = _workers(n)
        if w > 1:
            # from the same starting point as the one-process run (no stored assignments:
            # a re-run only writes what changed, which would flatter this figure)
            with lib.transaction():
                lib.execute("DELETE FROM article_categories")
            t = time.perf_counter()
            classify_all(lib)
            t_par = time.perf_counter() - t
            print(f"classify_all with {w} worker processes (cpu_count {os.cpu_count()}): "
                  f"{t_par:.1f} s wall")
            print(f"  ratio to the file import: {t_par / t_full:.2f} wall, to the RIS import "
                  f"{t_par / t_ris:.2f}  (target: well under 1)")
        else:
            print("  (no worker processes here: one CPU or fewer articles than PARALLEL_MIN)")
        t = time.perf_counter()
        from amlref.services.views import category_tree
        tree = category_tree(lib)
        print(f"category tree with counts: {(time.perf_counter() - t) * 1000:.0f} ms "
              f"({tree['total'] - tree['uncategorized']} categorized)")
        lib.close()
    quality()


if __name__ == "__main__":
    main()
