"""How the classifier holds on records it was not built on.

aml-dev (../shared/corpora/aml-dev: records.jsonl + labels.tsv) is split in two halves with a fixed
seed, stratified by the records' category sets (each category's records are dealt out alternately
after a seeded shuffle).  Rules are looked at (errors read) on half A only; half B is the check.
Printed: per-category precision, recall and F1 and the macro-F1 over the seven top-level
categories, on half A, half B and all records, for the records as they are, with the abstracts
removed (title, keywords and MeSH only) and with the abstracts cut to 300 characters (what a
PubMed alert often delivers); and the suggestions (hits too weak to assign): how many, how many
right (a "would-be recall"), their precision.

    .venv/bin/python benchmarks/bench_generalisation.py [--errors A|B|all] [--variant full]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from amlref.core.article import Article  # noqa: E402
from amlref.taxonomy.classifier import ImmunotherapyClassifier  # noqa: E402
from amlref.taxonomy.model import TOP_LEVEL, load  # noqa: E402

DEV = next((p / "aml-dev" for p in (Path(os.environ.get("AMLREF_CORPORA", ROOT.parent / "shared"
                                                                  / "corpora")),
                                   ROOT.parent.parent / "shared" / "corpora")
            if (p / "aml-dev").exists()), ROOT.parent / "shared" / "corpora" / "aml-dev")
SEED = 20261203
VARIANTS = ("full", "no-abstract", "abstract-300")


def dev_set(folder: Path | None = None) -> tuple[list[dict], dict[str, set[str]]]:
    folder = folder or DEV
    recs = [json.loads(x) for x in (folder / "records.jsonl").read_text(encoding="utf-8")
            .splitlines() if x.strip()]
    with open(folder / "labels.tsv", encoding="utf-8") as fh:
        gold = {r["record_id"]: {c for c in r["categories"].split(",") if c}
                for r in csv.DictReader(fh, delimiter="\t")}
    return recs, gold


def halves(recs: list[dict], gold: dict[str, set[str]], seed: int = SEED
           ) -> tuple[list[dict], list[dict]]:
    """Two halves, stratified by the label set (rarest category first), fixed seed."""
    rng = random.Random(seed)
    freq = {c: sum(c in g for g in gold.values()) for c in TOP_LEVEL}
    strata: dict[str, list[dict]] = {}
    for r in recs:
        g = gold[r["record_id"]]
        key = min(g, key=lambda c: (freq[c], c)) if g else ""
        strata.setdefault(key, []).append(r)
    a, b = [], []
    flip = 0
    for key in sorted(strata):
        group = sorted(strata[key], key=lambda r: r["record_id"])
        rng.shuffle(group)
        for r in group:
            (a if flip % 2 == 0 else b).append(r)
            flip += 1
    return a, b


def article(r: dict, variant: str = "full") -> Article:
    abstract = r.get("abstract") or ""
    if variant == "no-abstract":
        abstract = ""
    elif variant == "abstract-300":
        abstract = abstract[:300]
    return Article(title=r.get("title") or "", abstract=abstract,
                   keywords=list(r.get("keywords") or []), mesh=list(r.get("mesh") or []))


def evaluate(clf, recs: list[dict], gold: dict[str, set[str]], variant: str = "full") -> dict:
    tp = {c: 0 for c in TOP_LEVEL}
    fp, fn, sug_right, sug_wrong = dict(tp), dict(tp), dict(tp), dict(tp)
    errors = []
    for r in recs:
        rows = clf.classify(article(r, variant))
        got = {row[0] for row in rows if len(row) == 3 and row[1] == "category"
               and row[0] in TOP_LEVEL}
        sug = {row[0] for row in rows if len(row) == 4 and row[1] == "category"
               and row[0] in TOP_LEVEL}
        g = gold[r["record_id"]]
        for c in TOP_LEVEL:
            tp[c] += c in got and c in g
            fp[c] += c in got and c not in g
            fn[c] += c in g and c not in got
            sug_right[c] += c in sug and c in g
            sug_wrong[c] += c in sug and c not in g
        if got != g:
            errors.append((r["record_id"], sorted(got - g), sorted(g - got), sorted(sug)))
    table = {}
    for c in TOP_LEVEL:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 1.0 if not fn[c] else 0.0
        rc = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 1.0
        f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
        table[c] = {"n": tp[c] + fn[c], "tp": tp[c], "fp": fp[c], "fn": fn[c], "precision": p,
                    "recall": rc, "f1": f1, "sug_right": sug_right[c],
                    "sug_wrong": sug_wrong[c]}
    macro = sum(v["f1"] for v in table.values()) / len(table)
    return {"table": table, "macro": macro, "errors": errors}


def show(title: str, res: dict) -> None:
    print(f"\n{title}")
    print(f"  {'category':<22} {'n':>3} {'tp':>3} {'fp':>3} {'fn':>3} {'P':>5} {'R':>5} {'F1':>5}"
          f"  suggested right/wrong")
    for c, v in res["table"].items():
        print(f"  {c:<22} {v['n']:>3} {v['tp']:>3} {v['fp']:>3} {v['fn']:>3} "
              f"{v['precision']:5.2f} {v['recall']:5.2f} {v['f1']:5.2f}"
              f"  {v['sug_right']}/{v['sug_wrong']}")
    right = sum(v["sug_right"] for v in res["table"].values())
    wrong = sum(v["sug_wrong"] for v in res["table"].values())
    fn = sum(v["fn"] for v in res["table"].values())
    sp = f"{right / (right + wrong):.2f}" if right + wrong else "-"
    print(f"  macro-F1 {res['macro']:.3f}; suggestions {right + wrong} (right {right}, "
          f"precision {sp}; would-be recall: {right} of {fn} missed)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--errors", choices=["A", "B", "all"], help="list the records that differ")
    ap.add_argument("--variant", choices=VARIANTS, action="append")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    if not (DEV / "records.jsonl").exists():
        print("aml-dev corpus not available")
        return
    recs, gold = dev_set()
    a, b = halves(recs, gold, args.seed)
    clf = ImmunotherapyClassifier(load(user=False))
    sets = {"A": a, "B": b, "all": recs}
    summary = []
    for variant in args.variant or VARIANTS:
        for name, part in sets.items():
            res = evaluate(clf, part, gold, variant)
            show(f"half {name} ({len(part)} records), {variant}" if name != "all"
                 else f"all ({len(part)} records), {variant}", res)
            summary.append((variant, name, res["macro"]))
            if args.errors == name:
                for rid, extra, missing, sug in res["errors"]:
                    print(f"    {rid}: extra {extra} missing {missing} suggested {sug}")
    print("\nmacro-F1        " + "  ".join(f"{n:>6}" for n in sets))
    for variant in args.variant or VARIANTS:
        print(f"  {variant:<14}" + "  ".join(f"{m:6.3f}" for v, n, m in summary if v == variant))


if __name__ == "__main__":
    main()
