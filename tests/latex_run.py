"""Real LaTeX runs for the tests that compile exported ``.bib`` files (pdflatex, bibtex, biber):
skipped where the tools are not installed."""
from __future__ import annotations

import shutil
import subprocess

import pytest

PDFLATEX = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc"]
PREAMBLE = ("\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage{url}\n"
            # the standard fonts have no italic small caps: substitute silently
            "\\DeclareFontShape{OT1}{cmr}{m}{scit}{<->ssub*cmr/m/sc}{}\n")


def have(*tools: str) -> bool:
    return all(shutil.which(t) for t in tools)


def need(*tools: str) -> None:
    """Skip the test unless every tool is on the PATH."""
    if not have(*tools):
        pytest.skip(f"{'/'.join(tools)} not installed")


def run(cmd: list[str], cwd) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300,
                          encoding="utf-8", errors="replace")


def latex_warnings(log: str) -> list[str]:
    return [ln for ln in log.splitlines() if "Warning" in ln or ln.startswith("!")]


def bbl_of(folder, bib: str, tex: str, tool: str) -> str:
    """Write ``refs.bib`` and ``doc.tex`` in ``folder``, run pdflatex and ``tool`` (bibtex or
    biber), both without error; the ``.bbl`` they made."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "doc.tex").write_text(tex, encoding="utf-8")
    r = run(PDFLATEX, folder)
    assert r.returncode == 0, r.stdout[-2000:]
    r = run([tool, "doc"], folder)
    assert r.returncode == 0, r.stdout[-2000:]
    return (folder / "doc.bbl").read_text(encoding="utf-8")
