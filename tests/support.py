"""Helpers shared by test modules (importable as ``support`` and re-exported by every conftest,
so ``from conftest import corpus`` works in any test folder)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("AMLREF_CORPORA", ROOT.parent / "shared" / "corpora"))


def corpus(*parts: str) -> Path:
    """Path of a real-world file; skips the test when the corpora are not there."""
    p = CORPORA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"corpus file not available: {p}")
    return p


def jabref_expected(path: Path) -> list[dict[str, str]]:
    """The entries of one of JabRef's expected ``.bib`` files (read by bibtexparser, not by us):
    field name (lower case) -> value, and ``_type``; entries without a key get one."""
    import re

    import bibtexparser
    text = path.read_text(encoding="utf-8")
    n = iter(range(1, 10000))
    text = re.sub(r"(@\w+\{)\s*,", lambda m: f"{m.group(1)}k{next(n)},", text)  # keyless
    return [{f.key.lower(): str(f.value) for f in e.fields} | {"_type": e.entry_type.lower()}
            for e in bibtexparser.parse_string(text).entries]
