"""The local server: Better BibTeX's HTTP interface on the loopback addresses only.

    server = LocalServer(library_path, port=23119, host=None)
    server.start()          # PortInUse when something (Zotero ...) has the port
    ...
    server.stop()

It listens on 127.0.0.1 and, where the system has IPv6, on ::1; every request runs in a thread
of its own with a socket timeout and a bounded body, reads the library through a read-only
connection, and is refused (403) when its Host header is not a loopback name (DNS rebinding) or
it comes from a web page of another origin (Origin, Sec-Fetch-Site).  No CORS headers are ever
sent.  Errors are one log line and a one-line answer, never a traceback.
"""
from __future__ import annotations

import errno
import json
import logging
import os
import socket
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from amlref.core.errors import AmlrefError
from amlref.server import rpc
from amlref.server.access import ReadOnlyLibraries
from amlref.server.routes import JSON, TEXT, Answer, Cayw, Host, pull_export

log = logging.getLogger("amlref.server")

DEFAULT_PORT = 23119
MAX_BODY = 1 << 20           # bytes of a request body (413 beyond)
REQUEST_TIMEOUT = 10.0       # seconds a client may take to send its request
MAX_CONCURRENT = 32          # requests handled at once (503 beyond)
PICK_TIMEOUT = 600.0         # seconds the picker may stay open
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class PortInUse(AmlrefError):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"    # answers to unreadable request lines get a status line
    server_version = "AMLRef"
    sys_version = ""
    timeout = REQUEST_TIMEOUT
    # headers and body go out in two writes: without TCP_NODELAY a keep-alive client waits
    # ~40 ms for each answer (Nagle's algorithm meets delayed ACK)
    disable_nagle_algorithm = True

    @property
    def app(self) -> "LocalServer":
        return self.server.app      # type: ignore[attr-defined]

    # -- plumbing --------------------------------------------------------------------------
    def log_message(self, fmt, *args) -> None:          # one line per request, to our log
        log.info("%s %s", self.address_string(), fmt % args)

    def send_error(self, code, message=None, explain=None) -> None:
        # http.server's own errors (bad request line, 414, 501 ...) as one plain line
        self._answer(Answer(code, message or self.responses.get(code, ("error",))[0]), close=True)

    def _answer(self, a: Answer, extra: dict | None = None, close: bool = False) -> None:
        body = a.body.encode("utf-8")
        if a.status >= 400 and body and not body.endswith(b"\n") and a.content_type == TEXT:
            body += b"\n"
        try:
            self.send_response(a.status)
            self.send_header("Content-Type", a.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-store")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            if close or (a.status >= 400 and self.command != "GET"):
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:             # the client went away
            self.close_connection = True
        if a.status >= 400:
            log.warning("%s %s %s: %d %s", self.address_string(), self.command,
                        (self.path or "")[:200], a.status, a.body.splitlines()[0] if a.body else "")

    def _refused(self) -> str | None:
        """Why a request is refused before anything else, or None."""
        host = (self.headers.get("Host") or "").strip().lower()
        if host:
            name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
            if not name:
                name, port = host, ""
            if name not in LOOPBACK_NAMES or (port and port != str(self.app.port)):
                return f"Host {host!r} is not this computer's loopback address"
        origin = self.headers.get("Origin")
        if origin is not None and origin.strip().lower() != "null":
            o = urlsplit(origin.strip().lower())
            name = f"[{o.hostname}]" if o.hostname and ":" in o.hostname else o.hostname
            if o.scheme not in ("http", "https") or name not in LOOPBACK_NAMES:
                return f"requests from web pages of {origin!r} are not allowed"
        if (self.headers.get("Sec-Fetch-Site") or "").lower() == "cross-site":
            return "requests from web pages of other sites are not allowed"
        return None

    def _dispatch(self, method: str) -> None:
        try:
            why = self._refused()
            if why:
                return self._answer(Answer(403, why))
            url = urlsplit(self.path)
            path = url.path.rstrip("/") or "/"
            q = dict(parse_qsl(url.query, keep_blank_values=True))
            answer, allow = self._route(method, path, q)
            if answer is None:
                return self._answer(Answer(405, f"{path} does not take {method}"),
                                    {"Allow": allow})
            self._answer(answer)
        except sqlite3.Error as exc:
            self._answer(Answer(503, f"library not readable right now: {exc}"))
        except AmlrefError as exc:
            self._answer(Answer(400, str(exc)))
        except Exception as exc:        # never a traceback to the client or the console
            self._answer(Answer(500, f"internal error: {type(exc).__name__}: {exc}"))

    def _route(self, method: str, path: str, q: dict) -> tuple[Answer | None, str]:
        app = self.app
        if path == "/better-bibtex/cayw":
            return (app.cayw(q) if method == "GET" else None), "GET"
        if path == "/better-bibtex/json-rpc":
            return (self._rpc() if method == "POST" else None), "POST"
        if path.startswith("/better-bibtex/export/"):
            if method != "GET":
                return None, "GET"
            return pull_export(app.libraries, path[len("/better-bibtex/export/"):], q), "GET"
        if path in ("/", "/connector/ping") and method == "GET":
            return Answer(200, "AMLRef is running (Better BibTeX-compatible endpoints under "
                          "/better-bibtex/)"), "GET"
        return Answer(404, f"no such endpoint {path}"), ""

    def _rpc(self) -> Answer:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            return Answer(411, "send the request body with a Content-Length")
        if length is None:
            return Answer(411, "a Content-Length is needed")
        try:
            n = int(length)
        except ValueError:
            return Answer(400, f"bad Content-Length {length!r}")
        if n < 0:
            return Answer(400, f"bad Content-Length {length!r}")
        if n > MAX_BODY:
            return Answer(413, f"request body of {n} bytes; at most {MAX_BODY}")
        body = self.rfile.read(n)
        if len(body) < n:
            return Answer(400, "request body shorter than its Content-Length")
        with self.app.libraries.borrow() as lib:
            status, data = rpc.handle(lib, body)
        return Answer(status, json.dumps(data, ensure_ascii=False), JSON)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_OPTIONS(self):        # no CORS preflight answer: browsers then send nothing
        self._dispatch("OPTIONS")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 64

    def __init__(self, addr, app: "LocalServer", family=socket.AF_INET):
        self.address_family = family
        self.app = app
        self._slots = threading.BoundedSemaphore(MAX_CONCURRENT)
        super().__init__(addr, _Handler)

    def server_bind(self):
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        # SO_REUSEADDR on POSIX only lets a restart bind past old connections in TIME_WAIT (a
        # port another program listens on still fails); on Windows it would let us steal it
        if os.name == "posix":
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()[:2]
        self.server_name, self.server_port = "localhost", self.server_address[1]

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 13\r\n"
                                b"Connection: close\r\n\r\nserver busy.\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address):   # one line, no traceback
        import sys
        exc = sys.exc_info()[1]
        log.warning("%s: connection error: %s", client_address[0], exc)


class LocalServer:
    """Better BibTeX's endpoints over one library.  ``host`` is the window's side (the picker,
    the clipboard ...); without one, cayw needs the keys named in the request."""

    def __init__(self, library_path, port: int = DEFAULT_PORT, host: Host | None = None,
                 pick_timeout: float = PICK_TIMEOUT):
        self.libraries = ReadOnlyLibraries(library_path)
        self.requested_port = port
        self.port: int | None = None
        self.host = host
        self.cayw = Cayw(self.libraries, host, pick_timeout)
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> int:
        """Listen (127.0.0.1, and ::1 when the system has it); the port in use."""
        try:
            v4 = _Server(("127.0.0.1", self.requested_port), self)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(f"port {self.requested_port} is in use by another program "
                                "(Zotero?); choose another with --port") from None
            raise AmlrefError(f"cannot listen on 127.0.0.1:{self.requested_port}: "
                              f"{exc.strerror}") from None
        self.port = v4.server_address[1]
        self._servers = [v4]
        if socket.has_ipv6:
            try:
                self._servers.append(_Server(("::1", self.port), self, socket.AF_INET6))
            except OSError as exc:   # no IPv6 loopback here: IPv4 alone
                log.info("not listening on [::1]:%s: %s", self.port, exc.strerror)
        for s in self._servers:
            t = threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2},
                                 name=f"amlref-server-{s.address_family.name}", daemon=True)
            t.start()
            self._threads.append(t)
        return self.port

    def search(self, text: str, category: str | None = None, limit: int = 30) -> list[dict]:
        """What the picker lists as the user types: {id, citekey, title, authors, year,
        container}, best first (the library's full-text search plus citation-key prefixes)."""
        from amlref.server.access import search_ids
        if len(text.strip()) < 2:
            return []
        with self.libraries.borrow() as lib:
            try:
                ids = search_ids(lib, text, limit=limit, category=category)
            except AmlrefError:      # half-typed query syntax: nothing yet
                return []
            arts = lib.articles.get_many(ids)
        return [{"id": a.id, "citekey": a.citekey, "title": a.title, "year": a.year,
                 "authors": [p.family or p.literal for p in a.authors],
                 "container": a.container_short or a.container} for a in arts]

    @property
    def addresses(self) -> list[str]:
        return [s.server_address[0] for s in self._servers]

    def stop(self) -> None:
        for s in self._servers:
            s.shutdown()
            s.server_close()
        for t in self._threads:
            t.join(5)
        self._servers, self._threads = [], []
        self.libraries.close()

    def __enter__(self) -> "LocalServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
