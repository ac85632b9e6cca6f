"""The domain vocabulary (resources/vocabulary): lists with their sources, reasons that name the
list, the kinds of paper the rules used to miss (field abbreviations, constructs, pathway agonists,
INN stems), titles and cut abstracts, suggestions, and a user's [[vocabulary]] tables."""
from __future__ import annotations

import re

import pytest

from amlref.core.article import Article
from amlref.taxonomy import model
from amlref.taxonomy.classifier import Decision, ImmunotherapyClassifier
from amlref.taxonomy.model import TOP_LEVEL, load
from amlref.taxonomy.vocabulary import KINDS, files
from tests.classifier_support import _fresh_cache, assigned, clf, rows, suggested  # noqa: F401


def test_every_list_names_its_category_kind_and_source():
    tax = load(user=False)
    assert len(files()) == 7
    assert len(tax.vocabulary) >= 25
    for v in tax.vocabulary:
        assert v["category"] in tax.nodes and tax.kind_of(v["category"]) == "category", v["name"]
        assert re.match(r"^(mesh|inn|field|codes):\S", v["name"]), v["name"]
        assert v["kind"] in KINDS and len(v["source"]) > 20 and v["terms"], v["name"]
        for t in v["terms"]:
            if t.startswith("re:"):
                re.compile(t[3:])
    # every top-level category has a MeSH list with entry terms
    for slug in TOP_LEVEL:
        below = set(tax.descendants(slug))
        assert any(v["category"] in below and v["name"].startswith("mesh:")
                   for v in tax.vocabulary), slug
    # the hash of the taxonomy covers the vocabulary (a changed list re-classifies)
    assert "vocabulary" in tax.data and tax.data["vocabulary"]


def test_reasons_name_the_term_and_its_list(clf):
    got = {r[0]: r[2] for r in rows(clf, "Donor lymphocyte infusion for relapse after alloSCT in "
                                         "acute myeloid leukemia") if len(r) == 3}
    rules = {r["rule"]: r["words"] for r in got["allo-hsct-gvl"]}
    assert rules["allo-hsct-gvl/mesh:Lymphocyte Transfusion"] == ["Donor lymphocyte infusion"]
    assert rules["allo-hsct-gvl/field:relapse after transplant"] == ["relapse after alloSCT"]
    got = {r[0]: r[2] for r in rows(clf, "MK-2118 plus azacitidine in higher-risk MDS")}
    assert got["innate-agonists"][0]["rule"].startswith("innate-agonists/inn:agonists")


