"""Synthetic but realistic-looking AML articles for benchmarks."""
from __future__ import annotations

import random

from amlref.core.article import Article, Person

WORDS = ("acute myeloid leukemia AML immunotherapy CAR-T CD123 CD33 CLL-1 checkpoint inhibitor "
         "PD-1 TIM-3 sabatolimab magrolimab CD47 venetoclax azacitidine relapsed refractory "
         "bispecific flotetuzumab vibecotamab gemtuzumab ozogamicin vaccine WT1 dendritic STING "
         "agonist transplant graft-versus-leukemia donor lymphocyte infusion NK cells trial phase "
         "outcome survival response remission minimal residual disease FLT3 NPM1 TP53 elderly "
         "microenvironment T-cell exhaustion cytokine release syndrome toxicity efficacy").split()
FAMILIES = ("Smith Müller García Wang Kim Nguyen Rossi Dubois Kowalski Novak Bawek Przespolewski "
            "Daver Kantarjian Döhner Estey Tallman Stein Ravandi Wei Perl Levis Burnett").split()
JOURNALS = ("Blood", "Leukemia", "J Clin Oncol", "Haematologica", "Front Oncol", "Nat Med",
            "Blood Adv", "Cancer Immunol Res", "Lancet Haematol", "Am J Hematol")


def _vocabulary(rnd: random.Random, size: int = 30_000) -> tuple[list[str], list[float]]:
    """Domain words plus pseudo-words, with Zipf-like frequencies as in real abstracts."""
    syll = ["ka", "lo", "mi", "ne", "ru", "ta", "phe", "cy", "to", "xin", "ase", "ine", "gen",
            "pro", "lym", "mye", "leu", "cyte", "kin", "tor", "ol", "an", "ex", "ib", "mab"]
    pseudo = {"".join(rnd.choice(syll) for _ in range(rnd.randint(2, 4))) for _ in range(size)}
    vocab = list(WORDS) + sorted(pseudo)
    cum, total = [], 0.0
    for r in range(len(vocab)):
        total += 1.0 / (r + 1)
        cum.append(total)
    return vocab, cum


def make_articles(n: int, seed: int = 1) -> list[Article]:
    rnd = random.Random(seed)
    vocab, cum = _vocabulary(rnd)
    out = []
    for i in range(n):
        title = " ".join(rnd.choices(vocab, cum_weights=cum, k=rnd.randint(6, 14))).capitalize()
        abstract = " ".join(rnd.choices(vocab, cum_weights=cum, k=rnd.randint(80, 200)))
        authors = [Person(family=rnd.choice(FAMILIES), given=rnd.choice("ABCDEFGHJK") + ".")
                   for _ in range(rnd.randint(1, 8))]
        out.append(Article(
            title=f"{title} ({i})", abstract=abstract, authors=authors,
            container=rnd.choice(JOURNALS), issued=str(rnd.randint(1995, 2025)),
            volume=str(rnd.randint(1, 150)), pages=f"{rnd.randint(1, 900)}-{rnd.randint(901, 999)}",
            doi=f"10.9999/bench.{i}", pmid=str(10_000_000 + i),
            keywords=[rnd.choice(WORDS) for _ in range(4)],
            mesh=["Leukemia, Myeloid, Acute/therapy", "Immunotherapy"], origin="bench"))
    return out
