"""Shared by the server tests: a real library (the demo library's CSL-JSON and real PubMed XML
records, indexed and classified as an import leaves them) served by a real LocalServer on a
free port, and a small HTTP client.  (No tests here.)"""
from __future__ import annotations

import http.client
import json

import pytest
import requests

from support import corpus

PUBMED_XML = ("pubmed", "biopython-entrez", "pubmed1.xml")


def fill(lib) -> dict:
    """Import the demo library and real PubMed records; a tag and a saved search."""
    from amlref.core.resources import resource_path
    from amlref.services.importing import import_paths
    from amlref.services.indexing import catch_up
    from amlref.services.views import View, save_view
    paths = [str(resource_path("demo", "demo-library.json")), str(corpus(*PUBMED_XML))]
    report = import_paths(lib, paths)
    assert report.ok, report.skipped
    catch_up(lib)
    keys = [r[0] for r in lib.execute("SELECT citekey FROM articles ORDER BY id")]
    ids = dict(lib.execute("SELECT citekey, id FROM articles"))
    lib.tags.add([ids["Bawek2024"], ids["Dohner2010"]], "grant-2026")
    save_view(lib, "relapsed", View(query="relapsed refractory"))
    return {"keys": keys, "ids": ids}


@pytest.fixture
def filled(lib):
    return fill(lib)


@pytest.fixture
def server(lib, lib_path, filled):
    from amlref.server import LocalServer
    s = LocalServer(lib_path, port=0)
    s.start()
    yield s
    s.stop()


class Client:
    def __init__(self, server):
        self.base = server.url
        self.port = server.port
        self.session = requests.Session()

    def get(self, path, **params):
        return self.session.get(self.base + path, params=params, timeout=30)

    def cayw(self, **params):
        return self.get("/better-bibtex/cayw", **params)

    def rpc_raw(self, payload, headers=None):
        data = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        return self.session.post(self.base + "/better-bibtex/json-rpc", data=data,
                                 headers={"Content-Type": "application/json", **(headers or {})},
                                 timeout=30)

    def rpc(self, method, *params, rid=1):
        body = {"jsonrpc": "2.0", "method": method, "id": rid}
        if params:
            body["params"] = list(params)
        r = self.rpc_raw(body)
        assert r.status_code == 200, r.text
        return r.json()

    def raw(self, method, path, headers: dict, body: bytes | None = None):
        """A request with exactly these headers (no Host added unless given)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders(body)
        r = conn.getresponse()
        out = (r.status, dict(r.getheaders()), r.read().decode("utf-8"))
        conn.close()
        return out


@pytest.fixture
def client(server):
    c = Client(server)
    yield c
    c.session.close()
