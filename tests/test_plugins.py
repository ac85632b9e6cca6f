"""Plugins: third-party entry points are found like the built-ins; a broken one is disabled and
reported, never taking the app down."""
import sys
import textwrap

import pytest

from amlref.plugins.registry import Registry


@pytest.fixture
def third_party(tmp_path, monkeypatch):
    """A real installed distribution (dist-info on sys.path) declaring two importers:
    one that works (a toy 'TITLE:' line format) and one whose module raises on import."""
    (tmp_path / "toyfmt.py").write_text(textwrap.dedent('''
        from amlref.core.article import Article, ParseResult
        from amlref.plugins.base import Importer

        class ToyImporter(Importer):
            name = "toy"
            label = "Toy format"
            extensions = (".toy",)

            def sniff(self, head):
                return 0.9 if head.startswith("TITLE:") else 0.0

            def parse(self, text, filename="<text>"):
                res = ParseResult(format="toy")
                for n, line in enumerate(text.splitlines(), 1):
                    if line.startswith("TITLE:"):
                        res.articles.append(Article(title=line[6:].strip(), line=n, origin="toy"))
                return res
    '''))
    (tmp_path / "brokenfmt.py").write_text("raise RuntimeError('plugin bug')\n")
    dist = tmp_path / "amlref_toy-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: amlref-toy\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[amlref.importers]\ntoy = toyfmt:ToyImporter\nbroken = brokenfmt:Broken\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for m in ("toyfmt", "brokenfmt"):
        sys.modules.pop(m, None)


def test_builtins_are_entry_points():
    reg = Registry()
    assert {"bibtex", "ris", "medline", "pubmed-xml", "csljson", "pubmed-page"} <= set(reg.importers())
    assert {"bibtex", "biblatex", "ris", "csljson"} <= set(reg.exporters())
    infos = {(i.group, i.name): i for i in reg.load_all()}
    assert infos[("amlref.importers", "ris")].dist == "amlref"
    assert all(i.ok for i in infos.values() if i.dist == "amlref"), [i for i in infos.values() if not i.ok]


def test_third_party_plugin_works_and_broken_one_is_reported(third_party):
    reg = Registry()
    imps = reg.importers()
    assert "toy" in imps and "broken" not in imps
    [bad] = [i for i in reg.problems if i.name == "broken"]
    assert "plugin bug" in bad.error and bad.dist == "amlref-toy"


def test_third_party_importer_used_for_import(third_party, cli, tmp_path, monkeypatch):
    from amlref.plugins import registry
    registry.reset()   # rediscover with the third-party distribution on the path
    f = tmp_path / "refs.toy"
    f.write_text("TITLE: Toy article about CD33\n")
    r = cli("import", f, "--json")
    assert r.code == 0 and r.json()["added"] == 1, r
    r = cli("plugins")
    assert "toy" in r.out and "DISABLED: RuntimeError: plugin bug" in r.out


@pytest.fixture(autouse=True)
def _fresh_global_registry():
    from amlref.plugins import registry
    yield
    registry.reset()   # forget plugins discovered while a test's dist-info was on the path
