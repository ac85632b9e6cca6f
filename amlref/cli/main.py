"""Entry point of the ``amlref`` command."""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys

from amlref import __version__
from amlref.core.errors import AmlrefError

# Command modules, each with register(subparsers).  Order = order in --help.
COMMAND_MODULES = [
    "amlref.cli.library_cmds",   # import, export, search, show, trash, tag, note, gui
    "amlref.cli.dedup_cmds",     # dedup
    "amlref.cli.citation_cmds",  # citations show/missing/graph (must precede online_cmds)
    "amlref.cli.online_cmds",    # add (online lookup); citations refresh via citation_cmds
    "amlref.cli.taxonomy_cmds",  # categories, classify, category, views, saved
    "amlref.cli.bib_cmds",       # autoexport
    "amlref.cli.files_cmds",     # attach, files; PDFs in import, add --update (after those)
    "amlref.cli.cite_cmds",      # cite (formatted references, CSL styles)
    "amlref.cli.serve_cmds",     # serve (Better BibTeX-compatible local server)
    "amlref.cli.backup_cmds",    # backup, restore, backups
    "amlref.cli.plugins_cmds",   # plugins list/enable/disable
    "amlref.cli.config_cmds",    # config list/get/set
    "amlref.cli.watch_cmds",     # watch add/list/run/inbox, digest
]

EPILOG = """\
The library is --library PATH, else $AMLREF_LIBRARY, else library.sqlite in the user data
folder (created on first use).  Exit status: 0 success, 1 some records failed (reported),
2 bad usage or unreadable input."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(2, f"amlref: error: {message} (see amlref --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="amlref", description="AMLRef: a reference manager for AML immunotherapy "
                "research.  With no command, opens the window.", epilog=EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--library", metavar="PATH", help="library file (default: $AMLREF_LIBRARY or "
                   "the user data folder)")
    p.add_argument("--version", action="version", version=f"amlref {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    p.command_names = set(sub.choices)     # (see files_as_gui)
    return p


def open_library(args):
    from amlref.storage.library import Library
    from amlref.services.autoexport import attach
    lib = Library.open(getattr(args, "library", None) or None)
    attach(lib)  # auto-exports are rewritten once, after the command (see main)
    catch_up(lib, wait=False)
    return lib


def catch_up(lib, progress=None, wait: bool = True) -> None:
    """Index and classify what an import left (see services/indexing.py).  With ``wait`` False
    (before any command) it gives way to another program doing it right now (the window
    indexing a big import): the command then runs on what is indexed so far."""
    from amlref.services.indexing import catch_up as run, pending
    waiting = pending(lib)
    if not waiting:
        return
    if progress is None and sys.stderr.isatty() and waiting > 2000:
        def progress(done, total, message=""):
            sys.stderr.write(f"\r{message}: {done}/{total}   " + ("\n" if done >= total else ""))
    # (the text of attached PDFs only when asked to wait: not before every command)
    if run(lib, progress, give_way=not wait, fulltext=wait).get("busy"):
        sys.stderr.write(f"amlref: {waiting} new articles are still being indexed by another "
                         "program; search and categories do not include them yet\n")


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def files_as_gui(argv: list[str], parser) -> list[str]:
    """``amlref FILE...`` (a file manager's "Open with AMLRef") is ``amlref gui FILE...``: the
    window opens and imports them."""
    commands = parser.command_names
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "-":
        i += 2 if argv[i] == "--library" else 1
    if i < len(argv) and argv[i] not in commands and os.path.exists(argv[i]):
        return argv[:i] + ["gui"] + argv[i:]
    return argv


def main(argv: list[str] | None = None) -> int:
    # our own warnings (a disabled plugin ...) as one line; libraries' chatter (bibtexparser
    # logs every broken block, which the import report already lists) only when it is an error
    logging.basicConfig(level=logging.ERROR, format="amlref: %(message)s")
    logging.getLogger("amlref").setLevel(logging.WARNING)
    parser = build_parser()
    args = parser.parse_args(files_as_gui(sys.argv[1:] if argv is None else list(argv), parser))
    if not getattr(args, "command", None):
        from amlref.cli.library_cmds import cmd_gui
        args.func = cmd_gui
    try:
        code = int(args.func(args) or 0)
        from amlref.services.autoexport import flush_pending
        flush_pending()
        return code
    except AmlrefError as exc:
        sys.stderr.write(f"amlref: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("amlref: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback for a user
        if os.environ.get("AMLREF_DEBUG"):
            raise
        sys.stderr.write(f"amlref: internal error: {type(exc).__name__}: {exc} "
                         "(set AMLREF_DEBUG=1 for details)\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
