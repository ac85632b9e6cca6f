"""Titles alone and cut abstracts (what a PubMed alert delivers): titles that name a modality by
its construct, agent, code name or the field's phrasing; the title lists (words that are the
subject in the title of an AML article and a passing mention elsewhere); abbreviations an
abstract defines; and the hard negatives of the labelling conventions.  Every title and snippet
here was written for these tests in the way PubMed titles and abstracts read."""
from __future__ import annotations

import pytest

from amlref.core.article import Article
from amlref.taxonomy import model
from amlref.taxonomy.classifier import ImmunotherapyClassifier
from amlref.taxonomy.model import load
from tests.classifier_support import _fresh_cache, assigned, clf, rows, suggested  # noqa: F401


def reasons(clf, slug, title, abstract="") -> dict[str, list[str]]:
    for r in rows(clf, title, abstract):
        if r[0] == slug:
            return {x["rule"]: x["words"] for x in r[2]}
    return {}


# a title alone (no abstract, no keywords): the kinds of title the previous rules missed
TITLES = [
    ("adoptive-cell-therapy", "T-cell therapies for acute myeloid leukemia"),
    ("adoptive-cell-therapy", "T cell therapy of AML: new targets"),
    ("adoptive-cell-therapy", "CAR-CD33 T cells in AML"),
    ("adoptive-cell-therapy", "CAR.CD123 T cells eradicate AML in mice"),
    ("adoptive-cell-therapy", "NK cells as therapy for AML"),
    ("adoptive-cell-therapy", "Natural killer cells in the treatment of acute myeloid leukemia"),
    ("adoptive-cell-therapy", "Haploidentical natural killer cells in elderly AML in remission"),
    ("adoptive-cell-therapy", "Induced pluripotent stem cell-derived NK cells in AML"),
    ("adoptive-cell-therapy", "IL-15-stimulated NK cells in relapsed AML"),
    ("adoptive-cell-therapy", "Expanded natural killer cells for AML: a phase I trial"),
    ("adoptive-cell-therapy", "NKR-2 cells in AML and MDS"),
    ("adoptive-cell-therapy", "MT-401 multi-tumor antigen-specific T cells in AML"),
    ("adoptive-cell-therapy", "Engineered CD8+ T cells against AML"),
    ("adoptive-cell-therapy", "Lentiviral CAR vectors for AML: a comparison"),
    ("checkpoint-inhibitors", "Spartalizumab (PDR001) in AML"),
    ("checkpoint-inhibitors", "A phase 1 study of BMS-936558 in hematologic malignancies"),
    ("checkpoint-inhibitors", "CC-95251, an anti-SIRPalpha antibody, in AML"),
    ("innate-agonists", "TLR7 agonism in AML"),
    ("innate-agonists", "STING agonism in myeloid leukemia"),
    ("innate-agonists", "TLR agonism in MDS"),
    ("innate-agonists", "Oncolytic reovirus in AML"),
    ("innate-agonists", "Oncolytic measles virus in myeloid leukemia"),
    ("innate-agonists", "Talimogene laherparepvec in leukemia cutis"),
    ("innate-agonists", "Pelareorep in AML"),
    ("innate-agonists", "GNKG168, a CpG oligonucleotide, in pediatric leukemia"),
    ("innate-agonists", "Agonistic anti-CD40 antibody in AML"),
    ("antibody-therapy", "CD123-targeted antibody in AML"),
    ("antibody-therapy", "CD70-targeted antibody in AML"),
    ("antibody-therapy", "Calicheamicin-conjugated anti-CD33 antibody in AML"),
    ("t-cell-engagers", "Immune cell engagers in myeloid malignancies"),
    ("vaccines", "WT1 peptide-based immunotherapy in AML"),
    ("allo-hsct-gvl", "Relapsed AML after allogeneic stem cell transplantation: treatment options"),
    ("allo-hsct-gvl", "Relapsed acute myeloid leukemia after allogeneic hematopoietic cell "
                      "transplantation"),
    ("allo-hsct-gvl", "Sorafenib after allogeneic transplantation for FLT3-ITD AML"),
    ("allo-hsct-gvl", "Post-HCT oral azacitidine in MDS: a phase 2 study"),
    ("allo-hsct-gvl", "Hypomethylating agents following allo-HSCT in high-risk AML"),
    ("checkpoint-inhibitors", "TIM-3 as a target in myelodysplastic syndromes"),
    ("checkpoint-inhibitors", "LILRB4 as a target for monocytic AML"),
    ("innate-agonists", "STING as a target for AML therapy"),
]


