"""The classifier per article against the classifier of an earlier commit, in one process.

Issue 12's speed target: "no slower per article than before session 4" (commit 8263723, before
the domain vocabulary). That commit's ``amlref/taxonomy`` package, its
``resources/taxonomy.toml`` and its ``resources/vocabulary/`` (if it has one) are taken from git
into a temporary folder and imported under another package name (``amlref_<commit>.taxonomy``;
it uses today's ``amlref.core`` and ``amlref.plugins``, which it only needs for its base class
and errors). Both classifiers run on the same articles, interleaved (old, new, new, old, ...),
for several rounds; each round prints the time per article of both (wall and CPU) and the ratio
new/old; the end gives the median and the range of the ratios. Target: median ratio <= 1.00.

Articles: the real aml-dev records (title, abstract, keywords, MeSH) repeated with a distinct
title suffix (as bench_classify does); ``--corpus`` adds a run on the records of the check below
(each once per round: aml-dev and the pubmed/ris corpora, and again with title and abstract
swapped); ``--synthetic`` adds a run on synthetic articles.

``--check FILE``: the current classifier's ``analyse`` output (decisions, scores, hits, reasons)
on every aml-dev record and every record of the pubmed and ris corpora (read by the real
importers), also with title and abstract swapped, is written to FILE when it does not exist,
and compared with it when it does (keep FILE outside the repository: it is a before/after
check of a change that must not change any result).

    .venv/bin/python benchmarks/bench_classify_speed.py [--articles 4000] [--rounds 9]
        [--commit 8263723] [--corpus] [--synthetic] [--check /tmp/classify-before.pkl]
"""
from __future__ import annotations

import argparse
import gc
import importlib
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from amlref.core.article import Article  # noqa: E402
from amlref.taxonomy.classifier import ImmunotherapyClassifier  # noqa: E402
from amlref.taxonomy.model import load  # noqa: E402
from benchmarks.bench_classify import DEV, make_articles  # noqa: E402

BASE_COMMIT = "8263723"