# titles in the form PubMed gives them, one per kind of paper the issue lists as missed
POSITIVES = [
    ("allo-hsct-gvl", "Outcomes of second allogeneic hematopoietic cell transplantation for "
                      "relapsed acute myeloid leukemia"),
    ("allo-hsct-gvl", "Second allograft versus intensive salvage in AML"),
    ("allo-hsct-gvl", "Prophylactic DLI after haplo-HSCT in high-risk AML"),
    ("allo-hsct-gvl", "Azacitidine maintenance after allo-HCT in AML: a randomized trial"),
    ("allo-hsct-gvl", "Sorafenib maintenance post-transplant for FLT3-ITD AML"),
    ("allo-hsct-gvl", "Management of AML relapse after allogeneic stem cell transplantation"),
    ("allo-hsct-gvl", "Venetoclax and azacitidine for relapse post-HSCT in myeloid neoplasms"),
    ("allo-hsct-gvl", "HLA loss relapse after haploidentical transplantation"),
    ("allo-hsct-gvl", "Alpha-beta T-cell depleted grafts and graft-versus-leukemia in children"),
    ("adoptive-cell-therapy", "Transplantation of natural killer cells for AML in remission"),
    ("adoptive-cell-therapy", "Infusion of IL-15 stimulated NK cells after chemotherapy in AML"),
    ("adoptive-cell-therapy", "Adoptive transfer of haploidentical NK cells in elderly AML"),
    ("adoptive-cell-therapy", "Neoantigen-specific T cells for acute myeloid leukemia"),
    ("adoptive-cell-therapy", "TCR-like CAR T cells targeting WT1 in AML"),
    ("adoptive-cell-therapy", "Dual-receptor CAR T cells with an inhibitory CAR against AML"),
    ("adoptive-cell-therapy", "WT1-specific cytotoxic T lymphocyte therapy in AML"),
    ("adoptive-cell-therapy", "Tabelecleucel for EBV-positive lymphoproliferative disease"),
    ("innate-agonists", "TLR7/8 agonist R848 enhances anti-leukemia immunity"),
    ("innate-agonists", "RIG-I agonist induces immunogenic death of AML cells"),
    ("innate-agonists", "Vidutolimod in advanced solid tumors"),
    ("innate-agonists", "Agonists of STING in myeloid leukemia"),
    ("antibody-therapy", "Vadastuximab talirine plus HMA in older AML"),
    ("antibody-therapy", "Cusatuzumab and azacitidine in AML"),
    ("t-cell-engagers", "Talquetamab in myeloma"),
    ("t-cell-engagers", "A CD123 x CD3 bispecific in AML"),
    ("vaccines", "Dendritic cell vaccination with vididencel in AML"),
    ("vaccines", "Immunization with WT1 peptide in patients with MDS"),
    ("allo-hsct-gvl", "Preemptive DLI guided by MRD after allo-HSCT"),
    ("checkpoint-inhibitors", "Sabatolimab plus HMA in higher-risk MDS"),
    ("checkpoint-inhibitors", "PD-1 inhibitor and azacitidine in relapsed AML"),
]


@pytest.mark.parametrize("slug,title", POSITIVES, ids=[t[:50] for _, t in POSITIVES])
def test_the_kinds_of_paper_missed_before(clf, slug, title):
    assert slug in assigned(clf, title), title


NEGATIVES = [
    "Reduced-intensity conditioning regimens for allogeneic HSCT in AML",
    "Post-transplant cyclophosphamide as GVHD prophylaxis after haploidentical transplantation",
    "Donor selection for allo-HCT: matched unrelated versus haploidentical donor",
    "Outcomes of allo-HSCT in AML with TP53 mutation",
    "Tocilizumab for cytokine release syndrome",
    "cGAS-STING signalling in hematopoiesis",
    "CpG island methylation in AML",
    "NK cell phenotype in newly diagnosed AML",
    "Toll-like receptor expression in MDS",
    "Alemtuzumab-based T-cell depletion in conditioning",
    "Mesenchymal stromal cell therapy for steroid refractory GVHD",
    "CPI-613 devimistat in relapsed AML",
    "Measurable residual disease before allogeneic transplantation in AML",
    "Fingolimod in multiple sclerosis",
    "Immune reconstitution after cord blood transplantation",
    "Siltuximab for cytokine release syndrome after CAR T cells",
]


@pytest.mark.parametrize("title", NEGATIVES, ids=[t[:50] for t in NEGATIVES])
def test_transplant_biology_and_supportive_care_stay_out(clf, title):
    got = assigned(clf, title)
    if "CAR T" in title:
        got.discard("adoptive-cell-therapy")
        got.discard("car-t")
    assert not got, title


@pytest.mark.parametrize("slug,name", [
    ("car-t", "Zorbicabtagene autoleucel"), ("adoptive-cell-therapy", "Telimoleucel"),
    ("innate-agonists", "Pelustinag"), ("innate-agonists", "Carbotolimod"),
    ("antibody-therapy", "Tamuzumab vedotin"), ("antibody-therapy", "Lorvatuzumab"),
    ("vaccines", "Orvadencel"), ("t-cell-engagers", "Pavurutamig"),
    ("antibody-therapy", "Zolbetamab")])
def test_inn_stems_name_agents_not_in_any_list(clf, slug, name):
    """A new INN with the stem of its class (names made up from the WHO stems)."""
    assert slug in assigned(clf, f"{name} in relapsed acute myeloid leukemia: a phase 1 study")


