"""Titles as a PubMed alert gives them, for the kinds of phrasing fixed in session 7 (the errors
of held-out H2 and batch 4, fixed with the field's words; docs/decisions/0020): a checkpoint
receptor named as the therapeutic target, bispecific checkpoint molecules, the CHK1/CHK2 and
cell-cycle checkpoints that are not immunotherapy, the transplant named hematopoietic cell
transplantation, a therapy given before the transplant, T-cell receptor therapy and
antigen-specific donor T cells, dendritic cells named by how they are loaded or matured,
personalised vaccines, agonist CD40 antibodies and in situ vaccination.  The titles are written
for these tests (none is a held-out title); each positive fails on the session's first
classifier (commit a539fca); each negative is a kind of paper that must stay out (that
classifier got five of them wrong: the CHK1 and G2 checkpoints as checkpoint inhibitors, two
therapies given before the transplant as allo-HSCT/GVL, in situ vaccination as a vaccine)."""
from __future__ import annotations

import pytest

from amlref.taxonomy import model
from amlref.taxonomy.classifier import ImmunotherapyClassifier
from amlref.taxonomy.model import load
from tests.classifier_support import _fresh_cache, assigned  # noqa: F401


@pytest.fixture(scope="module")
def clf():
    model.clear_cache()
    return ImmunotherapyClassifier(load(user=False))


POSITIVES = [
    # a checkpoint receptor as the target of therapy
    ("SIRPalpha is a promising target in myelodysplastic syndromes", "checkpoint-inhibitors"),
    ("LAG-3 as a key target on exhausted T cells in haematological cancers",
     "checkpoint-inhibitors"),
    ("CD47 remains an attractive target in myeloid malignancies", "checkpoint-inhibitors"),
    ("NKG2A represents an attractive target in relapsed AML", "checkpoint-inhibitors"),
    # bispecific checkpoint molecules: arm notation, INN, code name
    ("A PD-1 x CTLA-4 bispecific antibody with azacitidine in higher-risk MDS",
     "checkpoint-inhibitors"),
    ("Volrustomig in advanced solid tumours: a first-in-human study", "checkpoint-inhibitors"),
    # checkpoint antibodies of the later INN lists
    ("Socazolimab with azacitidine in higher-risk myelodysplastic syndromes",
     "checkpoint-inhibitors"),
    ("Surzebiclimab in relapsed acute myeloid leukaemia: a phase I study", "checkpoint-inhibitors"),
    ("CD19 x CD47 bispecific antibodies in B-cell lymphoma: preclinical activity",
     "checkpoint-inhibitors"),
    # engager arm notation written with alpha / anti-
    ("alphaCD3 x alphaCLL1 molecules redirect T cells to leukaemic stem cells", "t-cell-engagers"),
    ("Anti-CD3 x anti-CD123 constructs in relapsed acute myeloid leukemia", "t-cell-engagers"),
    # relapse after hematopoietic cell transplantation (HCT), post-HSCT relapse spelled out
    ("Early relapse after hematopoietic cell transplantation for acute myeloid leukemia: "
     "outcomes of salvage", "allo-hsct-gvl"),
    ("Post-hematopoietic stem cell transplantation relapse in myelodysplastic syndromes: a "
     "registry study", "allo-hsct-gvl"),
    ("Maintenance azacitidine after matched unrelated donor hematopoietic cell transplantation",
     "allo-hsct-gvl"),
    # T-cell receptor therapy, antigen-specific donor T cells
    ("T-cell receptor therapy for myeloid malignancies: targets and obstacles",
     "adoptive-cell-therapy"),
    ("TCR-based immunotherapy against PRAME in acute myeloid leukemia", "adoptive-cell-therapy"),
    ("Leukemia-reactive donor T cells for relapsed AML: a phase 1 trial", "adoptive-cell-therapy"),
    # dendritic cells loaded or matured for a vaccine; personalised vaccines; INN
    ("TLR7/8-matured dendritic cells as maintenance in AML", "vaccines"),
    ("Toll-like receptor-activated dendritic cells in remission AML", "vaccines"),
    ("mRNA-transduced dendritic cells for patients with myelodysplastic syndromes", "vaccines"),
    ("Individualised multi-epitope vaccines in resected melanoma", "vaccines"),
    ("Personalised shared-antigen vaccines for ovarian carcinoma", "vaccines"),
    ("Intismeran autogene with pembrolizumab in resected high-risk melanoma", "vaccines"),
    # agonist CD40 antibodies; in situ vaccination is innate immunostimulation
    ("An agonist anti-CD40 antibody with azacitidine in AML: preclinical activity",
     "innate-agonists"),
    ("In situ vaccination with radiotherapy and Flt3 ligand in indolent lymphoma",
     "innate-agonists"),
]


