"""Vaccines and checkpoint inhibitors: the terms added from MeSH (Cancer Vaccines and its
children, Immunotherapy, Active; the antagonists-and-inhibitors subheading of the checkpoint
receptors), the INN and code names of the field's drug lists, and the field's phrasings.  The
titles are written for these tests, in the form PubMed gives them; each positive fails on the
vocabulary before this change (commit a0a9438), each negative is a kind of paper that must stay
out (infection vaccines, PD-1 biology, cell-cycle checkpoints, B7-H3 conjugates)."""
from __future__ import annotations

import pytest

from amlref.taxonomy import model
from amlref.taxonomy.classifier import ImmunotherapyClassifier
from amlref.taxonomy.model import load
from tests.classifier_support import _fresh_cache, assigned, rows  # noqa: F401


@pytest.fixture(scope="module")
def clf():
    model.clear_cache()
    return ImmunotherapyClassifier(load(user=False))


def reasons(clf, title, slug, abstract="", **kw) -> list[str]:
    for r in rows(clf, title, abstract, **kw):
        if r[0] == slug and len(r) == 3:
            return [h["rule"] for h in r[2]]
    return []


VACCINE_TITLES = [
    "Autologous dendritic cells electroporated with Wilms tumor antigen mRNA in AML patients",
    "Dendritic cells pulsed with leukemia lysate as consolidation in AML: a phase I study",
    "Antileukemia vaccines: where do we stand?",
    "Anti-leukemic vaccination with autologous blasts in myelodysplastic syndromes",
    "Vaccination with survivin-derived peptides: immune responses in twelve patients",
    "mRNA-transfected dendritic cells from patients with acute myeloid leukemia stimulate T cells",
    "Leukemia cell lysate-loaded dendritic cells in relapsed AML",
    "GM-CSF-producing allogeneic leukemia cells given after chemotherapy: a phase I study",
    "UV1 with azacitidine in myelodysplastic syndromes: a phase I study",
]


@pytest.mark.parametrize("title", VACCINE_TITLES)
def test_vaccine_phrasings_and_codes(clf, title):
    assert "vaccines" in assigned(clf, title), title


def test_vaccine_mesh_headings(clf):
    # MeSH as PubMed writes it, with a subheading; the title names no vaccine
    for heading in ("Immunotherapy, Active/methods", "Vaccines, Virus-Like Particle/therapeutic use"):
        got = assigned(clf, "Immune responses in patients with acute myeloid leukemia",
                       mesh=[heading, "Leukemia, Myeloid, Acute/therapy"])
        assert "vaccines" in got, heading
    assert "vaccines/mesh:Cancer Vaccines" in reasons(
        clf, "Immune responses in AML", "vaccines", mesh=["Immunotherapy, Active/methods"])


VACCINE_NEGATIVES = [
    # vaccination against infections (existing exclusions and the post-transplant rule)
    "Influenza vaccination in patients with acute myeloid leukemia receiving chemotherapy",
    "Vaccination with pneumococcal conjugate vaccine after allogeneic transplantation for AML",
    "Immunogenicity of SARS-CoV-2 mRNA vaccination in patients with myeloid malignancies",
    # dendritic cells as biology, not as a product
    "Plasmacytoid dendritic cells in the bone marrow of patients with AML",
]


@pytest.mark.parametrize("title", VACCINE_NEGATIVES)
def test_not_leukaemia_vaccines(clf, title):
    assert "vaccines" not in assigned(clf, title), title


CHECKPOINT_TITLES = [
    "Inhibitors of the PD-1 pathway combined with azacitidine in AML",
    "Antibodies blocking TIGIT restore NK-cell function against acute myeloid leukemia",
    "Programmed death-1 inhibitors in myelodysplastic syndromes: a systematic review",
    "Cytotoxic T-lymphocyte-associated antigen 4 blockade for relapse of AML",
    "Anti-programmed death-1 therapy in elderly patients with acute myeloid leukemia",
    "Samalizumab in patients with AML: a phase I study",
    "Enoblituzumab in myeloid malignancies: a dose-finding study",
    "Tebotelimab (MGD013) in relapsed or refractory AML",
    "Immune-related adverse events in patients with AML treated with azacitidine and immunotherapy",
    "Checkpoint molecule inhibitors for acute myeloid leukemia",
    "Immune checkpoint modulators in myelodysplastic syndromes",
]


