"""docs/decisions: one record per number, and every reference to a decision in the project
(``docs/decisions/0040``, ``decision 0005``) names a record that is there."""
from __future__ import annotations

import re
from collections import Counter

from support import ROOT

DECISIONS = ROOT / "docs" / "decisions"
REF = re.compile(r"decisions?(?: record)?[ /](\d{4})\b", re.I)
SOURCES = ("amlref", "benchmarks", "docs", "packaging", "scripts", "tests", "examples")


def _numbers() -> list[str]:
    return [p.name[:4] for p in DECISIONS.glob("[0-9][0-9][0-9][0-9]-*.md")]


def _references() -> list[tuple[str, str]]:
    files = [ROOT / "README.md", ROOT / "pyproject.toml"]
    for d in SOURCES:
        files += [p for p in (ROOT / d).rglob("*") if p.suffix in (".py", ".md", ".toml", ".txt")
                  and ".venv" not in p.parts and "build" not in p.parts]
    out = []
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")
        out += [(str(p.relative_to(ROOT)), m.group(1)) for m in REF.finditer(text)]
    return out


def test_one_record_per_number():
    numbers = _numbers()
    assert len(numbers) > 10
    assert [n for n, c in Counter(numbers).items() if c > 1] == []


def test_every_reference_names_a_record():
    known = set(_numbers())
    refs = _references()
    assert len(refs) > 10                       # (the pattern finds the project's references)
    assert [(f, n) for f, n in refs if n not in known] == []


def test_the_reference_pattern():
    assert [m.group(1) for m in REF.finditer(
        "see docs/decisions/0040 and decision 0005, Decision record 0061; not issue 0040")] == [
        "0040", "0005", "0061"]
