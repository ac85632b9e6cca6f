"""A polite, robust HTTP session shared by the online sources.

- a clear User-Agent (``AMLRef/<version> (...; mailto:<email>)``),
- connect/read timeouts, retries with exponential backoff on 429 and 5xx that honour
  ``Retry-After``, a cap on the response size,
- a disk cache with an expiry (``platformdirs.user_cache_dir("amlref")/http`` unless set), so the
  same lookup is not repeated; an answer cut half-way (fewer bytes than its Content-Length, a
  chunked body that ends early, XML or JSON that does not parse) is an error and never cached,
  so the next try asks again,
- per-service rate limits (NCBI: 3 requests a second without an API key, 10 with one),
- one clear :class:`NetworkError` line when offline, timed out, or answered with an error.

Base URLs and all knobs are :class:`Settings`, read from the library's settings
(``online.*`` keys) so tests point them at a local server.
"""
from __future__ import annotations

import email.utils
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlencode, urlsplit

import requests

from amlref import __version__
from amlref.core.errors import NetworkError, NotFound
from amlref.sources.http_checks import _host, _short, check_complete, hide, hide_in_logs
from amlref.sources.rate import RateLimiter, shared_limiter

__all__ = ["Settings", "HttpClient", "HttpError", "Response", "DiskCache", "RateLimiter",
           "shared_limiter", "check_complete", "hide", "retry_after_seconds"]

PROJECT_URL = "https://pypi.org/project/amlref/"

# Parameters never part of a cache key (secrets and politeness only).
_UNCACHED_PARAMS = {"api_key", "email", "tool", "mailto"}
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class Settings:
    """Everything the online sources need.  ``from_library(lib)`` reads ``online.<name>``."""

    eutils_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    idconv_url: str = "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/"
    crossref_url: str = "https://api.crossref.org"
    doi_url: str = "https://doi.org"
    openalex_url: str = "https://api.openalex.org"
    email: str = ""                 # contact for NCBI (email=), Crossref/OpenAlex (mailto)
    tool: str = "amlref"            # NCBI tool= parameter
    ncbi_api_key: str = ""          # optional: raises the NCBI limit from 3 to 10 requests/s
    timeout: float = 20.0           # seconds, connect and read
    retries: int = 3                # extra attempts on 429/5xx/timeouts
    backoff: float = 1.0            # first wait (s), doubled each retry
    max_wait: float = 60.0          # never wait longer than this for one Retry-After
    max_bytes: int = 32 * 1024 * 1024
    cache: bool = True
    cache_dir: str = ""             # "" = platformdirs user_cache_dir("amlref")/http
    cache_days: float = 7.0
    rate_ncbi: float = 0.0          # requests/s; 0 = 3 (10 with an API key)
    rate_crossref: float = 10.0
    rate_doi: float = 5.0
    rate_openalex: float = 10.0

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "Settings":
        s = cls()
        for f in fields(cls):
            for key in (f"online.{f.name}", f.name):
                if key in values and values[key] is not None:
                    v = values[key]
                    setattr(s, f.name, type(getattr(s, f.name))(v))
                    break
        if not s.ncbi_api_key:
            s.ncbi_api_key = os.environ.get("NCBI_API_KEY", "")
        if not s.email:
            s.email = os.environ.get("AMLREF_EMAIL", "")
        return s

    @classmethod
    def from_library(cls, lib) -> "Settings":
        """Read ``online.*`` values from ``lib.settings`` (a library or anything with .settings)."""
        store = getattr(lib, "settings", lib)
        values = {k: v for k, v in store.all().items() if k.startswith("online.")}
        return cls.from_mapping(values)

    @property
    def ncbi_rate(self) -> float:
        if self.rate_ncbi:
            return self.rate_ncbi
        return 10.0 if self.ncbi_api_key else 3.0

    def cache_path(self) -> Path:
        if self.cache_dir:
            return Path(self.cache_dir).expanduser()
        import platformdirs
        return Path(platformdirs.user_cache_dir("amlref", appauthor=False)) / "http"

    def user_agent(self) -> str:
        contact = f"mailto:{self.email}" if self.email else PROJECT_URL
        return f"AMLRef/{__version__} (reference manager; {contact}) python-requests/{requests.__version__}"


