"""Issue 17 audit: `amlref config list | get | set` for EVERY library setting under the name the
code reads it by, each value checked (one line naming the key, nothing stored), and the
setting taking effect where it is used."""
from __future__ import annotations

import ast
import pytest

from amlref.services import config
from amlref.storage.library import Library
from support import ROOT, corpus

INTERNAL = {"classifier_version",            # written by the classifier, not a choice
            "gui.default_watches_offered"}   # the window asked once


def keys_the_code_reads() -> set[str]:
    """Every key given to ``<x>.settings.get/set(...)`` or ``config.get(lib, ...)`` in the
    package, as a literal or a module constant (NAME = "key")."""
    found = set()
    for path in (ROOT / "amlref").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        consts = {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
                  for t in n.targets if isinstance(t, ast.Name)
                  and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
        for n in ast.walk(tree):
            if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
                continue
            f = n.func
            on_settings = (f.attr in ("get", "set") and isinstance(f.value, ast.Attribute)
                           and f.value.attr == "settings")
            on_config = (f.attr in ("get", "set_value") and isinstance(f.value, ast.Name)
                         and f.value.id == "config" and len(n.args) >= 2)
            if not (on_settings or on_config) or not n.args:
                continue
            arg = n.args[1] if on_config else n.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
            elif isinstance(arg, ast.Name) and arg.id in consts:
                found.add(consts[arg.id])
            elif isinstance(arg, ast.Attribute) and arg.attr in ("SETTING",):
                found.add("citation.style")
    return {k for k in found if "." in k or "_" in k}


def test_every_setting_the_code_reads_is_in_config_list(cli):
    read = keys_the_code_reads()
    assert {"files.pattern", "pdf.offline", "backup.keep", "watch.interval_hours",
            "citekey_formula"} <= read                        # (the scan finds them)
    listed = {ln.split()[0] for ln in cli("config", "list").out.splitlines()}
    assert read - INTERNAL - listed == set()
    assert listed == set(config.all_settings())


@pytest.mark.parametrize("key, value, shown", [
    ("citation.style", "ama", "american-medical-association"),
    ("files.pattern", "[auth][year].pdf", "[auth][year].pdf"),
    ("files.link", "yes", "true"), ("pdf.offline", "on", "true"),
    ("pdf.isolate", "false", "false"), ("backup.keep", "3", "3"),
    ("backup.daily", "no", "false"), ("files.folder", "~/papers", "~/papers"),
    ("watch.openalex_lookback_days", "0", "0"), ("watch.interval_hours", "0.5", "0.5"),
    ("online.eutils_url", "http://[::1]:8080/eutils", "http://[::1]:8080/eutils"),
])
def test_set_then_get(cli, key, value, shown):
    r = cli("config", "set", key, value)
    assert r.code == 0 and r.out.strip() == f"{key} = {shown}", r
    assert cli("config", "get", key).out.strip() == shown


@pytest.mark.parametrize("key, value, words", [
    ("online.eutils_url", "http://127.0.0.1:99999/eutils", "not an http(s) URL"),
    ("online.eutils_url", "http://[::1/eutils", "not an http(s) URL"),
    ("online.openalex_url", "https://api.openalex.org?mailto=x", "no '?' or '#' part"),
    ("online.timeout", "0", "below the minimum"), ("online.retries", "1000", "above"),
    ("online.max_bytes", "10", "below the minimum"),
    ("watch.interval_hours", "0.01", "give 0 (off) or at least"),
    ("watch.max_results", "20000", "above the maximum 10000"),
    ("citation.style", "nosuch", "unknown citation style 'nosuch'"),
    ("files.pattern", "paper.pdf", "needs at least one [token]"),
    ("files.pattern", "[nosuch].pdf", "unknown token [nosuch]"),
    ("backup.keep", "0", "below the minimum 1"), ("files.link", "perhaps", "not true or false"),
])
def test_bad_values_are_one_line_and_nothing_is_stored(cli, lib_path, key, value, words):
    r = cli("config", "set", key, value)
    assert r.code == 2 and words in r.err and key in r.err, r
    assert r.err.count("\n") == 1 and "Traceback" not in r.err and "internal" not in r.err
    lib = Library.open(lib_path)
    try:
        assert lib.settings.get(key) is None
    finally:
        lib.close()


def test_the_citation_style_set_here_is_the_one_cite_uses(cli, lib_path):
    from test_watches_support import metapub_pmids
    pmid = metapub_pmids()[0]
    assert cli("import", corpus("pubmed", "metapub-pmid-xml", f"{pmid}.xml")).code == 0
    lib = Library.open(lib_path)
    try:
        [(key,)] = lib.execute("SELECT citekey FROM articles").fetchall()
    finally:
        lib.close()
    vancouver = cli("cite", key).out
    assert cli("config", "set", "citation.style", "apa").code == 0
    apa = cli("cite", key).out
    assert apa and vancouver and apa != vancouver
    assert cli("config", "unset", "citation.style").code == 0
    assert cli("cite", key).out == vancouver


def test_a_key_or_address_from_the_environment_is_shown_as_such(cli, monkeypatch):
    key = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e"
    monkeypatch.setenv("NCBI_API_KEY", key)
    monkeypatch.setenv("AMLREF_EMAIL", "lab@example.org")
    lines = {ln.split()[0]: ln for ln in cli("config", "list").out.splitlines()}
    assert lines["online.ncbi_api_key"].split()[1:] == ["0f1e…", "(from", "$NCBI_API_KEY)"]
    assert lines["online.email"].split()[1:] == ["lab@example.org", "(from", "$AMLREF_EMAIL)"]
    assert cli("config", "get", "online.ncbi_api_key").out.strip() == "0f1e…"
    everything = cli("config", "list").out + cli("config", "list", "--json").out
    assert key not in everything
    # a value of the library's own wins over the environment's
    cli("config", "set", "online.email", "me@example.org")
    assert cli("config", "get", "online.email").out.strip() == "me@example.org"
    assert "(from" not in [ln for ln in cli("config", "list").out.splitlines()
                           if ln.startswith("online.email")][0]


def test_watch_add_asks_for_a_contact_address_when_there_is_none(cli, monkeypatch):
    monkeypatch.delenv("AMLREF_EMAIL", raising=False)
    r = cli("watch", "add", "w", "CD123[tiab]")
    assert r.code == 0 and "amlref config set online.email" in r.out
    cli("config", "set", "online.email", "me@example.org")
    r = cli("watch", "add", "w2", "CD33[tiab]")
    assert r.code == 0 and "online.email" not in r.out
