"""Every library setting under its stored name, with its type, default and a check.

``amlref config list|get|set`` and the window read and write settings through here:

- ``online.*``: one per field of :class:`amlref.sources.http.Settings` (base URLs, e-mail, NCBI
  API key, timeouts, rates, cache), read by ``Settings.from_library``;
- ``citekey_formula``: the citation-key pattern (``amlref.core.citekeys``);
- ``watch.*``: the watches (interval of the window's timer, the first run's window).

A value is checked before it is stored: a bad URL, number or formula is refused with one line
naming the key.  Secrets (the NCBI API key) are never shown in full.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from amlref.core.errors import InputError, UsageError

SECRET_SHOWN = 4           # characters of a secret shown before the ellipsis


@dataclass(frozen=True)
class Setting:
    key: str
    type: type            # str, int, float or bool
    default: Any
    help: str
    kind: str = ""        # "url", "email", "secret", "formula", "pattern", "style", "path", ""
    minimum: float | None = None
    maximum: float | None = None
    off_or_least: float | None = None    # 0 turns it off; any other value at least this

    def parse(self, text: str) -> Any:
        """The value of ``text`` for this setting, or InputError naming the key."""
        text = str(text).strip()
        bad = lambda why: InputError(f"{self.key}: {why}")   # noqa: E731
        if self.type is bool:
            low = text.lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
            raise bad(f"{text!r} is not true or false")
        if self.type in (int, float):
            try:
                value = self.type(text)
            except ValueError:
                what = "a whole number" if self.type is int else "a number"
                raise bad(f"{text!r} is not {what}") from None
            if value != value or value in (float("inf"), float("-inf")):
                raise bad(f"{text!r} is not a number")
            if self.minimum is not None and value < self.minimum:
                raise bad(f"{text} is below the minimum {self.minimum:g}")
            if self.maximum is not None and value > self.maximum:
                raise bad(f"{text} is above the maximum {self.maximum:g}")
            if self.off_or_least is not None and 0 < value < self.off_or_least:
                raise bad(f"{text}: give 0 (off) or at least {self.off_or_least:g}")
            return value
        if self.kind == "url":
            try:
                parts = urlsplit(text)
                parts.port                      # (a port out of range raises)
            except ValueError as exc:
                raise bad(f"{text!r} is not an http(s) URL ({exc})") from None
            if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
                raise bad(f"{text!r} is not an http(s) URL")
            if parts.query or parts.fragment:
                raise bad(f"{text!r}: a base URL has no '?' or '#' part")
        elif self.kind == "email" and text and ("@" not in text or " " in text
                                                or text.startswith("@") or text.endswith("@")):
            raise bad(f"{text!r} is not an e-mail address")
        elif self.kind == "formula":
            from amlref.core import citekeys
            try:
                citekeys.check_formula(text)
            except ValueError as exc:          # the formula checker's own one-line message
                raise bad(str(exc)) from None
        elif self.kind == "pattern":
            from amlref.services.attachments import check_pattern
            try:
                check_pattern(text)
            except ValueError as exc:
                raise bad(str(exc)) from None
        elif self.kind == "style":
            from amlref.formats import csl
            try:
                return csl.style_name(text)
            except ValueError as exc:
                raise bad(str(exc)) from None
        return text

    def show(self, value: Any) -> str:
        """The value as printed: secrets cut to their first characters."""
        if self.kind == "secret" and value:
            value = str(value)
            return value[:SECRET_SHOWN] + "…" if len(value) > SECRET_SHOWN else "…"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value)) if self.type is int else f"{value:g}"
        return str(value)


_ONLINE_HELP = {
    "eutils_url": "NCBI E-utilities base URL", "idconv_url": "PMC ID converter URL",
    "crossref_url": "Crossref REST API base URL", "doi_url": "doi.org resolver",
    "openalex_url": "OpenAlex API base URL",
    "email": "your e-mail, sent to NCBI, Crossref and OpenAlex as asked",
    "tool": "NCBI tool= name", "ncbi_api_key": "NCBI API key (10 requests/s instead of 3)",
    "timeout": "seconds to wait for a server", "retries": "extra tries on 429/5xx/timeouts",
    "backoff": "first wait between tries (s), doubled each try",
    "max_wait": "longest wait asked by Retry-After that is honoured (s)",
    "max_bytes": "largest answer accepted (bytes)", "cache": "keep answers in the disk cache",
    "cache_dir": "folder of the HTTP cache ('' = the user cache folder)",
    "cache_days": "days an answer stays in the cache",
    "rate_ncbi": "NCBI requests a second (0 = 3, or 10 with an API key)",
    "rate_crossref": "Crossref requests a second", "rate_doi": "doi.org requests a second",
    "rate_openalex": "OpenAlex requests a second",
}


# values outside these make the sources useless (a 0 s timeout fails every request; a
# thousand retries on HTTP 429 never end)
_ONLINE_BOUNDS = {"timeout": (0.5, 600), "retries": (0, 10), "max_bytes": (1024, None),
                  "max_wait": (0, 3600)}


def _online_settings() -> list[Setting]:
    from amlref.sources.http import Settings
    base = Settings()
    out = []
    for f in fields(Settings):
        default = getattr(base, f.name)
        kind = ("url" if f.name.endswith("_url") else "email" if f.name == "email"
                else "secret" if "key" in f.name else "path" if f.name.endswith("_dir") else "")
        number = isinstance(default, (int, float)) and not isinstance(default, bool)
        low, high = _ONLINE_BOUNDS.get(f.name, (0 if number else None, None))
        out.append(Setting(f"online.{f.name}", type(default), default,
                           _ONLINE_HELP.get(f.name, f.name), kind, low, high))
    return out


def _other_settings() -> list[Setting]:
    from amlref.core.citekeys import DEFAULT_FORMULA
    from amlref.formats.csl import DEFAULT_STYLE, SETTING as STYLE
    from amlref.services.attachments import DEFAULT_PATTERN
    from amlref.storage.backup import DAILY_SETTING, DEFAULT_KEEP, KEEP_SETTING
    return [
        Setting("citekey_formula", str, DEFAULT_FORMULA, "pattern of new citation keys",
                "formula"),
        Setting(STYLE, str, DEFAULT_STYLE, "citation style of formatted references "
                "(amlref cite --list-styles)", "style"),
        Setting("files.folder", str, "", "folder of attached files ('' = <library "
                "name>.files beside the library; relative to the library's folder)", "path"),
        Setting("files.pattern", str, DEFAULT_PATTERN, "file name of an attached copy",
                "pattern"),
        Setting("files.link", bool, False, "link attached files where they are instead of "
                "copying them"),
        Setting("pdf.offline", bool, False, "never look PDFs' records up online"),
        Setting("pdf.isolate", bool, True, "read PDFs in a separate process with time and "
                "memory limits"),
        Setting(KEEP_SETTING, int, DEFAULT_KEEP, "backups kept", minimum=1),
        Setting(DAILY_SETTING, bool, True, "a backup on the first open of a day"),
        Setting("watch.interval_hours", float, 12.0, "the window runs the watches every N hours "
                "(0 = only on start)", minimum=0, maximum=24 * 366, off_or_least=0.1),
        Setting("watch.on_start", bool, True, "the window runs the watches when it opens"),
        Setting("watch.first_days", int, 30, "a new watch's first run looks back this many days",
                minimum=1),
        Setting("watch.max_results", int, 10000, "most new records one PubMed watch run takes "
                "(PubMed gives at most 10,000 a search)", minimum=1, maximum=10000),
        Setting("watch.openalex_lookback_days", int, 60, "a citation alert asks OpenAlex for "
                "works published this many days before its last run (they are indexed late)",
                minimum=0),
        Setting("watch.notify", bool, True, "desktop notification after a run with new articles"),
    ]


def all_settings() -> dict[str, Setting]:
    return {s.key: s for s in _online_settings() + _other_settings()}


def setting(key: str) -> Setting:
    known = all_settings()
    if key not in known:
        near = [k for k in known if key.split(".")[-1] in k] or sorted(known)[:3]
        raise UsageError(f"unknown setting {key!r} (see amlref config list; e.g. "
                         f"{', '.join(near[:3])})")
    return known[key]


# what the online sources read from the environment when the library has no value
# (sources.http.Settings.from_mapping)
FROM_ENV = {"online.ncbi_api_key": "NCBI_API_KEY", "online.email": "AMLREF_EMAIL"}


def env_source(lib, key: str) -> str:
    """The environment variable the value of ``key`` comes from ("" when it does not)."""
    var = FROM_ENV.get(key, "")
    if var and os.environ.get(var) and lib.settings.get(key) in (None, ""):
        return var
    return ""


def get(lib, key: str) -> Any:
    """The value in use of a known setting: stored, else from the environment (FROM_ENV),
    else its default."""
    s = setting(key)
    value = lib.settings.get(key)
    if env_source(lib, key):
        return os.environ[FROM_ENV[key]]
    if value is None:
        return s.default
    try:
        return s.type(value) if s.type is not bool else bool(value)
    except (TypeError, ValueError):
        return s.default


def set_value(lib, key: str, text: str) -> Any:
    """Check and store a value given as text; returns the stored value."""
    s = setting(key)
    value = s.parse(text)
    lib.settings.set(key, value)
    return value


def listing(lib) -> list[dict]:
    """Every setting: key, value as shown, whether it is the default, help."""
    stored = lib.settings.all()
    out = []
    for key, s in all_settings().items():
        value = get(lib, key)
        out.append({"key": key, "value": s.show(value), "default": key not in stored,
                    "env": env_source(lib, key), "help": s.help})
    return out
