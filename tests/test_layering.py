"""The architecture rules: layers import only downwards; only amlref.gui imports Qt."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "amlref"
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for n in node.names:
                yield node.lineno, n.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def test_no_qt_outside_gui():
    bad = []
    for f in PKG.rglob("*.py"):
        if "gui" in f.relative_to(PKG).parts[:1]:
            continue
        for line, mod in _imports(f):
            if mod.split(".")[0] in QT:
                bad.append(f"{f.relative_to(PKG.parent)}:{line} imports {mod}")
    assert not bad, "\n".join(bad)


def test_ast_walker_catches_a_violation(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("def f():\n    from PySide6 import QtCore\n")
    assert [m for _, m in _imports(f)] == ["PySide6"]


def test_import_linter_contracts():
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip("import-linter not installed")
    r = subprocess.run([str(lint)], cwd=PKG.parent, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
