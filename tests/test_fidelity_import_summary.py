"""The import's summary counts in words that agree with the number ("1 record", "2 records")."""
from __future__ import annotations

# a one-record EndNote tagged export, as publishers' "Export to EndNote" writes it
ENW = """%0 Journal Article
%A Smith, Jane
%T Gilteritinib after allogeneic transplantation
%J Blood
%V 140
%D 2022
"""


def test_one_record_is_one_record(tmp_path, cli):
    p = tmp_path / "one.enw"
    p.write_text(ENW, encoding="utf-8")
    r = cli("import", p)
    assert r.code == 0, r
    line = r.out.splitlines()[0]
    assert line.startswith(f"{p}: 1 record as endnote"), line
    two = tmp_path / "two.enw"
    two.write_text(ENW + "\n" + ENW.replace("Gilteritinib", "Venetoclax"), encoding="utf-8")
    r = cli("import", two)
    assert r.out.splitlines()[0].startswith(f"{two}: 2 records as endnote"), r.out