class HttpError(NetworkError):
    """The server answered with an error status."""

    def __init__(self, message: str, status: int, url: str, body: bytes = b""):
        super().__init__(message)
        self.status, self.url, self.body = status, url, body


@dataclass
class Response:
    url: str
    status: int
    content_type: str
    content: bytes
    from_cache: bool = False
    headers: dict = field(default_factory=dict)
    what: str = ""            # the lookup this answers, for error messages
    parsed: Any = None        # the JSON, read once when the answer was checked

    @property
    def text(self) -> str:
        ct = self.content_type.lower()
        enc = "utf-8"
        if "charset=" in ct:
            enc = ct.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
        try:
            return self.content.decode(enc)
        except (LookupError, UnicodeDecodeError):
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        if self.parsed is not None:
            return self.parsed
        try:
            return json.loads(self.content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise NetworkError(f"{self.what or _host(self.url)}: {_host(self.url)} sent malformed "
                               f"JSON ({exc})") from None


# -- disk cache -----------------------------------------------------------------------------------
class DiskCache:
    """Responses stored as ``<sha256>.json`` (metadata) + ``<sha256>.body`` under ``root``."""

    def __init__(self, root: Path, ttl_seconds: float):
        self.root = Path(root)
        self.ttl = ttl_seconds

    @staticmethod
    def key(method: str, url: str, params: Mapping[str, Any] | None, accept: str) -> str:
        items = sorted((str(k), str(v)) for k, v in _param_items(params)
                       if k not in _UNCACHED_PARAMS)
        raw = "\n".join([method.upper(), url, urlencode(items), accept])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        d = self.root / key[:2]
        return d / f"{key}.json", d / f"{key}.body"

    def get(self, key: str) -> Response | None:
        meta_p, body_p = self._paths(key)
        try:
            meta = json.loads(meta_p.read_text("utf-8"))
            if time.time() - float(meta["stored"]) > self.ttl:
                return None
            body = body_p.read_bytes()
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return Response(meta["url"], int(meta["status"]), meta.get("content_type", ""), body,
                        from_cache=True)

    def put(self, key: str, resp: Response) -> None:
        meta_p, body_p = self._paths(key)
        try:
            meta_p.parent.mkdir(parents=True, exist_ok=True)
            tmp = body_p.with_suffix(f".tmp{os.getpid()}.{threading.get_ident()}")
            tmp.write_bytes(resp.content)
            os.replace(tmp, body_p)
            tmp = meta_p.with_suffix(f".tmp{os.getpid()}.{threading.get_ident()}")
            tmp.write_text(json.dumps({"url": _without_secrets(resp.url), "status": resp.status,
                                       "content_type": resp.content_type,
                                       "stored": time.time()}), "utf-8")
            os.replace(tmp, meta_p)
        except OSError:
            pass  # a cache that cannot be written only costs a repeated lookup

    def drop(self, key: str) -> None:
        for p in self._paths(key):
            try:
                p.unlink()
            except OSError:
                pass

    def prune(self, every_seconds: float = 86400) -> int:
        """Delete expired entries, at most once per ``every_seconds`` (a marker file keeps the
        time of the last run).  Returns the number of files removed."""
        marker = self.root / ".pruned"
        try:
            if marker.exists() and time.time() - marker.stat().st_mtime < every_seconds:
                return 0
            self.root.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            return 0
        n = 0
        for meta_p in self.root.glob("*/*.json"):
            try:
                stored = float(json.loads(meta_p.read_text("utf-8"))["stored"])
            except (OSError, ValueError, KeyError, TypeError):
                stored = 0.0
            if time.time() - stored > self.ttl:
                for p in (meta_p, meta_p.with_suffix(".body")):
                    try:
                        p.unlink()
                        n += 1
                    except OSError:
                        pass
        return n

    def clear(self) -> int:
        n = 0
        if self.root.exists():
            for p in self.root.rglob("*"):
                if p.is_file() and p.suffix in (".json", ".body"):
                    p.unlink(missing_ok=True)
                    n += 1
        return n


def _param_items(params) -> list[tuple[str, Any]]:
    if not params:
        return []
    if isinstance(params, Mapping):
        out = []
        for k, v in params.items():
            if isinstance(v, (list, tuple)):
                out += [(k, x) for x in v]
            else:
                out.append((k, v))
        return out
    return list(params)


def _without_secrets(url: str) -> str:
    """A URL without the parameters that are secrets or personal (api_key, email ...)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    from urllib.parse import parse_qsl
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k not in _UNCACHED_PARAMS]
    return parts._replace(query=urlencode(kept)).geturl()


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), None when absent/unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


# -- the client -----------------------------------------------------------------------------------
class HttpClient:
    """``get(url, params, service=..., accept=...)`` -> :class:`Response` (2xx only); anything
    else raises :class:`NetworkError` (``HttpError`` with ``.status``; 404 -> ``NotFound``)."""

    def __init__(self, settings: Settings | None = None, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.settings = settings or Settings()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.settings.user_agent()
        hide_in_logs(self.settings.ncbi_api_key)
        self.sleep = sleep
        self.cache = (DiskCache(self.settings.cache_path(), self.settings.cache_days * 86400)
                      if self.settings.cache else None)
        self.limiters: dict[str, RateLimiter] = {}
        self.requests_sent = 0      # real requests, for tests and reports
        self.cache_hits = 0
        self.fresh = False          # True: do not read the cache (answers are still stored)
        self._pruned = False

    def limiter(self, service: str) -> RateLimiter | None:
        if service in self.limiters:
            return self.limiters[service]
        s = self.settings
        rate = {"ncbi": s.ncbi_rate, "crossref": s.rate_crossref, "doi": s.rate_doi,
                "openalex": s.rate_openalex}.get(service, 0.0)
        lim = shared_limiter(service, rate) if rate > 0 else None
        self.limiters[service] = lim
        return lim

    def get(self, url: str, params=None, service: str = "", accept: str = "",
            use_cache: bool = True, what: str = "") -> Response:
        try:
            return self._get(url, params, service, accept, use_cache, what)
        except NetworkError as exc:
            raise self._hide_secrets(exc) from None

    def post(self, url: str, data: Mapping[str, Any], service: str = "", accept: str = "",
             what: str = "") -> Response:
        """A form POST (E-utilities take one where a GET's URL would be too long: a long
        query, many ids); never cached.  Same retries, limits and errors as :meth:`get`."""
        try:
            resp = self._fetch(url, None, service, accept, what, data=data)
            resp.what = what
            check_complete(resp, what or _host(url))
            return resp
        except NetworkError as exc:
            raise self._hide_secrets(exc) from None

    def _hide_secrets(self, exc: NetworkError) -> NetworkError:
        """The API key never shows in a message, nor in an error's ``url``."""
        secret = self.settings.ncbi_api_key
        if secret and len(secret) > 1:
            if any(secret in str(a) for a in exc.args):
                exc.args = tuple(hide(a, secret) for a in exc.args)
            if isinstance(getattr(exc, "url", None), str):
                exc.url = hide(exc.url, secret)
        return exc

    def _get(self, url: str, params, service: str, accept: str, use_cache: bool,
             what: str) -> Response:
        key = None
        if self.cache is not None and use_cache:
            key = DiskCache.key("GET", url, params, accept)
            hit = None if self.fresh else self.cache.get(key)
            if hit is not None:
                try:      # (one an older version kept may be cut: asked again)
                    check_complete(hit, what or _host(url))
                except NetworkError:
                    self.cache.drop(key)
                    hit = None
            if hit is not None:
                self.cache_hits += 1
                hit.what = what
                return hit
        resp = self._fetch(url, params, service, accept, what)
        resp.what = what
        check_complete(resp, what or _host(url))     # a cut answer goes no further
        if key is not None and 200 <= resp.status < 300:
            if not self._pruned:
                self._pruned = True
                self.cache.prune()
            self.cache.put(key, resp)
        return resp

    def _fetch(self, url: str, params, service: str, accept: str, what: str,
               data: Mapping[str, Any] | None = None) -> Response:
        s = self.settings
        headers = {"Accept": accept} if accept else {}
        host = _host(url)
        label = what or host
        attempt = 0
        while True:
            lim = self.limiter(service)
            if lim is not None:
                lim.wait()
            self.requests_sent += 1
            try:
                if data is None:
                    r = self.session.get(url, params=params, headers=headers, stream=True,
                                         timeout=(s.timeout, s.timeout), allow_redirects=True)
                else:
                    r = self.session.post(url, data=data, headers=headers, stream=True,
                                          timeout=(s.timeout, s.timeout), allow_redirects=True)
            except requests.exceptions.Timeout:
                if attempt < s.retries:
                    self._backoff(attempt, None)
                    attempt += 1
                    continue
                raise NetworkError(f"{label}: no answer from {host} within {s.timeout:g} s "
                                   f"({attempt + 1} tries); try again later") from None
            except requests.exceptions.SSLError as exc:
                raise NetworkError(f"{label}: secure connection to {host} failed "
                                   f"({_short(exc)})") from None
            except requests.exceptions.ConnectionError as exc:
                raise NetworkError(f"{label}: cannot reach {host}: offline, or the server is "
                                   f"down ({_short(exc)})") from None
            except requests.exceptions.RequestException as exc:
                raise NetworkError(f"{label}: request to {host} failed ({_short(exc)})") from None
            try:
                if r.status_code in RETRY_STATUSES and attempt < s.retries:
                    wait = retry_after_seconds(r.headers.get("Retry-After"))
                    if wait is not None and wait > s.max_wait:
                        raise NetworkError(f"{label}: {host} asks to wait {wait:.0f} s "
                                           f"(HTTP {r.status_code}); try again later")
                    self._backoff(attempt, wait)
                    attempt += 1
                    continue
                body = self._read_capped(r, label, host)
            finally:
                r.close()
            ctype = r.headers.get("Content-Type", "")
            resp = Response(r.url, r.status_code, ctype, body, headers=dict(r.headers))
            if 200 <= r.status_code < 300:
                return resp
            if r.status_code == 404:
                err = NotFound(f"{label}: not found at {host} (HTTP 404)")
                err.status, err.url, err.body = 404, r.url, body
                raise err
            if r.status_code == 429:
                raise HttpError(f"{label}: {host} is rate limiting us (HTTP 429 after "
                                f"{attempt + 1} tries); try again later", 429, r.url, body)
            raise HttpError(f"{label}: {host} answered HTTP {r.status_code} {r.reason or ''}"
                            .rstrip() + (f" after {attempt + 1} tries" if attempt else ""),
                            r.status_code, r.url, body)

    def _backoff(self, attempt: int, retry_after: float | None) -> None:
        s = self.settings
        wait = retry_after if retry_after is not None else s.backoff * (2 ** attempt)
        self.sleep(min(wait, s.max_wait))

    def _read_capped(self, r: requests.Response, label: str, host: str) -> bytes:
        cap = self.settings.max_bytes
        length = r.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > cap:
            raise NetworkError(f"{label}: answer from {host} too large ({int(length)} bytes; "
                               f"limit {cap})")
        chunks, size = [], 0
        try:
            for chunk in r.iter_content(65536):
                size += len(chunk)
                if size > cap:
                    raise NetworkError(f"{label}: answer from {host} too large (over {cap} "
                                       "bytes)")
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise NetworkError(f"{label}: answer from {host} broke off ({_short(exc)}); "
                               "nothing of it is kept") from None
        body = b"".join(chunks)
        if length.isdigit() and not r.headers.get("Content-Encoding") and len(body) < int(length):
            raise NetworkError(f"{label}: answer from {host} broke off ({len(body)} of "
                               f"{int(length)} bytes); nothing of it is kept")
        return body

