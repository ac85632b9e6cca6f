"""The wheel holds every package and the resources/ data (so an installed app finds them)."""
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_listed():
    import tomllib
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "amlref").rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


@pytest.mark.slow
def test_wheel_contains_resources(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                        "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {r.stderr[-300:]}")
    whl = next(tmp_path.glob("amlref-*.whl"))
    names = zipfile.ZipFile(whl).namelist()
    assert "amlref/_resources/taxonomy.toml" in names
    assert any(n.startswith("amlref/_resources/demo/") for n in names)
    assert any(n.endswith("entry_points.txt") for n in names)


def test_resource_path_finds_checkout_resources():
    from amlref.core.resources import resource_path
    assert resource_path("taxonomy.toml").is_file()
