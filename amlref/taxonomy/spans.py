"""Words inside another category's words: a hit that lies inside a longer strong match of
another top-level category counts for that one (docs/decisions/0020, session 6)."""
from __future__ import annotations

from amlref.taxonomy.decisions import Hit


def strong_spans(R, found: dict, owners: set) -> dict:
    """{field: [(start, end, top-level slug)]}: the strong words of each category in a field
    where two or more top-level categories have words (else empty).  A hit inside a longer
    strong word of another category is that one's ("dendritic cell-based immunotherapy" is a
    vaccine, not adoptive cell therapy; "haploidentical NK cells" are NK cells, not a
    transplant)."""
    tops: dict[str, set] = {}
    for owner, name in found:
        if owner in R.cat_slugs:
            tops.setdefault(name, set()).add(R.top[owner])
    out: dict[str, list] = {}
    kinds = R.hit_kinds
    for name, ts in tops.items():
        if len(ts) < 2:
            continue
        spans = []
        for owner in owners:
            if owner in R.cat_slugs:
                top = R.top[owner]
                for group, start, end in found.get((owner, name), ()):
                    kind = kinds.get((owner, group))
                    # (an exclusion phrase is not a word of its category: it swallows nothing)
                    if kind is not None and kind[1] and group != "exclude":
                        spans.append((start, end, top))
        out[name] = spans
    return out


def inside(spans: list, start: int, end: int, top: str, text: str, h: Hit) -> bool:
    """Whether the words at start:end lie inside a longer strong word of another top-level
    category (then ``h`` is dropped, with the words that hold it)."""
    for s, e, other in spans:
        if s <= start and end <= e and e - s > end - start and other != top:
            h.dropped = f"inside the words of {other}: {text[s:e]}"
            return True
    return False