@pytest.mark.parametrize("title", CHECKPOINT_TITLES)
def test_checkpoint_phrasings_and_codes(clf, title):
    assert "checkpoint-inhibitors" in assigned(clf, title), title


# phrasings with the verb or noun before the receptor, or the pathway named, as an author's
# keyword (a title with a checkpoint and a therapy word counts already: weak_title)
CHECKPOINT_KEYWORDS = [
    "blocking PD-L1", "antibodies against PD-1", "PD-1 pathway blockade",
    "inhibiting LAG-3", "antagonists of NKG2A", "anti-CD200", "PD-1 signaling inhibitors",
    "programmed cell death protein 1 (PD-1) blockade", "B7-H3 blockade",
]


@pytest.mark.parametrize("keyword", CHECKPOINT_KEYWORDS)
def test_checkpoint_phrasings_as_keywords(clf, keyword):
    got = assigned(clf, "Outcomes of patients with acute myeloid leukemia",
                   keywords=[keyword, "acute myeloid leukemia"])
    assert "checkpoint-inhibitors" in got, keyword


def test_checkpoint_mesh_headings(clf):
    for heading in ("NK Cell Lectin-Like Receptor Subfamily C/antagonists & inhibitors",
                    "Receptors, KIR/antagonists & inhibitors",
                    "Programmed Cell Death 1 Ligand 2 Protein/antagonists & inhibitors"):
        got = assigned(clf, "Natural killer cell function in acute myeloid leukemia",
                       mesh=[heading])
        assert "checkpoint-inhibitors" in got, heading


CHECKPOINT_NEGATIVES = [
    # PD-1 and TIM-3 biology: expression, no therapy named
    "Expression of PD-1 and TIM-3 on bone marrow T cells of patients with AML",
    "PD-L1 expression on leukemic blasts predicts survival in acute myeloid leukemia",
    # cell-cycle checkpoints
    "Checkpoint kinase 1 inhibitors potentiate cytarabine in acute myeloid leukemia",
    "Inhibition of the G2/M checkpoint pathway in AML cells",
    # B7-H3 as the target of a conjugate, not as a checkpoint
    "A B7-H3-targeting antibody-drug conjugate in acute myeloid leukemia models",
]


@pytest.mark.parametrize("title", CHECKPOINT_NEGATIVES)
def test_not_checkpoint_therapy(clf, title):
    assert "checkpoint-inhibitors" not in assigned(clf, title), title


def test_targeting_a_checkpoint_with_a_car_is_not_blockade(clf):
    # "targeting PD-L1" counts unless a CAR, an engager or a conjugate follows in the sentence
    title = "CAR T cells in acute myeloid leukemia"
    car = ("We engineered T cells targeting PD-L1 with a chimeric antigen receptor. "
           "The cells killed AML blasts in mice.")
    blockade = ("Targeting PD-L1 with a monoclonal antibody restored T-cell function. "
                "Antibodies to TIM-3 were given with azacitidine.")
    assert "checkpoint-inhibitors" not in assigned(clf, title, car)
    assert "checkpoint-inhibitors" in assigned(clf, "Immunotherapy of acute myeloid leukemia",
                                               blockade)


def test_reasons_name_the_new_lists(clf):
    assert "checkpoint-inhibitors/field:checkpoint blockade, more phrasings" in reasons(
        clf, "Inhibitors of the PD-1 pathway combined with azacitidine in AML",
        "checkpoint-inhibitors")
    assert "vaccines/field:vaccine phrasings" in reasons(
        clf, "Dendritic cells pulsed with leukemia lysate as consolidation in AML",
        "vaccines")
