"""Install a plugin package into the test environment with pip, as a user would, and take it out
again; the fixtures that do it for a test module (tests/test_plugin_api.py,
tests/gui/test_plugin_window.py import them: ``from plugin_install import trials_plugin, ...``)."""
from __future__ import annotations

import contextlib
import importlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from support import ROOT

TRIALS = ROOT / "examples" / "amlref-trials"
BROKEN = ROOT / "tests" / "data" / "plugins" / "amlref-broken"


def _pip(*args: str) -> None:
    r = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"pip {' '.join(args)} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")


@contextlib.contextmanager
def installed(path: Path, dist: str, package: str):
    """pip install PATH (a real wheel built from its pyproject.toml), yield, pip uninstall.
    Built from a copy: pip's in-tree build would leave build/ and *.egg-info in the sources."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / path.name
        shutil.copytree(path, src, ignore=shutil.ignore_patterns("build", "*.egg-info",
                                                                 "__pycache__"))
        _pip("install", "-q", "--no-deps", "--disable-pip-version-check", str(src))
    importlib.invalidate_caches()
    from amlref.plugins import registry
    registry.reset()
    try:
        yield
    finally:
        _pip("uninstall", "-q", "-y", dist)
        for m in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[m]
        importlib.invalidate_caches()
        registry.reset()


@pytest.fixture(scope="module")
def trials_plugin():
    """The example plugin (examples/amlref-trials), installed for the module's tests."""
    with installed(TRIALS, "amlref-trials", "amlref_trials"):
        yield


@pytest.fixture(scope="module")
def broken_plugin():
    """A plugin that fails in every way a plugin can (tests/data/plugins/amlref-broken)."""
    with installed(BROKEN, "amlref-broken", "amlref_broken"):
        yield


@pytest.fixture(autouse=True)
def fresh_registry():
    """Each test finds the plugins anew and leaves no registration behind."""
    from amlref.plugins import registry
    registry.reset()
    yield
    registry.reset()