@pytest.mark.parametrize("slug,title", TITLES, ids=[t[:50] for _, t in TITLES])
def test_a_title_that_names_the_modality_is_enough(clf, slug, title):
    assert slug in assigned(clf, title), title


# titles of papers that are not in the category (the labelling conventions of aml-dev)
HARD_NEGATIVES = [
    ("adoptive-cell-therapy", "Cell therapy for Parkinson's disease"),
    ("adoptive-cell-therapy", "Stem cell therapy in AML"),
    ("adoptive-cell-therapy", "Indications for allogeneic HCT in AML: guidelines from the "
                              "American Society for Transplantation and Cellular Therapy"),
    ("adoptive-cell-therapy", "T-cell dysfunction in AML"),
    ("adoptive-cell-therapy", "NK cells in the bone marrow of AML patients"),
    ("adoptive-cell-therapy", "Natural killer cells in AML: biology"),
    ("adoptive-cell-therapy", "NK cells in treatment-naive AML"),
    ("adoptive-cell-therapy", "NK cells in the treatment response to azacitidine in AML"),
    ("adoptive-cell-therapy", "T-cell therapy for lupus nephritis"),
    ("adoptive-cell-therapy", "CAR expression and liver metabolism in mice"),
    ("vaccines", "Vaccination after allogeneic HSCT for AML"),
    ("vaccines", "Influenza vaccination in patients with AML"),
    ("allo-hsct-gvl", "Vaccination after allogeneic HSCT for AML"),
    ("allo-hsct-gvl", "Relapse after autologous transplant in myeloma"),
    ("allo-hsct-gvl", "Relapse after chemotherapy in AML"),
    ("allo-hsct-gvl", "Conditioning intensity in allogeneic HCT for AML"),
    ("allo-hsct-gvl", "Azacitidine before allogeneic transplantation in MDS"),
    ("allo-hsct-gvl", "Venetoclax and azacitidine as a bridge to transplant"),
    ("antibody-therapy", "Tagraxofusp in CD123-positive AML"),
    ("antibody-therapy", "CD33 expression and CD33 polymorphism in AML"),
    ("antibody-therapy", "Antibody panel for AML immunophenotyping"),
    ("innate-agonists", "STING pathway in hematopoiesis"),
    ("innate-agonists", "Oncolytic peptides against bacteria"),
    ("innate-agonists", "Uproleselan with chemotherapy in relapsed AML"),
    ("checkpoint-inhibitors", "Checkpoint kinase inhibition in AML"),
    ("checkpoint-inhibitors", "Outcomes of AML by PD-L1 expression after azacitidine treatment"),
    ("innate-agonists", "A TLR4 antagonist reduces inflammation in lower-risk MDS"),
    ("innate-agonists", "STING inhibitors in myeloid neoplasms"),
    ("innate-agonists", "Toll-like receptor 4 antagonism in MDS"),
    ("checkpoint-inhibitors", "PD-1 expression on T cells in AML"),
]


@pytest.mark.parametrize("slug,title", HARD_NEGATIVES, ids=[t[:50] for _, t in HARD_NEGATIVES])
def test_hard_negatives_stay_out(clf, slug, title):
    assert slug not in assigned(clf, title), title


def test_a_title_list_needs_aml_words_and_counts_only_in_titles(clf):
    # strong in the title of an AML article, named after its list
    r = reasons(clf, "adoptive-cell-therapy", "T-cell therapies for acute myeloid leukemia")
    assert r["adoptive-cell-therapy/field:T-cell therapy named in a title"] == ["T-cell therapies"]
    # the AML words may stand in the abstract
    title = "T-cell therapies: a new era"
    aml = "We review the outcomes of patients with AML treated in trials. Toxicity is discussed."
    assert "adoptive-cell-therapy" in assigned(clf, title, aml)
    # no AML words anywhere: the title list does not count (also without an abstract)
    assert "adoptive-cell-therapy" not in assigned(clf, title)
    assert "adoptive-cell-therapy" not in suggested(clf, title)
    d = next(d for d in clf.analyse(Article(title=title)) if d.slug == "adoptive-cell-therapy")
    assert any(h.dropped.startswith("no AML words") for h in d.hits)
    # in an abstract the same words stay weak: two sentences are not enough
    abstract = ("T-cell therapy is an option for patients with AML. T-cell therapy was given "
                "to 12 patients. Responses were durable.")
    assert "adoptive-cell-therapy" not in assigned(clf, "Outcomes in AML", abstract)


