"""Issue 17 audit: the cron line and the systemd timer + service of docs/watches.md work with
the installed `amlref`: the units pass `systemd-analyze verify`, the timer fires at the times
the text says, and the very command lines of the page run a real watch against the local
server (a home folder of its own, `~/.local/bin/amlref` linked to the installed command)."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT
from test_sources_support import FakeApi
from test_watches_support import configure, efetch, esearch_of, metapub_pmids

DOC = (ROOT / "docs" / "watches.md").read_text("utf-8")
INSTALLED = Path(sys.executable).parent / "amlref"


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, re.S)


@pytest.fixture
def home(tmp_path, httpserver, cli):
    """A user's home: amlref in ~/.local/bin, ~/.cache, and the library the page names with
    one watch, its online settings pointing at the local server."""
    h = tmp_path / "home"
    (h / ".local" / "bin").mkdir(parents=True)
    (h / ".cache").mkdir()
    (h / "refs").mkdir()
    (h / ".local" / "bin" / "amlref").symlink_to(INSTALLED)
    api = FakeApi(httpserver)
    library = h / "refs" / "aml.sqlite"
    run = lambda *a: cli("--library", library, *a)          # noqa: E731
    configure(run, api, tmp_path)
    api.route("/eutils/esearch.fcgi", esearch_of(metapub_pmids()[:2]))
    api.route("/eutils/efetch.fcgi", efetch)
    assert run("watch", "add", "w", "AML[tiab]").code == 0
    return h


def test_the_systemd_units_verify_and_the_timer_fires_when_the_page_says(tmp_path, home):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze not installed")
    service, timer = [b for b in blocks("ini")]
    assert "[Service]" in service and "[Timer]" in timer
    units = tmp_path / "units"
    units.mkdir()
    (units / "amlref-watch.service").write_text(service.replace("%h", str(home)), "utf-8")
    (units / "amlref-watch.timer").write_text(timer, "utf-8")
    r = subprocess.run(["systemd-analyze", "verify", str(units / "amlref-watch.timer"),
                        str(units / "amlref-watch.service")], capture_output=True, text=True,
                       cwd=units)
    assert r.returncode == 0 and "amlref-watch" not in r.stderr + r.stdout, r.stderr
    [when] = re.findall(r"^OnCalendar=(.*)$", timer, re.M)
    r = subprocess.run(["systemd-analyze", "calendar", "--iterations", "2", when],
                       capture_output=True, text=True)
    times = re.findall(r"(?:Next elapse|Iter\. #2): \w+ \S+ (\d\d:\d\d:\d\d)", r.stdout)
    assert sorted(times) == ["06:30:00", "18:30:00"], r.stdout
    assert "06:30 and 18:30" in DOC


def test_the_service_command_runs_the_watches(home):
    service = blocks("ini")[0]
    [cmd] = re.findall(r"^ExecStart=(.*)$", service, re.M)
    argv = shlex.split(cmd.replace("%h", str(home)))
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "HOME": str(home)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("watch 'w': 2 new") and r.stderr == ""


def test_the_cron_line_runs_the_watches_and_logs_one_line(home):
    [cron] = blocks("cron")
    [line] = [ln for ln in cron.splitlines() if ln.strip() and not ln.startswith("#")]
    fields = line.split(None, 5)
    assert fields[:5] == ["30", "6", "*", "*", "*"]       # 06:30 every day, as the text says
    assert "%" not in fields[5]                            # (cron would cut the line there)
    command = fields[5].replace("/home/me", str(home))
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh",
           "LOGNAME": "me"}                                # what cron gives a job
    for key in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[key] = os.environ[key]
    r = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and r.stdout == r.stderr == ""
    log = (home / ".cache" / "amlref-watch.log").read_text("utf-8")
    assert log.startswith("watch 'w': 2 new") and log.count("\n") == 1
