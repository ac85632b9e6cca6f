"""The facets of an article (target antigens, study type, setting, disease), decided after its
categories: a mixin of the built-in classifier (see classifier.py), which gives it ``_hits`` and
``_score``."""
from __future__ import annotations

import bisect

from amlref.taxonomy.decisions import Decision, Hit
from amlref.taxonomy.fields import _Fields
from amlref.taxonomy.rules import Rules, _Rule


class FacetRules:
    """``_facets``: the facets an article has evidence for."""

    def _facets(self, R: Rules, f: _Fields, found: dict, owners: set,
                cats: dict[str, Decision], aml_words: list,
                unknown: bool = False) -> list[Decision]:
        """The facets this article has evidence for (the others are left out)."""
        any_cat = any(d.assigned for d in cats.values())
        out: dict[str, Decision] = {}
        trial = False
        todo = {R.facet_by_owner[o] for o in owners if o in R.facet_by_owner}
        if f.pub_types or any_cat:   # (otherwise none of these can apply)
            todo.update(R.facets_always)
        for i in sorted(todo):
            rule = R.facets[i]
            slug, group = rule.slug, rule.group
            if rule.computed:
                if slug == "disease:aml" and aml_words and any_cat:
                    d = out[slug] = Decision(slug, "facet", assigned=True)
                    for name, s, e in aml_words[:3]:
                        d.hits.append(Hit(slug, "context/aml", name, f.get(name)[s:e], True))
                elif slug == "disease:other" and any_cat and not aml_words and not unknown:
                    out[slug] = Decision(slug, "facet", assigned=True,
                                         note="context: no AML or myeloid words")
                continue
            if group == "target" and not any_cat:
                continue
            if group == "study":
                if (slug + "#title") in owners or (slug + "#abstract") in owners or (
                        f.pub_types and rule.pub_types & f.pub_types):
                    d = out[slug] = Decision(slug, "facet")
                    self._study(rule, f, found, d, trial)
                    if slug == "study:clinical-trial":
                        trial = d.assigned
                continue
            if slug not in owners:
                continue
            if self._upper_bound(R, slug, f, found) < rule.min_score:
                continue   # even if every word counted it would not reach its score
            d = out[slug] = Decision(slug, "facet", hits=self._hits(R, slug, f, found))
            d.score = self._score(R, d.hits, False)[0]
            d.assigned = d.score >= rule.min_score
        if not out:
            return []
        # a facet implies its parent facet
        for d in list(out.values()):
            parent = R.node_parent[d.slug]
            if d.assigned and parent:
                p = out.get(parent) or out.setdefault(parent, Decision(parent, "facet"))
                if not p.assigned:
                    p.assigned, p.note = True, f"implied by {d.slug}"
        pos = R.facet_pos
        return [out[s] for s in sorted((s for s in out if s in pos), key=pos.__getitem__)]

    @staticmethod
    def _upper_bound(R: Rules, slug: str, f: _Fields, found: dict) -> float:
        """The score if no hit were dropped (negation, exclusion): a cheap test first."""
        score = 0.0
        for name in ("title", "keywords", "mesh"):
            if found.get((slug, name)):
                score += R.w[name]
        ms = found.get((slug, "abstract"))
        if ms:
            starts = f.starts()
            n = len({bisect.bisect_right(starts, s) for g, s, e in ms if g != "exclude"})
            score += min(n * R.w["abstract"], R.cap)
        return score

    def _study(self, rule: _Rule, f: _Fields, found: dict, d: Decision, trial: bool) -> None:
        slug = rule.node.slug
        pts = sorted(rule.pub_types & f.pub_types)
        if pts:
            d.assigned = True
            d.hits.append(Hit(slug, f"{slug}/pub_types", "pub_types", "; ".join(pts), True))
            return
        for g, s, e in found.get((slug + "#title", "title"), ()):
            d.assigned = True
            d.hits.append(Hit(slug, f"{slug}/title", "title", f.title[s:e], True))
            return
        words = [f.abstract[s:e] for g, s, e in found.get((slug + "#abstract", "abstract"), ())]
        phase = slug.startswith("study:phase")
        # phase words in an abstract only for trials; preclinical words in two places
        if words and ((phase and trial) or (not phase and len(words) >= 2)):
            d.assigned = True
            d.hits.append(Hit(slug, f"{slug}/abstract", "abstract", words[0], True))