def test_a_strong_word_inside_a_weak_one_counts(clf):
    # "WT1 peptide" (weak) begins before "peptide-based immunotherapy" (strong) and overlaps it
    r = reasons(clf, "vaccines", "WT1 peptide-based immunotherapy in AML")
    assert any("peptide-based immunotherapy" in w for ws in r.values() for w in ws), r


def test_an_abbreviation_defined_after_a_strong_word_counts_where_it_is_used(clf):
    title = "Outcomes of older adults with AML treated at a referral center"
    cut = ("Background: Gemtuzumab ozogamicin (GO) was re-approved in 2017. We analysed 150 "
           "patients who received GO with intensive chemotherapy between 2010 and 2020. "
           "Methods: Response and survival were compared with")
    assert "antibody-therapy" in assigned(clf, title, cut)
    r = reasons(clf, "antibody-therapy", title, cut)
    assert r["antibody-therapy/inn:AML antibodies and conjugates"] == ["Gemtuzumab ozogamicin",
                                                                        "GO"]
    # the bare abbreviation without its definition stays weak (one strong sentence: suggested)
    plain = ("Background: Gemtuzumab ozogamicin was re-approved in 2017. We analysed 150 "
             "patients who received GO with intensive chemotherapy between 2010 and 2020. "
             "Methods: Response and survival were compared with")
    assert "antibody-therapy" not in assigned(clf, title, plain)
    assert "antibody-therapy" in suggested(clf, title, plain)
    # an abbreviation of a weak word ("natural killer (NK) cells") stays weak where used again
    weak = ("Natural killer (NK) cells are reduced in AML. NK cells from 40 patients were "
            "studied. NK cells expressed fewer activating receptors.")
    assert "adoptive-cell-therapy" not in assigned(clf, "Immune cells in AML", weak)
    # ... and so does one that stands for part of the words only (NK: natural killer)
    part = ("Donor-derived natural killer (NK) cells were given to 20 patients with AML. NK "
            "cells persisted for 2 weeks. NK cells expanded in vivo.")
    d = {d.slug: d for d in clf.analyse(Article(title="A cohort", abstract=part))}
    assert [h.words for h in d["allo-hsct-gvl"].hits if h.strong] == [
        "Donor-derived natural killer"]
    # a later use after a negation cue does not count
    neg = ("Background: Gemtuzumab ozogamicin (GO) was re-approved in 2017. Patients who had "
           "received GO were excluded. Methods: Response and survival were compared with")
    assert "antibody-therapy" not in assigned(clf, title, neg)


def test_relapse_phrasings_with_the_disease_named(clf):
    for title in ("Relapsed AML after allo-HSCT: a registry study",
                  "Relapse of MDS after allogeneic transplantation",
                  "Relapsed myelodysplastic syndromes after allogeneic HCT"):
        assert "allo-hsct-gvl" in assigned(clf, title), title
    r = reasons(clf, "allo-hsct-gvl", "Relapsed AML after allo-HSCT: a registry study")
    assert r["allo-hsct-gvl/field:relapse after transplant"] == ["Relapsed AML after allo"]


def test_a_leukaemia_vaccine_after_transplant_is_still_a_vaccine(clf):
    assert "vaccines" in assigned(clf, "WT1 peptide vaccination after allogeneic HSCT for AML")
    assert "vaccines" in assigned(clf, "Dendritic cell vaccination after transplant in AML")
    assert "vaccines" not in assigned(clf, "Vaccination schedules after transplant in AML")


def test_inn_stem_of_oncolytic_viruses(clf):
    # a made-up INN with the WHO stem -repvec (replicating viral vector)
    assert "innate-agonists" in assigned(clf, "Zolimogene tarparepvec in relapsed AML")
    r = reasons(clf, "innate-agonists", "Zolimogene tarparepvec in relapsed AML")
    assert list(r) == ["innate-agonists/inn:oncolytic viruses (-repvec) and virotherapy"]


def test_a_user_title_list(tmp_path, monkeypatch):
    path = tmp_path / "taxonomy.toml"
    path.write_text('[[vocabulary]]\ncategory = "vaccines"\nname = "my:vaccination (title)"\n'
                    'kind = "title"\nterms = ["vaccination strategies"]\n', encoding="utf-8")
    monkeypatch.setenv("AMLREF_TAXONOMY", str(path))
    model.clear_cache()
    tax = load()
    assert not tax.problems
    clf = ImmunotherapyClassifier(tax)
    assert "vaccines" in assigned(clf, "Vaccination strategies in AML")
    assert "vaccines" not in assigned(clf, "Outcomes in AML",
                                      "Vaccination strategies were discussed for AML. "
                                      "Vaccination strategies differ. Nothing else.")
