"""The local server's defences, against the real server: loopback only, Host and Origin checks
(DNS rebinding, other web pages), no CORS, bounded body and time, malformed requests answered
in one line (never a traceback), a port in use reported, the window never blocked."""
from __future__ import annotations

import json
import logging
import socket
import time

import pytest

from test_server_support import Client, client, filled, server  # noqa: F401  (fixtures)

from amlref.server import LocalServer, PortInUse
from amlref.server import httpd

PROBE = "/better-bibtex/cayw?probe=1"


def test_listens_on_loopback_addresses_only(server):
    assert set(server.addresses) <= {"127.0.0.1", "::1"} and "127.0.0.1" in server.addresses
    # not reachable on another address of this machine
    others = {ai[4][0] for ai in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    for addr in others - {"127.0.0.1", "127.0.1.1"}:
        with pytest.raises(OSError):
            socket.create_connection((addr, server.port), timeout=2).close()


def test_ipv6_loopback_answers_when_the_system_has_it(server):
    if "::1" not in server.addresses:
        pytest.skip("no IPv6 loopback here")
    import requests
    r = requests.get(f"http://[::1]:{server.port}{PROBE}", timeout=10)
    assert r.text == "ready"


@pytest.mark.parametrize("host, ok", [
    ("127.0.0.1:{port}", True), ("localhost:{port}", True), ("[::1]:{port}", True),
    ("LOCALHOST:{port}", True), ("localhost", True), (None, True),
    ("evil.example.com:{port}", False), ("evil.example.com", False),
    ("127.0.0.1:80", False), ("localhost.evil.example:{port}", False),
    ("127.0.0.2:{port}", False), ("[::1]:1", False), ("0.0.0.0:{port}", False),
])
def test_host_header_must_name_this_loopback(client, host, ok):
    headers = {} if host is None else {"Host": host.format(port=client.port)}
    status, hdrs, body = client.raw("GET", PROBE, headers)
    if ok:
        assert (status, body) == (200, "ready")
    else:
        assert status == 403 and "loopback" in body and body.count("\n") == 1


@pytest.mark.parametrize("origin, ok", [
    ("null", True), ("http://127.0.0.1:{port}", True), ("http://localhost:{port}", True),
    ("http://[::1]:{port}", True),
    ("https://evil.example.com", False), ("http://127.0.0.1.evil.example", False),
    ("file://", False), ("chrome-extension://abc", False), ("http://localhost.evil:{port}", False),
])
def test_origin_of_other_web_pages_refused(client, origin, ok):
    headers = {"Host": f"127.0.0.1:{client.port}", "Origin": origin.format(port=client.port)}
    for method, path, body in (("GET", PROBE, None),
                               ("POST", "/better-bibtex/json-rpc",
                                b'{"jsonrpc":"2.0","method":"api.ready","id":1}')):
        h = dict(headers)
        if body is not None:
            h.update({"Content-Type": "application/json", "Content-Length": str(len(body))})
        status, hdrs, text = client.raw(method, path, h, body)
        assert (status == 200) is ok, (method, status, text)
        assert not [k for k in hdrs if k.lower().startswith("access-control-")]


def test_cross_site_fetch_refused_and_no_cors_anywhere(client):
    host = {"Host": f"127.0.0.1:{client.port}"}
    status, _, body = client.raw("GET", "/better-bibtex/cayw?format=latex&keys=Bawek2024",
                                 {**host, "Sec-Fetch-Site": "cross-site"})
    assert status == 403 and "other sites" in body
    # a CORS preflight gets no permission: browsers then never send the request
    status, hdrs, _ = client.raw("OPTIONS", "/better-bibtex/json-rpc",
                                 {**host, "Origin": f"http://localhost:{client.port}",
                                  "Access-Control-Request-Method": "POST"})
    assert status == 405
    assert not [k for k in hdrs if k.lower().startswith("access-control-")]


def test_wrong_methods_get_405_with_allow(client):
    for method, path, allow in (("POST", PROBE, "GET"), ("GET", "/better-bibtex/json-rpc", "POST"),
                                ("PUT", "/better-bibtex/export/library.ris", "GET"),
                                ("DELETE", "/better-bibtex/json-rpc", "POST")):
        status, hdrs, body = client.raw(method, path, {"Host": f"127.0.0.1:{client.port}",
                                                       "Content-Length": "0"})
        assert (status, hdrs.get("Allow")) == (405, allow), (method, path, body)


def test_request_body_bounded(client):
    host = {"Host": f"127.0.0.1:{client.port}", "Content-Type": "application/json"}
    status, _, body = client.raw("POST", "/better-bibtex/json-rpc",
                                 {**host, "Content-Length": str(httpd.MAX_BODY + 1)})
    assert status == 413 and "at most" in body          # refused before reading a byte
    status, _, body = client.raw("POST", "/better-bibtex/json-rpc", host, None)
    assert status == 411
    status, _, body = client.raw("POST", "/better-bibtex/json-rpc",
                                 {**host, "Content-Length": "abc"})
    assert status == 400 and "Content-Length" in body
    big = json.dumps({"jsonrpc": "2.0", "method": "item.search", "params": ["x" * 900_000],
                      "id": 1}).encode()
    status, _, body = client.raw("POST", "/better-bibtex/json-rpc",
                                 {**host, "Content-Length": str(len(big))}, big)
    assert status == 200 and json.loads(body)["result"] == []


def _raw_socket(port: int, data: bytes, wait: float = 5.0) -> bytes:
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    try:
        if data:
            s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk
    finally:
        s.close()


@pytest.mark.parametrize("data, status", [
    (b"HELLO\r\n\r\n", b"400"),
    (b"GET /better-bibtex/cayw?probe=1 HTTP/9.9\r\nHost: localhost\r\n\r\n", b"505"),
    (b"GET " + b"/x" * 40_000 + b" HTTP/1.1\r\n\r\n", b"414"),
    (b"BREW /pot HTTP/1.1\r\nHost: localhost\r\n\r\n", b"501"),
    (b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 200 + b"\r\n", b"431"),
])
def test_malformed_requests_get_a_4xx_5xx_line_and_one_log_line(server, caplog, data, status):
    caplog.set_level(logging.INFO, logger="amlref.server")
    out = _raw_socket(server.port, data)
    head, _, body = out.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == status, out[:300]
    assert body.count(b"\n") <= 1 and b"Traceback" not in out and b"<html" not in out.lower()
    assert "Traceback" not in caplog.text
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1


def test_a_slow_client_is_cut_off_and_others_are_served(lib_path, filled, monkeypatch):
    monkeypatch.setattr(httpd._Handler, "timeout", 0.5)
    with LocalServer(lib_path, port=0) as s:
        t0 = time.monotonic()
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        sock.sendall(b"GET /better-bibtex/cayw?probe=1 HTTP/1.1\r\n")    # and then nothing
        assert Client(s).cayw(probe="1").text == "ready"                 # not held up
        assert sock.recv(1000) == b""                                    # closed by the server
        assert time.monotonic() - t0 < 5
        sock.close()


def test_port_in_use_is_reported_in_one_line(server, lib_path):
    with pytest.raises(PortInUse, match=rf"port {server.port} is in use"):
        LocalServer(lib_path, port=server.port).start()


def test_a_missing_or_foreign_library_is_refused_at_start(tmp_path):
    from amlref.core.errors import LibraryError
    with pytest.raises(LibraryError, match="no such library"):
        LocalServer(tmp_path / "nope.sqlite", port=0)
    other = tmp_path / "other.sqlite"
    import sqlite3
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.close()
    with pytest.raises(LibraryError, match="schema 0"):
        LocalServer(other, port=0)


def test_errors_inside_a_request_are_one_line_not_a_traceback(server, client, caplog,
                                                               monkeypatch):
    from amlref.server import rpc

    def boom(self, terms, limit=10):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(rpc.Methods, "item_search", boom)
    caplog.set_level(logging.INFO, logger="amlref.server")
    r = client.rpc_raw({"jsonrpc": "2.0", "method": "item.search", "params": ["x"], "id": 1})
    assert r.status_code == 500
    assert r.text == "internal error: RuntimeError: disk on fire\n"
    assert "Traceback" not in caplog.text
    assert client.cayw(probe="1").text == "ready"          # and the server goes on


def test_requests_beyond_the_limit_get_503_and_the_server_recovers(lib_path, filled, monkeypatch):
    monkeypatch.setattr(httpd, "MAX_CONCURRENT", 1)
    monkeypatch.setattr(httpd._Handler, "timeout", 5)
    with LocalServer(lib_path, port=0) as s:
        hog = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        hog.sendall(b"GET /better-bibtex/cayw?probe=1 HTTP/1.1\r\n")    # holds the one slot
        time.sleep(0.3)
        out = _raw_socket(s.port, b"GET /better-bibtex/cayw?probe=1 HTTP/1.1\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 503") and out.endswith(b"server busy.\n")
        hog.sendall(b"Host: localhost\r\nConnection: close\r\n\r\n")     # the first one ends
        assert _raw_socket_read(hog).endswith(b"ready")
        for _ in range(50):                     # the slot comes back once that thread ends
            r = Client(s).cayw(probe="1")
            if r.status_code != 503:
                break
            time.sleep(0.05)
        assert r.text == "ready"


def _raw_socket_read(sock) -> bytes:
    out = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            sock.close()
            return out
        out += chunk
