"""`amlref config list|get|set`: every setting under its stored name, checked values, the API key
never printed in full, and the online sources really reading what was set."""
from __future__ import annotations

from dataclasses import fields

from amlref.sources.http import Settings
from amlref.storage.library import Library


def test_list_shows_every_online_setting_and_the_watch_ones(cli):
    r = cli("config", "list")
    assert r.code == 0, r
    keys = [ln.split()[0] for ln in r.out.splitlines()]
    for f in fields(Settings):
        assert f"online.{f.name}" in keys
    assert "watch.interval_hours" in keys and "citekey_formula" in keys
    assert any(ln.startswith("online.eutils_url") and "eutils.ncbi.nlm.nih.gov" in ln
               and ln.endswith("(default)") for ln in r.out.splitlines())


def test_set_then_get_and_the_sources_read_it(cli, lib_path):
    assert cli("config", "set", "online.eutils_url", "http://127.0.0.1:8123/eutils").code == 0
    assert cli("config", "set", "online.email", "me@example.org").code == 0
    assert cli("config", "set", "online.timeout", "7.5").code == 0
    assert cli("config", "set", "watch.interval_hours", "6").code == 0
    assert cli("config", "set", "online.cache", "no").code == 0
    r = cli("config", "get", "online.eutils_url")
    assert r.code == 0 and r.out.strip() == "http://127.0.0.1:8123/eutils"
    assert cli("config", "get", "watch.interval_hours").out.strip() == "6"
    lib = Library.open(lib_path)
    s = Settings.from_library(lib)
    assert s.eutils_url == "http://127.0.0.1:8123/eutils" and s.email == "me@example.org"
    assert s.timeout == 7.5 and s.cache is False
    lib.close()
    listed = {ln.split()[0]: ln for ln in cli("config", "list").out.splitlines()}
    assert "(default)" not in listed["online.timeout"] and "7.5" in listed["online.timeout"]
    assert cli("config", "list", "--json").json()["online.cache"] == "false"


def test_api_key_never_printed_in_full(cli):
    key = "0123456789abcdef0123456789abcdef0123"
    r = cli("config", "set", "online.ncbi_api_key", key)
    assert r.code == 0 and key not in r.out and "0123…" in r.out
    assert cli("config", "get", "online.ncbi_api_key").out.strip() == "0123…"
    listing = cli("config", "list").out + cli("config", "list", "--json").out
    assert key not in listing and "0123…" in listing


def test_bad_values_are_refused_in_one_line_naming_the_key(cli, lib_path):
    cases = [("online.eutils_url", "not a url"), ("online.openalex_url", "ftp://x.org"),
             ("online.timeout", "soon"), ("online.retries", "2.5"), ("online.rate_ncbi", "-1"),
             ("watch.interval_hours", "twelve"), ("online.cache", "maybe"),
             ("online.email", "nobody"), ("citekey_formula", "[nosuchtoken]")]
    for key, value in cases:
        r = cli("config", "set", key, value)
        assert r.code == 2, (key, r)
        assert r.err.count("\n") == 1 and key in r.err and "Traceback" not in r.err, r.err
    lib = Library.open(lib_path)
    assert lib.settings.all() == {} or not any(k in lib.settings.all() for k, _ in cases)
    lib.close()


def test_unknown_key_is_one_line(cli):
    r = cli("config", "get", "online.nosuch")
    assert r.code == 2 and r.err.count("\n") == 1 and "online.nosuch" in r.err
    r = cli("config", "set", "nosuch", "1")
    assert r.code == 2 and "unknown setting" in r.err


def test_unset_goes_back_to_the_default(cli):
    cli("config", "set", "online.timeout", "3")
    assert cli("config", "unset", "online.timeout").code == 0
    assert cli("config", "get", "online.timeout").out.strip() == "20"
