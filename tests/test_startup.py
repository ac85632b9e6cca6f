"""What a command pays before it starts: sqlite_utils is imported without numpy/pandas (it
imports them, when installed, only for their number types; numpy alone was ~0.1-0.35 s of
every ``amlref`` command), and they stay importable afterwards (the chart needs numpy)."""
from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_the_library_layer_does_not_import_numpy():
    assert _run("import sys, amlref.storage.library as L; L.Library; "
                "print('numpy' in sys.modules, 'pandas' in sys.modules)") == "False False"


def test_numpy_and_matplotlib_still_import_after_it():
    out = _run("import amlref.storage.library, sqlite_utils, numpy, matplotlib; "
               "print(numpy.zeros(2).sum(), sqlite_utils.Database(memory=True).execute("
               "'select 1').fetchone()[0])")
    assert out == "0.0 1"


def test_a_command_runs_without_numpy(tmp_path):
    code = ("import sys; from amlref.cli.main import main; "
            f"rc = main(['--library', {str(tmp_path / 'l.sqlite')!r}, 'watch', 'list']); "
            "print(rc, 'numpy' in sys.modules)")
    assert _run(code).splitlines()[-1] == "0 False"