def test_a_named_drug_of_the_vocabulary_survives_yield(clf):
    got = assigned(clf, "Flotetuzumab and vadastuximab talirine in AML")
    assert {"t-cell-engagers", "antibody-therapy"} <= got
    # an antibody stem (not a named drug) yields to the engager
    got = assigned(clf, "Flotetuzumab, a CD123 x CD3 DART, in AML")
    assert "t-cell-engagers" in got and "antibody-therapy" not in got


# -- titles and cut abstracts --------------------------------------------------------------
def test_a_title_alone_decides_and_a_missing_abstract_does_not_mean_another_disease(clf):
    # a weak word (TIM-3) in a title that speaks of therapy, no AML word in it
    # ("TIM-3 as a therapeutic target" names the therapy since session 7: a strong phrasing)
    title = "TIM-3 in cancer therapy: clinical trials"
    assert "checkpoint-inhibitors" in assigned(clf, title)
    # a complete abstract that shows another disease: the title's weak word is not enough
    melanoma = ("In patients with metastatic melanoma, TIM-3 was expressed on exhausted T cells. "
                "Responses were seen in 12 of 40 patients.")
    assert "checkpoint-inhibitors" not in assigned(clf, title, melanoma)


def test_a_cut_abstract_gives_a_suggestion_and_the_factor_can_assign(clf, monkeypatch):
    title = "Outcomes in acute myeloid leukemia"
    cut = ("Relapse remains the main cause of death. We studied donor lymphocyte infusion in "
           "patients who relapsed and report resp")
    # one sentence of a cut abstract: suggested (the default factor 1.0, see taxonomy.toml)
    assert "allo-hsct-gvl" not in assigned(clf, title, cut)
    assert "allo-hsct-gvl" in suggested(clf, title, cut)
    # the same sentence as a complete (short) abstract is one mention: neither
    complete = ("Relapse remains the main cause of death. Donor lymphocyte infusion was one of "
                "the treatments given.")
    assert "allo-hsct-gvl" not in assigned(clf, title, complete) | suggested(clf, title, complete)
    # weights.short_abstract = 2: one sentence of a cut abstract is enough
    monkeypatch.setattr(clf.rules, "short_factor", 2.0)
    assert "allo-hsct-gvl" in assigned(clf, title, cut)
    assert "allo-hsct-gvl" not in assigned(clf, title, complete)


# -- suggestions ---------------------------------------------------------------------------
def test_weak_evidence_becomes_a_suggestion_never_both(clf):
    # one sentence of a cut AML abstract with a checkpoint antibody: too little to assign,
    # suggested, with the word and its list as the reason
    title = "Outcomes of a prospective registry"
    abstract = ("Patients with relapsed AML after transplant received pembrolizumab in a "
                "registry of 40 centres and were followed for")
    out = rows(clf, title, abstract)
    sug = [r for r in out if len(r) == 4]
    # ("relapsed AML after transplant" is the field's relapse phrasing: allo-HSCT/GVL too)
    assert [(r[0], r[3]) for r in sug if r[1] == "category"] == [
        ("checkpoint-inhibitors", "suggested"), ("allo-hsct-gvl", "suggested")]
    assert {w.lower() for w in sug[0][2][0]["words"]} == {"pembrolizumab"}
    assert sug[0][2][0]["rule"] == "checkpoint-inhibitors/inn:checkpoint antibodies"
    slugs = [r[0] for r in out]
    assert len(slugs) == len(set(slugs))   # never assigned and suggested at once
    d = next(d for d in clf.analyse(Article(title=title, abstract=abstract))
             if d.slug == "checkpoint-inhibitors")
    assert isinstance(d, Decision) and d.suggested and not d.assigned


def test_another_diseases_abstract_suggests_nothing(clf):
    # strong words in two sentences of an article with no AML context: not assigned (only the
    # title counts then) and not suggested either (an AML library's suggestions stay AML)
    title = "Outcomes of a prospective registry"
    abstract = ("Patients with metastatic melanoma received pembrolizumab. Pembrolizumab was "
                "continued for two years in responders. Toxicity was manageable.")
    assert not assigned(clf, title, abstract) and not suggested(clf, title, abstract)


