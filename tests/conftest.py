"""Shared fixtures.  Real-world files live in ../shared/corpora (skipped when absent)."""
from __future__ import annotations

import io
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from support import CORPORA, ROOT, corpus  # noqa: F401  (re-exported for test modules)


@pytest.fixture
def corpora() -> Path:
    if not CORPORA.exists():
        pytest.skip("../shared/corpora not available")
    return CORPORA


@pytest.fixture
def lib_path(tmp_path) -> Path:
    return tmp_path / "library.sqlite"


@pytest.fixture
def lib(lib_path):
    from amlref.storage.library import Library
    library = Library.open(lib_path)
    yield library
    library.close()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Never touch the real user folders: default library, config and cache go to tmp."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("AMLREF_LIBRARY", raising=False)


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def json(self):
        import json
        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out[:300]!r}, err={self.err[:300]!r})"


@pytest.fixture
def cli(lib_path):
    """Run the command line in-process: cli("import", path, "--json") -> CliResult.
    Uses the test's library unless --library is given."""
    from amlref.cli.main import main

    def run(*args: str, stdin: str | None = None) -> CliResult:
        argv = [str(a) for a in args]
        if "--library" not in argv:
            argv = ["--library", str(lib_path)] + argv
        out, err = io.StringIO(), io.StringIO()
        old_stdin = sys.stdin
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = main(argv)
        finally:
            sys.stdin = old_stdin
        return CliResult(code, out.getvalue(), err.getvalue())

    return run
