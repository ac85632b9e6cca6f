"""Linux desktop integration (resources/linux/, resources/icons/): the files pass the
freedesktop validators, the MIME types install and point .bib/.ris/.nbib at AMLRef, and
``amlref FILE...`` (the desktop file's Exec line) opens the window with those files."""
import configparser
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support import corpus

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "resources" / "linux"
ICONS = ROOT / "resources" / "icons"
APP = "io.github.amlref.AMLRef"
DESKTOP = LINUX / f"{APP}.desktop"
METAINFO = LINUX / f"{APP}.metainfo.xml"
MIME = LINUX / f"{APP}.mime.xml"
NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}


def need(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.skip(f"{tool} not installed (Debian: desktop-file-utils, appstream)")
    return path


def desktop_entry() -> configparser.SectionProxy:
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read(DESKTOP, encoding="utf-8")
    return cp["Desktop Entry"]


def test_desktop_file_validates():
    r = subprocess.run([need("desktop-file-validate"), str(DESKTOP)], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "error" not in r.stdout.lower() and "warning" not in r.stdout.lower(), r.stdout


def test_metainfo_validates():
    r = subprocess.run([need("appstreamcli"), "validate", "--no-net", str(METAINFO)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not any(line.startswith(("E:", "W:")) for line in r.stdout.splitlines()), r.stdout


def test_the_three_files_agree():
    entry = desktop_entry()
    desktop_types = [t for t in entry["MimeType"].split(";") if t]
    mime_types = [m.get("type") for m in ET.parse(MIME).getroot().findall("m:mime-type", NS)]
    meta = ET.parse(METAINFO).getroot()
    assert desktop_types == mime_types == [e.text for e in meta.iter("mediatype")]
    assert meta.findtext("id") == APP == entry["Icon"]
    assert meta.find("launchable").text == DESKTOP.name
    assert entry["Exec"].split()[0] == "amlref" and entry["Exec"].split()[1] in ("%F", "%U")
    import tomllib
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert "amlref" in scripts


def test_icon_svg_and_png_sizes():
    svg = ET.parse(ICONS / "amlref.svg").getroot()
    assert svg.tag.endswith("svg") and svg.get("viewBox") == "0 0 128 128"
    sizes = []
    for png in sorted(ICONS.glob("amlref-*.png")):
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n", png
        w, h = struct.unpack(">II", head[16:24])
        assert w == h == int(png.stem.split("-")[1]), png
        sizes.append(w)
    assert {16, 32, 48, 64, 128, 256, 512} <= set(sizes)


def test_pngs_are_rendered_from_the_svg(tmp_path, qapp):
    """The committed PNGs are what packaging/render_icons.py makes of the SVG now."""
    pytest.importorskip("PySide6.QtSvg")
    import importlib.util
    spec = importlib.util.spec_from_file_location("render_icons",
                                                  ROOT / "packaging" / "render_icons.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    made = mod.render(out=tmp_path, sizes=(48, 128))
    from PySide6.QtGui import QImage
    for p in made:
        assert QImage(str(p)) == QImage(str(ICONS / p.name)), f"{p.name}: run render_icons.py"


def test_install_script_registers_the_types(tmp_path):
    need("update-mime-database")
    data = tmp_path / "share"
    r = subprocess.run(["sh", str(ROOT / "packaging" / "linux" / "install-desktop.sh")],
                       env={**os.environ, "XDG_DATA_HOME": str(data)}, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert (data / "applications" / DESKTOP.name).is_file()
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / f"{APP}.png").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / f"{APP}.svg").is_file()
    globs = {ln.split(":", 2)[2]: ln.split(":", 2)[1]
             for ln in (data / "mime" / "globs2").read_text().splitlines()
             if not ln.startswith("#")}
    assert globs["*.ris"] == "application/x-research-info-systems"
    assert globs["*.nbib"] == "application/x-nbib"
    assert globs["*.bib"] == "text/x-bibtex"
    if shutil.which("update-desktop-database"):
        cache = (data / "applications" / "mimeinfo.cache").read_text()
        for t in ("text/x-bibtex", "application/x-research-info-systems", "application/x-nbib"):
            assert f"{t}={DESKTOP.name};" in cache


def test_mime_magic_matches_real_files():
    """The magic of the RIS and MEDLINE types finds real exports (files without the usual
    extension are still recognised)."""
    root = ET.parse(MIME).getroot()
    magic = {m.get("type"): m.find("m:magic/m:match", NS) for m in root.findall("m:mime-type", NS)}
    for t, f in (("application/x-research-info-systems",
                  corpus("ris", "rispy-tests", "example_basic.ris")),
                 ("application/x-nbib", corpus("pubmed", "nbib-holub008", "single.nbib"))):
        match = magic[t]
        lo, hi = (int(x) for x in match.get("offset").split(":"))
        head = f.read_bytes()[:hi + len(match.get("value"))]
        assert match.get("value").encode() in head[lo:], f


@pytest.mark.parametrize("argv, expect", [
    (["{f}"], ["gui", "{f}"]),
    (["--library", "x.sqlite", "{f}", "{g}"], ["--library", "x.sqlite", "gui", "{f}", "{g}"]),
    (["import", "{f}"], ["import", "{f}"]),
    (["search", "CD33"], ["search", "CD33"]),
])
def test_file_arguments_open_the_window(argv, expect, monkeypatch):
    f = str(corpus("ris", "rispy-tests", "example_basic.ris"))
    g = str(corpus("pubmed", "nbib-holub008", "single.nbib"))
    from amlref.cli.main import build_parser, files_as_gui
    fill = [a.format(f=f, g=g) for a in argv]
    assert files_as_gui(fill, build_parser()) == [a.format(f=f, g=g) for a in expect]


def test_amlref_file_starts_the_gui_with_the_files(monkeypatch, tmp_path):
    import amlref.gui.app as app
    seen = []
    monkeypatch.setattr(app, "run", lambda library, files=(): seen.append((library, files)) or 0)
    from amlref.cli.main import main
    f = str(corpus("bibtex", "biblatex-examples.bib"))
    assert main(["--library", str(tmp_path / "l.sqlite"), f]) == 0
    assert seen == [(str(tmp_path / "l.sqlite"), [f])]
