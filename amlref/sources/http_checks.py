"""What the HTTP client (sources/http.py) checks in an answer and says about a failure: an
answer cut half-way is an error (never cached), a requests/urllib3 error becomes a few words,
and the NCBI API key never shows in a message."""
from __future__ import annotations

import json
import logging
import re
from typing import Any, TYPE_CHECKING
from urllib.parse import urlsplit

from amlref.core.errors import NetworkError

if TYPE_CHECKING:  # pragma: no cover
    from amlref.sources.http import Response


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def hide(text: Any, secret: str) -> Any:
    """``text`` with ``secret`` cut to its first characters (as ``amlref config`` shows it)."""
    if not isinstance(text, str) or not secret:
        return text
    return text.replace(secret, secret[:4] + "…" if len(secret) > 4 else "…")


class HideInLogs(logging.Filter):
    """urllib3 logs each request's URL (the query with the API key) at DEBUG level: the key
    is cut there too, for whoever turns that logging on."""

    secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            msg = record.getMessage()
            if any(s in msg for s in self.secrets):
                for s in self.secrets:
                    msg = hide(msg, s)
                record.msg, record.args = msg, ()
        return True


_FILTER = HideInLogs()


def hide_in_logs(secret: str) -> None:
    """Cut ``secret`` from what urllib3 logs (once per process and secret)."""
    if not secret or len(secret) < 2 or secret in HideInLogs.secrets:
        return
    HideInLogs.secrets.add(secret)
    for name in ("urllib3.connectionpool", "urllib3.connection", "urllib3.util.retry"):
        lg = logging.getLogger(name)
        if _FILTER not in lg.filters:
            lg.addFilter(_FILTER)


_XML_TYPES = ("/xml", "+xml")
_JSON_TYPES = ("/json", "+json")


def check_complete(resp: "Response", label: str) -> None:
    """Raise NetworkError (one line) when a 2xx answer that says it is XML or JSON does not
    parse: cut half-way (a proxy, a dropped connection behind one) or broken.  Such an answer
    is never cached, so the next try fetches it again.  XML is only checked for being
    well-formed (expat, no tree: ~10 ms a MB); JSON is parsed once and kept for ``json()``."""
    ctype = resp.content_type.split(";", 1)[0].strip().lower()
    host = _host(resp.url)
    if ctype.endswith(_XML_TYPES):
        import xml.parsers.expat
        parser = xml.parsers.expat.ParserCreate()
        try:
            parser.Parse(resp.content, True)
        except xml.parsers.expat.ExpatError as exc:
            raise NetworkError(f"{label}: {host} sent malformed XML ({exc}): cut off or broken, "
                               "not kept") from None
    elif ctype.endswith(_JSON_TYPES):
        try:
            resp.parsed = json.loads(resp.content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise NetworkError(f"{label}: {host} sent malformed JSON ({exc}): cut off or "
                               "broken, not kept") from None


_REASONS = (("Failed to resolve", "name lookup failed"), ("NameResolution", "name lookup failed"),
            ("Name or service not known", "name lookup failed"),
            ("Connection refused", "connection refused"),
            ("Network is unreachable", "network unreachable"),
            ("No route to host", "no route to host"), ("Connection reset", "connection reset"),
            ("CERTIFICATE_VERIFY_FAILED", "certificate not trusted"),
            ("RemoteDisconnected", "server closed the connection"))


def _short(exc: BaseException) -> str:
    """A few words for a requests/urllib3 error instead of its long nested repr."""
    msg = str(exc)
    for needle, reason in _REASONS:
        if needle in msg:
            return reason
    for marker in ("Caused by ", "Failed to establish a new connection: "):
        if marker in msg:
            msg = msg.split(marker, 1)[1]
    msg = re.sub(r"(?i)\burl: \S+", "url: …", msg)      # (its query has the key, the e-mail)
    return msg.strip("()'\" ")[:120]
