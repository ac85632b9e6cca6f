"""Where the data files of ``resources/`` are: the project folder in a checkout or editable
install, or the copy inside the installed package (``amlref/_resources``) in a wheel."""
from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parents[1]


def resource_path(*parts: str) -> Path:
    for base in (_PKG.parent / "resources", _PKG / "_resources"):
        p = base.joinpath(*parts)
        if p.exists():
            return p
    return (_PKG.parent / "resources").joinpath(*parts)
