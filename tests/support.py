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