def test_a_passing_mention_is_neither_assigned_nor_suggested(clf):
    title = "Venetoclax and azacitidine in older patients with AML"
    abstract = ("Older patients with AML received venetoclax and azacitidine. Responses were "
                "durable. Two patients had received gemtuzumab ozogamicin before. Survival was "
                "longer than with azacitidine alone.")
    assert not assigned(clf, title, abstract) and not suggested(clf, title, abstract)


# -- the user's vocabulary -----------------------------------------------------------------
def _write_user(text: str):
    p = model.user_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    model.clear_cache()
    return p


def test_a_user_file_extends_replaces_and_removes_vocabulary_lists():
    title = "XYZ-4711 in relapsed acute myeloid leukemia"
    assert not assigned(ImmunotherapyClassifier(), title)
    _write_user('[[vocabulary]]\ncategory = "innate-agonists"\n'
                'name = "inn:agonists (-stinag, -tolimod, -quimod)"\nadd_terms = ["XYZ-4711"]\n')
    got = {r[0]: r[2] for r in ImmunotherapyClassifier().classify(Article(title=title))}
    assert got["innate-agonists"][0]["rule"] == \
        "innate-agonists/inn:agonists (-stinag, -tolimod, -quimod)"
    _write_user('[[vocabulary]]\ncategory = "car-t"\nname = "codes:my CAR products"\n'
                'kind = "drugs"\nsource = "my trial list"\nterms = ["XYZ-4711"]\n')
    got = {r[0]: r[2] for r in ImmunotherapyClassifier().classify(Article(title=title))}
    assert got["car-t"][0]["rule"] == "car-t/codes:my CAR products"
    assert "adoptive-cell-therapy" in got and "innate-agonists" not in got
    tax = load()
    assert not tax.problems and tax.hash != load(user=False).hash
    _write_user('[[vocabulary]]\ncategory = "allo-hsct-gvl"\n'
                'name = "mesh:Lymphocyte Transfusion"\ndisabled = true\n')
    got = {r[0]: r[2] for r in ImmunotherapyClassifier().classify(
        Article(title="Donor lymphocyte infusion in AML"))}
    assert all(r["rule"] != "allo-hsct-gvl/mesh:Lymphocyte Transfusion"
               for r in got.get("allo-hsct-gvl", []))


def test_another_disease_needs_the_therapy_in_its_title(clf):
    """No AML context: a modality among the keywords or MeSH alone (an anti-infective antibody
    review with "bispecific antibody" as one of six keywords) is not the subject; named in the
    title it is."""
    kw = ["Fc engineering", "bispecific antibody", "passive immunization", "vaccines"]
    ab = ("Antibodies protect against many pathogens. Engineering their Fc region changes how "
          "long they last and what they recruit. We review the approaches in use today.")
    a = Article(title="Outsmarting pathogens with antibody engineering", keywords=kw, abstract=ab)
    assert "t-cell-engagers" not in {r[0] for r in clf.classify(a) if len(r) == 3}
    b = Article(title="Bispecific antibodies in solid tumours: a review", keywords=kw,
                abstract=ab)
    assert "t-cell-engagers" in {r[0] for r in clf.classify(b) if len(r) == 3}


def test_a_vaccine_against_an_infection_is_not_a_leukaemia_vaccine(clf):
    for title in ("Effects of inactivated Mycobacterium bovis vaccination on wild pigs",
                  "Vaccination against tuberculosis in patients with haematological cancer",
                  "Influenza vaccination after allogeneic transplantation for AML"):
        assert "vaccines" not in {r[0] for r in clf.classify(Article(title=title))}, title
    assert "vaccines" in {r[0] for r in clf.classify(Article(
        title="Dendritic cell vaccination in AML in remission")) if len(r) == 3}
