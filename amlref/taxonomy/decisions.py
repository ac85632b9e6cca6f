"""What the classifier decides for one article: its hits (with why a hit does not count) and the
decision per category or facet, with its score (see classifier for the rules)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Hit:
    slug: str
    rule: str          # "<slug>/<list>"
    field: str
    words: str
    strong: bool
    sentence: int = 0
    dropped: str = ""  # why it does not count ("negation: prior", "excluded: COVID-19", ...)
    value: float | None = None  # its weight when not the usual (strong 1, weak ``weak``)


@dataclass(slots=True)
class Decision:
    slug: str
    kind: str
    score: float = 0.0
    assigned: bool = False
    hits: list[Hit] = field(default_factory=list)
    note: str = ""
    suggested: bool = False   # not assigned, but evidence enough to propose it to the user

    def reasons(self) -> list[dict]:
        out: dict[tuple, dict] = {}
        for h in self.hits:
            # (a suggestion shows the words that would count with AML context)
            if h.dropped and not (self.suggested and h.strong
                                  and h.dropped.startswith("no AML context")):
                continue
            r = out.setdefault((h.rule, h.field), {"rule": h.rule, "field": h.field, "words": []})
            if h.words not in r["words"]:
                r["words"].append(h.words)
        reasons = list(out.values())
        if self.note:
            reasons.append({"rule": self.note, "field": "", "words": []})
        return reasons


def _kind(slug: str, group: str) -> tuple[str, bool]:
    return f"{slug}/{group}", group not in ("weak", "study_abstract")


def _scores(R, hits: list[Hit], focus: bool, weak_counts: bool,
            strong_focus: bool) -> tuple[float, bool, bool, float]:
    """``_score`` over all fields, and the score of the strong words alone (focus
    ``strong_focus``) in the same pass: (score, any strong hit, weak hit in the title, strong
    score).  The same sums, in the same order, as two calls of ``_score``."""
    best: dict = {}
    sentences: dict[int, float] = {}
    best_s: dict = {}
    sentences_s: dict[int, float] = {}
    has_strong = weak_title = False
    weak = R.weak
    for h in hits:
        if h.dropped:
            continue
        strong = h.strong
        if not strong and not weak_counts:
            continue
        val = h.value if h.value is not None else (1.0 if strong else weak)
        field = h.field
        if strong:
            has_strong = True
            if field == "abstract":
                sentences_s[h.sentence] = max(sentences_s.get(h.sentence, 0.0), val)
            else:
                best_s[field] = max(best_s.get(field, 0.0), val)
        elif field == "title":
            weak_title = True
        if field == "abstract":
            sentences[h.sentence] = max(sentences.get(h.sentence, 0.0), val)
        else:
            best[field] = max(best.get(field, 0.0), val)
    w = R.w
    score = sum(w[k] * v for k, v in best.items())
    if sentences:
        ab = sum(sentences.values()) * w["abstract"] * (R.focus_factor if focus else 1.0)
        score += min(ab, R.cap)
    strong_score = sum(w[k] * v for k, v in best_s.items())
    if sentences_s:
        ab = sum(sentences_s.values()) * w["abstract"] * (R.focus_factor if strong_focus else 1.0)
        strong_score += min(ab, R.cap)
    return score, has_strong, weak_title, strong_score


def _copy_hit(h: Hit, **changes) -> Hit:
    d = {k: getattr(h, k) for k in Hit.__slots__}
    d.update(changes)
    return Hit(**d)
