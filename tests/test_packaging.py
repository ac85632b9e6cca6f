"""The wheel holds every package and the resources/ data (so an installed app finds them)."""
import os
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


def resource_files() -> list[str]:
    """Every file of resources/ (what the app may look up with resource_path)."""
    return sorted(p.relative_to(ROOT / "resources").as_posix()
                  for p in (ROOT / "resources").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The wheel and sdist made by ``python -m build`` (as a release would be made)."""
    out = tmp_path_factory.mktemp("dist")
    pytest.importorskip("build")
    r = subprocess.run([sys.executable, "-m", "build", "-o", str(out), str(ROOT)],
                       capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        pytest.skip(f"cannot build here (no setuptools from PyPI?): {r.stderr[-300:]}")
    return next(out.glob("amlref-*.whl")), next(out.glob("amlref-*.tar.gz"))


@pytest.mark.slow
def test_wheel_contains_every_resource(built):
    names = set(zipfile.ZipFile(built[0]).namelist())
    missing = [f for f in resource_files() if f"amlref/_resources/{f}" not in names]
    assert missing == [], "add their folders to [tool.setuptools.package-data] in pyproject.toml"
    for folder in ("demo", "styles", "vocabulary", "icons", "linux"):
        assert any(n.startswith(f"amlref/_resources/{folder}/") for n in names), folder
    listed = {".".join(Path(n).parent.parts) for n in names if n.endswith("/__init__.py")}
    assert {"amlref.gui", "amlref.cli", "amlref.storage"} <= listed
    ep = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(built[0]).read(ep).decode()
    assert "amlref = amlref.cli.main:main" in text and "[amlref.importers]" in text


@pytest.mark.slow
def test_sdist_builds_the_same_wheel(built, tmp_path):
    """The sdist holds resources/ and pyproject.toml, so a wheel built from it is complete."""
    import tarfile
    with tarfile.open(built[1]) as tar:
        names = tar.getnames()
        top = names[0].split("/")[0]
        assert f"{top}/pyproject.toml" in names
        assert all(f"{top}/resources/{f}" in names for f in resource_files())
        tar.extractall(tmp_path, filter="data")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                        str(tmp_path / "w"), str(tmp_path / top)], capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-500:]
    again = zipfile.ZipFile(next((tmp_path / "w").glob("*.whl"))).namelist()
    assert sorted(n for n in again if "_resources" in n) == sorted(
        n for n in zipfile.ZipFile(built[0]).namelist() if "_resources" in n)


@pytest.mark.slow
def test_installed_wheel_finds_its_resources(built, tmp_path):
    """Installed from the wheel (no checkout beside it): the command runs and finds the
    taxonomy, styles and icon inside the package."""
    site = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                        str(site), str(built[0])], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-500:]
    code = ("import amlref, amlref.core.resources as r, sys; "
            "print(amlref.__file__); print(r.resource_path('taxonomy.toml')); "
            "print(r.resource_path('icons', 'amlref.svg')); "
            "from amlref.cli.main import main; sys.exit(main(['--version']))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, "
                        f"{str(site)!r}); " + code], capture_output=True, text=True,
                       cwd=tmp_path, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-500:]
    lines = r.stdout.splitlines()
    assert all(line.startswith(str(site)) for line in lines[:3]), lines
    assert Path(lines[1]).is_file() and Path(lines[2]).is_file()
    assert lines[3].startswith("amlref ")


def test_resource_path_finds_checkout_resources():
    from amlref.core.resources import resource_path
    assert resource_path("taxonomy.toml").is_file()


# -- Flatpak and PyInstaller (built elsewhere: what can be checked here is checked) -------------
def test_flatpak_manifest_parses_and_names_the_app():
    yaml = pytest.importorskip("yaml")
    (path,) = (ROOT / "packaging" / "flatpak").glob("*.yml")
    m = yaml.safe_load(path.read_text())
    assert m["app-id"] == path.stem == "io.github.amlref.AMLRef"
    assert (ROOT / "resources" / "linux" / f"{m['app-id']}.desktop").is_file()
    assert m["command"] == "amlref"
    import tomllib
    assert m["command"] in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    mod = next(x for x in m["modules"] if isinstance(x, dict) and x["name"] == "amlref")
    src = next(s for s in mod["sources"] if s["type"] == "dir")
    assert (path.parent / src["path"]).resolve() == ROOT
    commands = " ".join(mod["build-commands"])
    assert "pip3 install" in commands and "--no-index" in commands
    for ref in ("resources/linux/${FLATPAK_ID}.desktop", "resources/linux/${FLATPAK_ID}.metainfo.xml",
                "resources/linux/${FLATPAK_ID}.mime.xml", "resources/icons/amlref.svg"):
        assert ref in commands
        assert (ROOT / ref.replace("${FLATPAK_ID}", m["app-id"])).is_file(), ref
    assert "--share=network" in m["finish-args"]


def test_pyinstaller_spec_is_portable():
    """The spec compiles, takes its paths from its own folder, and names no Linux-only path,
    so the same file builds on Windows and macOS."""
    import re
    spec = (ROOT / "packaging" / "amlref.spec").read_text()
    compile(spec, "amlref.spec", "exec")
    code = "\n".join(line.split("#", 1)[0] for line in spec.splitlines())
    assert not re.search(r"""["'](/|[A-Za-z]:\\)""", code), "absolute path in the spec"
    assert not re.search(r"\.so\b|/usr/|/lib/|\.venv|site-packages", code)
    assert "SPECPATH" in code and "os.path.join" in code
    assert '"amlref", "_resources"' in code or "os.path.join(\"amlref\", \"_resources\")" in code
    for entry in ("amlref_main.py", "amlref_gui_main.py"):
        text = (ROOT / "packaging" / "pyinstaller" / entry).read_text()
        assert "freeze_support()" in text and entry in code
    assert "amlref.spec" in (ROOT / "packaging" / "build_pyinstaller.sh").read_text()