@pytest.mark.parametrize("title,slug", POSITIVES)
def test_phrasings_assign(clf, title, slug):
    assert slug in assigned(clf, title), title


NEGATIVES = [
    # CHK1/CHK2 and cell-cycle checkpoints are kinases and cell biology
    ("Checkpoint 1 inhibition sensitises AML cells to cytarabine: a phase I trial",
     "checkpoint-inhibitors"),
    ("Targeting the G2 checkpoint with WEE1 inhibitors in acute myeloid leukaemia",
     "checkpoint-inhibitors"),
    # a target that is not a checkpoint receptor; a checkpoint receptor only measured
    ("CD70 is a promising target in acute myeloid leukemia", "checkpoint-inhibitors"),
    ("TIM-3 expression on leukemic stem cells predicts relapse", "checkpoint-inhibitors"),
    # a receptor regulated by a microRNA or a transcription factor is not a therapy's target
    ("CD47 is a target of microRNA-133a in leukemic cells", "checkpoint-inhibitors"),
    ("PD-L1 is a target gene of STAT3 in myeloid leukemia", "checkpoint-inhibitors"),
    # an autologous transplant; a therapy before the allogeneic transplant
    ("Relapse after autologous hematopoietic cell transplantation for lymphoma", "allo-hsct-gvl"),
    ("Apamistamab-based targeted conditioning before allogeneic hematopoietic cell transplantation "
     "in older AML", "allo-hsct-gvl"),
    ("Nivolumab before allogeneic transplantation in Hodgkin lymphoma: GVHD and outcomes",
     "allo-hsct-gvl"),
    # the receptor's repertoire is biology, not therapy
    ("T-cell receptor repertoire diversity in AML patients at diagnosis", "adoptive-cell-therapy"),
    # an infection vaccine stays out with the personalised phrasing
    ("Personalized influenza vaccination schedules after chemotherapy for AML", "vaccines"),
    # in situ vaccination carries no antigen: not a vaccine
    ("In situ vaccination with radiotherapy and Flt3 ligand in indolent lymphoma", "vaccines"),
]


@pytest.mark.parametrize("title,slug", NEGATIVES)
def test_phrasings_stay_out(clf, title, slug):
    assert slug not in assigned(clf, title), title


def test_positive_controls_of_the_negatives(clf):
    # the papers above still get what they are about
    assert "checkpoint-inhibitors" in assigned(
        clf, "Nivolumab before allogeneic transplantation in Hodgkin lymphoma: GVHD and outcomes")
    assert "antibody-therapy" in assigned(
        clf, "Apamistamab-based targeted conditioning before allogeneic hematopoietic cell "
             "transplantation in older AML")


def test_an_exclusion_phrase_swallows_no_other_category(tmp_path, monkeypatch):
    # a category's exclusion phrase is not one of its words: a vaccine named inside another
    # category's longer exclusion still counts for vaccines (before session 7 it was dropped as
    # "inside the words of adoptive-cell-therapy")
    path = tmp_path / "taxonomy.toml"
    path.write_text('[category.adoptive-cell-therapy]\n'
                    'exclude = ["dendritic cell vaccination trial*"]\n', encoding="utf-8")
    monkeypatch.setenv("AMLREF_TAXONOMY", str(path))
    model.clear_cache()
    tax = load()
    assert not tax.problems
    clf = ImmunotherapyClassifier(tax)
    assert "vaccines" in assigned(clf, "A dendritic cell vaccination trial in AML in remission")