def old_classifier(commit: str, folder: Path):
    """The built-in classifier of ``commit`` (its taxonomy package and taxonomy.toml), imported
    as ``amlref_<commit>.taxonomy``."""
    pkg = f"amlref_{commit}"
    names = subprocess.run(["git", "ls-tree", "--name-only", commit, "amlref/taxonomy/"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    dest = folder / pkg / "taxonomy"
    dest.mkdir(parents=True)
    (folder / pkg / "__init__.py").write_text("", encoding="utf-8")
    for name in names:
        if not name.endswith(".py"):
            continue
        src = subprocess.run(["git", "show", f"{commit}:{name}"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
        (dest / Path(name).name).write_text(src.replace("amlref.taxonomy", f"{pkg}.taxonomy"),
                                            encoding="utf-8")
    toml = folder / "taxonomy.toml"
    toml.write_text(subprocess.run(["git", "show", f"{commit}:resources/taxonomy.toml"], cwd=ROOT,
                                   capture_output=True, text=True, check=True).stdout,
                    encoding="utf-8")
    # its vocabulary files beside it, where ``model.load`` looks (none before session 4: a
    # later commit, such as the one before a change, is compared with its own vocabulary)
    vocab = subprocess.run(["git", "ls-tree", "--name-only", commit, "resources/vocabulary/"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in vocab:
        dest = folder / "vocabulary" / Path(name).name
        dest.parent.mkdir(exist_ok=True)
        dest.write_text(subprocess.run(["git", "show", f"{commit}:{name}"], cwd=ROOT,
                                       capture_output=True, text=True, check=True).stdout,
                        encoding="utf-8")
    sys.path.insert(0, str(folder))
    model = importlib.import_module(f"{pkg}.taxonomy.model")
    classifier = importlib.import_module(f"{pkg}.taxonomy.classifier")
    return classifier.ImmunotherapyClassifier(model.load(builtin=toml, user=False))


def _time(clf, articles: list) -> tuple[float, float]:
    """(wall, CPU) seconds per article of classifying these articles once."""
    classify = clf.classify
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    for a in articles:
        classify(a)
    return ((time.perf_counter() - t) / len(articles), (time.process_time() - c) / len(articles))


def compare(old, new, articles: list, rounds: int, label: str) -> None:
    for clf in (old, new):   # regexes are compiled on first use: not part of the figures
        for a in articles:
            clf.classify(a)
    print(f"\n{label}: {len(articles)} articles per round, {rounds} rounds "
          f"(ms per article, wall / CPU)")
    ratios, cpu_ratios = [], []
    for i in range(rounds):
        order = (old, new) if i % 2 == 0 else (new, old)
        got = {id(clf): _time(clf, articles) for clf in order}
        (ow, oc), (nw, nc) = got[id(old)], got[id(new)]
        ratios.append(nw / ow)
        cpu_ratios.append(nc / oc)
        print(f"  round {i + 1}: old {ow * 1000:.4f} / {oc * 1000:.4f}  new {nw * 1000:.4f} / "
              f"{nc * 1000:.4f}  ratio new/old {nw / ow:.3f} / {nc / oc:.3f}")
    for name, rs in (("wall", ratios), ("CPU", cpu_ratios)):
        print(f"  ratio new/old ({name}): median {statistics.median(rs):.3f}, "
              f"range {min(rs):.3f}-{max(rs):.3f}  (target <= 1.00)")


# -- the results check --------------------------------------------------------------------------
def check_records() -> tuple[list, str]:
    """Every aml-dev record and every record the importers read from the pubmed and ris
    corpora; and a line saying how many."""
    from amlref.services.importing import parse_data
    arts = []
    for line in (DEV / "records.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            arts.append(Article(title=r["title"] or "", abstract=r["abstract"] or "",
                                keywords=list(r["keywords"]), mesh=list(r["mesh"])))
    n_dev, files = len(arts), 0
    for sub in ("pubmed", "ris"):
        for p in sorted((DEV.parent / sub).rglob("*")):
            try:
                result = parse_data(p.read_bytes(), p.name) if p.is_file() else None
            except Exception:   # (not a file an importer reads: left out)
                continue
            if result and result.articles:
                files += 1
                arts.extend(result.articles)
    swapped = [Article(title=(a.abstract or "")[:300], abstract=a.title or "",
                       keywords=a.keywords, mesh=a.mesh) for a in arts]
    return arts + swapped, (f"{len(arts)} records ({n_dev} aml-dev, {len(arts) - n_dev} from "
                            f"{files} pubmed/ris files), and again with title and abstract swapped")


def analysis(clf, articles: list) -> list:
    return [[(d.slug, d.kind, d.score, d.assigned, d.suggested, d.note, d.reasons(),
              [(h.rule, h.field, h.words, h.sentence, h.dropped, h.value, h.strong)
               for h in d.hits]) for d in clf.analyse(a)] + [clf.classify(a)] for a in articles]


def check(path: Path) -> bool:
    articles, what = check_records()
    got = analysis(ImmunotherapyClassifier(load(user=False)), articles)
    if not path.exists():
        path.write_bytes(pickle.dumps(got))
        print(f"check: {what}: results written to {path}")
        return True
    ref = pickle.loads(path.read_bytes())
    differ = [i for i, (a, b) in enumerate(zip(ref, got)) if a != b]
    same = not differ and len(ref) == len(got)
    print(f"check: {what}: " + ("identical to " + str(path) if same else
                                f"{len(differ)} differ from {path} (first: {differ[:5]})"))
    return same


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=4_000)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--commit", default=BASE_COMMIT)
    ap.add_argument("--corpus", action="store_true")
    ap.add_argument("--synthetic", action="store_true")
    ap.add_argument("--check", type=Path, help="write, or compare with, the current results")
    args = ap.parse_args()
    if args.check and not check(args.check):
        sys.exit(1)
    with tempfile.TemporaryDirectory() as tmp:
        old = old_classifier(args.commit, Path(tmp))
        new = ImmunotherapyClassifier(load(user=False))
        compare(old, new, make_articles(args.articles), args.rounds,
                f"real aml-dev records, classifier of {args.commit} (old) and of this tree (new)")
        if args.corpus:
            articles, what = check_records()
            compare(old, new, articles, args.rounds, what)
        if args.synthetic:
            from benchmarks.synthetic import make_articles as synthetic
            compare(old, new, synthetic(args.articles), args.rounds, "synthetic articles")


if __name__ == "__main__":
    main()
