"""End to end as an editor uses the server: the keys item.search finds, the citation cayw
writes and the .bib item.export gives compile with real pdflatex + biber (and bibtex) to no
error and no warning; ``amlref serve`` as a real process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests

from latex_run import PREAMBLE, latex_warnings, need, run
from test_server_support import Client, client, filled, server  # noqa: F401  (fixtures)






@pytest.mark.latex
@pytest.mark.slow
def test_searched_keys_cited_by_cayw_and_exported_compile_with_biber(client, tmp_path):
    need("pdflatex", "biber")
    found = client.rpc("item.search", "leukemia")["result"]
    keys = [i["citekey"] for i in found]
    assert len(keys) >= 5
    every = [i["citekey"] for i in client.rpc("item.search", "year:1900..2100", 100)["result"]]
    keys += [k for k in every if k not in keys]          # the PubMed records too
    bib = client.rpc("item.export", keys, "Better BibLaTeX")["result"]
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    plain = client.cayw(format="biblatex", keys=",".join(keys[:3])).text
    noted = client.cayw(format="biblatex", command="parencite",
                        keys=keys[3]).text.replace("{", "[see][12]{", 1)
    rest = client.cayw(format="biblatex", command="nocite", keys=",".join(keys[4:])).text
    (tmp_path / "doc.tex").write_text(
        PREAMBLE + "\\usepackage[backend=biber,style=authoryear]{biblatex}\n"
        "\\addbibresource{refs.bib}\n\\begin{document}\n"
        f"Text {plain}. More {noted}. {rest}\n\\printbibliography\n\\end{{document}}\n",
        encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc"]
    assert run(latex, tmp_path).returncode == 0
    biber = run(["biber", "doc"], tmp_path)
    assert biber.returncode == 0, biber.stdout[-2000:]
    assert [ln for ln in biber.stdout.splitlines() if "WARN" in ln or "ERROR" in ln] == []
    for _ in range(2):
        r = run(latex, tmp_path)
    assert r.returncode == 0
    assert latex_warnings((tmp_path / "doc.log").read_text(encoding="latin-1")) == []
    assert (tmp_path / "doc.bbl").read_text(encoding="utf-8").count("\\entry{") == len(keys)


@pytest.mark.latex
@pytest.mark.slow
def test_natbib_citation_and_bibtex_export_compile_with_bibtex(client, tmp_path):
    need("pdflatex", "bibtex")
    # plainnat sorts by author: articles without one make bibtex warn (whatever the exporter)
    keys = [i["citekey"] for i in client.rpc("item.search", "year:1900..2100")["result"]
            if i.get("author")]
    assert len(keys) >= 3
    (tmp_path / "refs.bib").write_text(client.rpc("item.export", keys, "Better BibTeX")["result"],
                                       encoding="utf-8")
    cite = client.cayw(format="natbib", command="citep", keys=",".join(keys)).text
    assert cite == "\\citep{" + ",".join(keys) + "}"
    (tmp_path / "doc.tex").write_text(
        PREAMBLE + "\\usepackage[numbers]{natbib}\n\\begin{document}\n"
        f"Text {cite}.\n\\bibliographystyle{{plainnat}}\n\\bibliography{{refs}}\n\\end{{document}}\n")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc"]
    assert run(latex, tmp_path).returncode == 0
    bt = run(["bibtex", "doc"], tmp_path)
    assert bt.returncode == 0 and "Warning" not in bt.stdout, bt.stdout
    for _ in range(2):
        r = run(latex, tmp_path)
    assert r.returncode == 0
    assert latex_warnings((tmp_path / "doc.log").read_text(encoding="latin-1")) == []
    assert (tmp_path / "doc.bbl").read_text().count("\\bibitem") == len(keys)


@pytest.mark.latex
@pytest.mark.slow
def test_biber_pulls_the_bibliography_from_the_server(client, tmp_path):
    need("pdflatex", "biber")
    url = f"http://127.0.0.1:{client.port}/better-bibtex/export/category/car-t.biblatex"
    (tmp_path / "doc.tex").write_text(
        PREAMBLE + "\\usepackage[backend=biber]{biblatex}\n"
        f"\\addbibresource[location=remote]{{{url}}}\n\\begin{{document}}\n"
        "\\nocite{*}\n\\printbibliography\n\\end{document}\n")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc"]
    assert run(latex, tmp_path).returncode == 0
    biber = run(["biber", "doc"], tmp_path)
    assert biber.returncode == 0 and "remote BibTeX data source" in biber.stdout
    assert [ln for ln in biber.stdout.splitlines() if "WARN" in ln or "ERROR" in ln] == []
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert "\\entry{Bawek2024}" in bbl and "\\entry{CarTRayOfHope2021}" in bbl
    assert "Dohner2010" not in bbl                    # not in the category


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_amlref_serve_runs_headless_and_stops_on_ctrl_c(lib, lib_path, filled, tmp_path):
    lib.close()
    port = _free_port()
    env = {**os.environ, "QT_QPA_PLATFORM": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    proc = subprocess.Popen([sys.executable, "-m", "amlref", "--library", str(lib_path), "serve",
                             "--port", str(port)], stderr=subprocess.PIPE, text=True, env=env,
                            cwd=tmp_path)
    try:
        line = proc.stderr.readline()
        assert f"port {port}" in line and "127.0.0.1" in line, line
        base = f"http://127.0.0.1:{port}"
        assert requests.get(base + "/better-bibtex/cayw?probe=1", timeout=10).text == "ready"
        r = requests.get(base + "/better-bibtex/cayw?format=pandoc", timeout=10)
        assert r.status_code == 503 and "keys=" in r.text
        r = requests.get(base + "/better-bibtex/cayw?format=pandoc&keys=Bawek2024", timeout=10)
        assert r.text == "@Bawek2024"
        # no Qt was loaded: the process would have said so on stderr otherwise
        proc.send_signal(signal.SIGINT)
        out = proc.communicate(timeout=60)[1]
        assert proc.returncode == 0
        assert "Traceback" not in out and "server stopped" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_refuses_a_bad_port_and_a_taken_one(cli, server, lib):
    r = cli("serve", "--port", "70000")
    assert r.code == 2 and "not a port number" in r.err
    r = cli("serve", "--port", str(server.port))
    assert r.code != 0 and f"port {server.port} is in use" in r.err
    assert r.err.count("\n") == 1 and "Traceback" not in r.err


def test_serve_command_never_imports_qt():
    code = ("import sys, amlref.cli.serve_cmds, amlref.server, amlref.server.httpd; "
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr
