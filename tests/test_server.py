"""The local server over HTTP (a real server on a free port, a real HTTP client): cite as you
write with every Better BibTeX parameter, JSON-RPC, pull export, the picker path through a
host, concurrent requests, and that the library is never written."""
from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from test_server_support import Client, client, filled, server  # noqa: F401  (fixtures)

from amlref.formats.csljson import CslJsonImporter
from amlref.server import Citation, Host, LocalServer


# -- cayw ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["probe=1", "probe", "probe=probe"])
def test_probe_answers_ready(client, query):
    r = client.session.get(f"{client.base}/better-bibtex/cayw?{query}")
    assert (r.status_code, r.text) == (200, "ready")
    assert r.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("params, expected", [
    ({"format": "latex"}, r"\cite{Bawek2024,Dohner2010}"),
    ({}, r"\cite{Bawek2024,Dohner2010}"),                                  # latex by default
    ({"format": "cite"}, r"\cite{Bawek2024,Dohner2010}"),
    ({"format": "natbib", "command": "citep"}, r"\citep{Bawek2024,Dohner2010}"),
    ({"format": "latex", "command": "parencite"}, r"\parencite{Bawek2024,Dohner2010}"),
    ({"format": "citet"}, r"\citet{Bawek2024,Dohner2010}"),
    ({"format": "biblatex"}, r"\autocite{Bawek2024,Dohner2010}"),
    ({"format": "biblatex", "command": "textcite"}, r"\textcite{Bawek2024,Dohner2010}"),
    ({"format": "pandoc"}, "@Bawek2024; @Dohner2010"),
    ({"format": "pandoc", "brackets": "1"}, "[@Bawek2024; @Dohner2010]"),
    ({"format": "mmd"}, "[#Bawek2024][][#Dohner2010][]"),
    ({"format": "playground", "citeprefix": "[[", "citepostfix": "]]", "keyprefix": "@",
      "keypostfix": "!", "separator": "; "}, "[[@Bawek2024!; @Dohner2010!]]"),
    ({"format": "playground"}, "Bawek2024,Dohner2010"),
    ({"format": "asciidoctor-bibtex"}, "cite:[Bawek2024, Dohner2010]"),
    ({"format": "scannable-cite"},
     "{ | Bawek et al., 2024 | | | zu:0:Bawek2024 }{ | Döhner et al., 2010 | | | zu:0:Dohner2010 }"),
])
def test_cayw_formats_with_keys_named(client, params, expected):
    r = client.cayw(keys="Bawek2024,Dohner2010", **params)
    assert (r.status_code, r.text) == (200, expected)


def test_cayw_json_lists_the_citations_as_bbt_does(client, filled):
    r = client.cayw(format="json", keys="Dohner2010 @Bawek2024")
    items = json.loads(r.text)
    assert [i["citekey"] for i in items] == ["Dohner2010", "Bawek2024"]
    assert items[1]["id"] == filled["ids"]["Bawek2024"]
    assert items[1]["title"].startswith("Updates in novel immunotherapeutic")
    assert items[1]["itemType"] == "article-journal" and items[1]["locator"] == ""


@pytest.mark.parametrize("translator, exporter", [
    (None, "biblatex"), ("Better BibLaTeX", "biblatex"), ("Better BibTeX", "bibtex"),
    ("betterbibtex", "bibtex"), ("Better CSL JSON", "csljson"), ("CSL JSON", "csljson")])
def test_cayw_translate_writes_what_the_exporters_write(client, lib, translator, exporter):
    from amlref.services.exporting import export_articles
    params = {"format": "translate", "keys": "Bawek2024,CarTRayOfHope2021", "exportNotes": "false"}
    if translator:
        params["translator"] = translator
    r = client.cayw(**params)
    arts = [lib.articles.find("Bawek2024"), lib.articles.find("CarTRayOfHope2021")]
    assert r.status_code == 200
    assert r.text == export_articles(arts, exporter)


def test_cayw_formatted_references_use_the_csl_processor(client):
    r = client.cayw(format="formatted-citation", keys="Bawek2024")     # Vancouver: numbered
    assert (r.status_code, r.text) == (200, "(1)")
    r = client.cayw(format="formatted-citation", keys="Bawek2024", style="apa")
    assert r.status_code == 200 and r.text.startswith("(Bawek et al., 2024")
    r = client.cayw(format="formatted-bibliography", keys="Bawek2024")
    assert r.status_code == 200 and r.text.startswith("1. Bawek S, Gurusinghe S")
    r = client.cayw(format="formatted-bibliography", keys="Bawek2024", style="no-such-style")
    assert r.status_code == 400 and "no-such-style" in r.text and "\n" not in r.text.strip()


@pytest.mark.parametrize("params, status, says", [
    ({"format": "latex"}, 503, "name them with keys="),
    ({"format": "wordperfect", "keys": "Bawek2024"}, 400, "no such format 'wordperfect'"),
    ({"format": "translate", "translator": "Word 97", "keys": "Bawek2024"}, 400,
     "no translator 'Word 97'"),
    ({"format": "pandoc", "keys": "Bawek2024,Nobody1999"}, 404, "Nobody1999"),
])
def test_cayw_bad_requests_get_one_line(client, params, status, says):
    r = client.cayw(**params)
    assert r.status_code == status
    assert says in r.text and r.text.count("\n") == 1


def test_cayw_texstudio_pushes_the_citation_to_texstudio(client, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    r = client.cayw(keys="Bawek2024", texstudio="1")
    assert (r.status_code, r.text) == (500, "TeXstudio not found\n")      # as BBT answers
    record = tmp_path / "args.json"
    exe = bin_dir / "texstudio"        # records how it was called, as TeXstudio would get it
    exe.write_text(f"#!{os.sys.executable}\nimport json, sys\n"
                   f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    r = client.cayw(keys="Bawek2024", texstudio="1", format="biblatex")
    assert (r.status_code, r.text) == (200, r"\autocite{Bawek2024}")
    for _ in range(100):
        if record.exists():
            break
        time.sleep(0.05)
    assert json.loads(record.read_text()) == ["--insert-cite", r"\autocite{Bawek2024}"]


class FakeWindow(Host):
    """A host the way a window is one, without Qt: answers the picker from a queue, records
    the other calls."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []
        self.asked = []
        self.release = threading.Event()
        self.release.set()

    def pick(self, request):
        self.asked.append(request.format)
        if not self.release.wait(request.timeout):
            raise TimeoutError
        return self.answers.pop(0)

    def selected_keys(self):
        return ["Dohner2010"]

    def select(self, ids):
        self.calls.append(("select", ids))

    def minimize(self):
        self.calls.append(("minimize",))

    def clipboard(self, text):
        self.calls.append(("clipboard", text))


@pytest.fixture
def windowed(lib_path, filled):
    def make(answers, timeout=30.0):
        host = FakeWindow(answers)
        s = LocalServer(lib_path, port=0, host=host, pick_timeout=timeout)
        s.start()
        made.append(s)
        return s, host, Client(s)
    made = []
    yield make
    for s in made:
        s.stop()


def test_cayw_with_a_window_asks_its_picker_and_formats_locators(windowed, filled):
    picked = [Citation("Bawek2024", locator="12", prefix="see"),
              Citation("Dohner2010", locator="3", label="chapter", suffix="for criteria")]
    s, host, c = windowed([picked, list(picked), list(picked), None])
    r = c.cayw(format="pandoc", brackets="1", minimize="1", clipboard="1", select="1")
    assert r.text == "[see @Bawek2024, p. 12; @Dohner2010, ch. 3 for criteria]"
    assert host.asked == ["pandoc"]
    assert ("minimize",) in host.calls and ("clipboard", r.text) in host.calls
    assert ("select", [filled["ids"]["Bawek2024"], filled["ids"]["Dohner2010"]]) in host.calls
    assert c.cayw(format="biblatex").text == \
        r"\autocites[see][12]{Bawek2024}[ch. 3, for criteria]{Dohner2010}"
    assert c.cayw(format="latex").text == \
        r"\cite[see][12]{Bawek2024}\cite[ch. 3, for criteria]{Dohner2010}"
    r = c.cayw(format="latex")                     # Esc in the picker: an empty answer
    assert (r.status_code, r.text) == (200, "")


def test_cayw_selected_uses_the_windows_selection(windowed):
    s, host, c = windowed([])
    assert c.cayw(selected="1", format="pandoc").text == "@Dohner2010"


def test_one_picker_at_a_time_and_a_picker_left_open_times_out(windowed):
    s, host, c = windowed([[Citation("Bawek2024")]], timeout=1.0)
    host.release.clear()                           # the user has not finished yet
    first = {}
    t = threading.Thread(target=lambda: first.update(r=Client(s).cayw(format="pandoc")))
    t.start()
    for _ in range(100):
        if host.asked:
            break
        time.sleep(0.02)
    r = c.cayw(format="pandoc")
    assert (r.status_code, r.text) == (409, "a citation picker is already open\n")
    assert c.cayw(probe="1").text == "ready"       # other requests are not held up
    t.join(10)
    assert first["r"].status_code == 504 and "within 1 seconds" in first["r"].text


# -- JSON-RPC -----------------------------------------------------------------------------------
def test_rpc_api_ready_and_user_groups(client, lib_path):
    assert client.rpc("api.ready")["result"]["amlref"]
    assert client.rpc("user.groups")["result"] == [{"id": 1, "name": lib_path.stem}]


def test_rpc_item_search_gives_csl_json_with_citation_keys(client):
    res = client.rpc("item.search", "CAR T")["result"]
    keys = [i["citekey"] for i in res]
    assert "CarTRayOfHope2021" in keys
    item = next(i for i in res if i["citekey"] == "Bawek2024")
    assert item["type"] == "article-journal" and item["DOI"] == "10.3389/fonc.2024.1374963"
    assert item["author"][0] == {"family": "Bawek", "given": "S."}
    # what we give back is CSL-JSON our own importer reads
    back = CslJsonImporter().parse(json.dumps(res)).articles
    assert {a.citekey for a in back} == set(keys)
    # BBT's other spelling of the terms, a citation-key prefix, and the query language
    r = client.rpc_raw({"jsonrpc": "2.0", "method": "item.search",
                        "params": {"terms": "Dohner2"}, "id": 7}).json()
    assert [i["citekey"] for i in r["result"]] == ["Dohner2010"] and r["id"] == 7
    assert [i["citekey"] for i in client.rpc("item.search", "author:döhner year:2010")
            ["result"]] == ["Dohner2010"]
    assert client.rpc("item.search", " & ")["result"] == []


@pytest.mark.parametrize("translator, exporter", [
    ("Better BibTeX", "bibtex"), ("Better BibLaTeX", "biblatex"), ("CSL JSON", "csljson"),
    ("Better CSL JSON", "csljson")])
def test_rpc_item_export(client, lib, translator, exporter):
    from amlref.services.exporting import export_articles
    keys = ["Dohner2010", "Bawek2024"]
    res = client.rpc("item.export", keys, translator)["result"]
    assert res == export_articles([lib.articles.find(k) for k in keys], exporter)
    res = client.rpc("item.export", keys, translator, 1)["result"]      # with BBT's libraryID
    assert res.startswith("@" if exporter != "csljson" else "[")


def test_rpc_item_citationkey_and_bibliography(client, filled):
    ids = filled["ids"]
    res = client.rpc("item.citationkey", [ids["Bawek2024"], f"1:{ids['Dohner2010']}",
                                          "10.3389/fonc.2024.1374963", "39697225", "NOPE"])
    assert res["result"] == {str(ids["Bawek2024"]): "Bawek2024", f"1:{ids['Dohner2010']}":
                             "Dohner2010", "10.3389/fonc.2024.1374963": "Bawek2024",
                             "39697225": "Bawek2024", "NOPE": None}
    res = client.rpc("item.bibliography", ["Bawek2024"], {"id": "vancouver"})
    assert res["result"].startswith("1. Bawek S, Gurusinghe S")
    res = client.rpc("item.bibliography", ["Bawek2024"], {"id": "no-such-style"})
    assert res["error"]["code"] == -32602 and "no-such-style" in res["error"]["message"]


@pytest.mark.parametrize("payload, code", [
    ({"jsonrpc": "2.0", "method": "item.delete", "params": [["Bawek2024"]], "id": 3}, -32601),
    ({"jsonrpc": "2.0", "method": "api", "id": 3}, -32601),
    ({"jsonrpc": "1.0", "method": "api.ready", "id": 3}, -32600),
    ({"jsonrpc": "2.0", "id": 3}, -32600),
    ([], -32600),
    ({"jsonrpc": "2.0", "method": "item.export", "params": [["Nobody1999"], "Better BibTeX"],
      "id": 3}, -32602),
    ({"jsonrpc": "2.0", "method": "item.export", "params": [["Bawek2024"], "Word 97"], "id": 3},
     -32602),
    ({"jsonrpc": "2.0", "method": "item.export", "params": [["Bawek2024"], "biblatex", 7],
      "id": 3}, -32602),
    ({"jsonrpc": "2.0", "method": "item.export", "params": "Bawek2024", "id": 3}, -32602),
    ({"jsonrpc": "2.0", "method": "item.export", "params": [[1, 2], "biblatex"], "id": 3}, -32602),
    ({"jsonrpc": "2.0", "method": "item.search", "params": [1, 2, 3, 4], "id": 3}, -32602),
    ({"jsonrpc": "2.0", "method": "item.search", "params": {"words": "x"}, "id": 3}, -32602),
    ({"jsonrpc": "2.0", "method": "item.search", "params": [42], "id": 3}, -32602),
])
def test_rpc_errors(client, payload, code):
    r = client.rpc_raw(payload)
    assert r.status_code == 200
    body = r.json()
    assert body["error"]["code"] == code and body["error"]["message"]
    assert "Traceback" not in r.text


def test_rpc_parse_error_is_a_4xx_with_a_json_rpc_error(client):
    for raw in (b"{not json", b"\xff\xfe", b""):
        r = client.rpc_raw(raw)
        assert r.status_code == 400
        assert r.json()["error"]["code"] == -32700 and r.json()["id"] is None


def test_rpc_batch_answers_each_request(client):
    batch = [{"jsonrpc": "2.0", "method": "api.ready", "id": "a"},
             {"jsonrpc": "2.0", "method": "item.citationkey", "params": [["Bawek2024"]]},
             {"jsonrpc": "2.0", "method": "nope", "id": "c"},
             42,
             {"jsonrpc": "2.0", "method": "item.search", "params": ["Dohner2010"], "id": 4}]
    r = client.rpc_raw(batch)
    answers = r.json()
    assert [a.get("id") for a in answers] == ["a", None, "c", None, 4]
    assert "result" in answers[0] and answers[2]["error"]["code"] == -32601
    assert answers[1]["result"] == {"Bawek2024": "Bawek2024"}
    assert answers[3]["error"]["code"] == -32600
    assert [i["citekey"] for i in answers[4]["result"]] == ["Dohner2010"]


def test_rpc_request_without_id_is_answered_as_bbt_does(client):
    # LaTeX Utilities for VS Code sends item.search without an "id" and reads the result
    r = client.rpc_raw({"jsonrpc": "2.0", "method": "item.search", "params": ["Bawek"]})
    assert r.status_code == 200
    assert r.json()["id"] is None and r.json()["result"][0]["citekey"] == "Bawek2024"
    assert client.get("/connector/ping").status_code == 200     # its "is Zotero running?"


# -- pull export ------------------------------------------------------------------------------
def _keys_in(text):
    import re
    return sorted(re.findall(r"^@\w+\{([^,]+),", text, re.M))


def test_pull_export_by_category_tag_saved_search_library_and_keys(client, lib):
    from amlref.services.exporting import export_view
    from amlref.services.views import View
    r = client.get("/better-bibtex/export/category/car-t.biblatex")
    assert r.status_code == 200
    assert r.text == export_view(lib, "biblatex", View(category="car-t"))[0]
    assert "CarTRayOfHope2021" in _keys_in(r.text)
    r = client.get("/better-bibtex/export/category/car-t.bibtex")
    assert r.text == export_view(lib, "bibtex", View(category="car-t"))[0]
    r = client.get("/better-bibtex/export/category/car-t.json")
    assert r.headers["Content-Type"].startswith("application/json")
    assert sorted(i["id"] for i in r.json()) == _keys_in(
        export_view(lib, "biblatex", View(category="car-t"))[0])
    r = client.get("/better-bibtex/export/tag/grant-2026.biblatex")
    assert _keys_in(r.text) == ["Bawek2024", "Dohner2010"]
    r = client.get("/better-bibtex/export/saved/relapsed.bibtex")
    assert r.text == export_view(lib, "bibtex", View(query="relapsed refractory"))[0]
    assert len(_keys_in(r.text)) >= 3
    r = client.get("/better-bibtex/export/library.csljson")
    assert len(r.json()) == lib.articles.count()
    r = client.get("/better-bibtex/export/library.ris")
    assert r.text.count("ER  -") == lib.articles.count()
    r = client.get("/better-bibtex/export/item", citationKeys="Dohner2010,Bawek2024",
                   translator="biblatex")
    assert _keys_in(r.text) == ["Bawek2024", "Dohner2010"]


@pytest.mark.parametrize("path, says", [
    ("/better-bibtex/export/category/no-such-thing.biblatex", "no category 'no-such-thing'"),
    ("/better-bibtex/export/tag/nope.biblatex", "no tag 'nope'"),
    ("/better-bibtex/export/saved/nope.json", "no saved search 'nope'"),
    ("/better-bibtex/export/category/car-t.docx", "no export as .docx"),
    ("/better-bibtex/export/collection/x", "no such export"),
    ("/better-bibtex/export/item?citationKeys=Nobody1999", "Nobody1999"),
    ("/zotero/api", "no such endpoint"),
])
def test_pull_export_unknown_names_are_404(client, path, says):
    r = client.session.get(client.base + path)
    assert r.status_code == 404 and says in r.text and r.text.count("\n") == 1


# -- concurrency, read-only ---------------------------------------------------------------------
def _digest(lib_path) -> str:
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        p = lib_path.with_name(lib_path.name + suffix)
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def test_concurrent_requests_all_answered_right_and_the_library_untouched(server, lib, lib_path):
    lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _digest(lib_path)
    expected_bib = None

    def one(i):
        c = Client(server)
        try:
            kind = i % 4
            if kind == 0:
                return kind, c.cayw(probe="1").text
            if kind == 1:
                return kind, c.cayw(format="pandoc", keys="Bawek2024,Dohner2010").text
            if kind == 2:
                return kind, tuple(x["citekey"] for x in c.rpc("item.search", "Dohner")["result"])
            return kind, c.rpc("item.export", ["Bawek2024"], "Better BibLaTeX")["result"]
        finally:
            c.session.close()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(80)))
    from amlref.services.exporting import export_articles
    expected_bib = export_articles([lib.articles.find("Bawek2024")], "biblatex")
    want = {0: "ready", 1: "@Bawek2024; @Dohner2010", 2: ("Dohner2010",), 3: expected_bib}
    assert [r for r in results if r[1] != want[r[0]]] == []
    assert _digest(lib_path) == before


def test_request_connections_cannot_write(server):
    import sqlite3
    with server.libraries.borrow() as ro:
        with pytest.raises(sqlite3.OperationalError):
            ro.execute("UPDATE articles SET title = 'x'")
        with pytest.raises(sqlite3.OperationalError):
            ro.settings.set("x", 1)
