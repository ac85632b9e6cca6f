"""README.md's command list says what ``amlref --help`` has: every command of the real argparse
parser, each of its actions (sub-commands or an action word) and each of its options, and no
command that is not there; so the list cannot drift from the code again."""
from __future__ import annotations

import argparse
import re

import pytest

from amlref.cli.main import build_parser
from support import ROOT


def _command_block() -> str:
    """The code block of the README's "## Command line" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    m = re.search(r"^```[^\n]*\n(.*?)^```", section, re.S | re.M)
    assert m, "no code block in the README's command-line section"
    return m.group(1)


def _segments(block: str) -> dict[str, str]:
    """Command -> the README's text about it: each ``amlref WORD`` up to the next ``amlref``
    (continuation lines included); VIEW written out as the block defines it."""
    view = re.search(r"^VIEW[^:]*:(.*?)\n\n", block, re.S | re.M)
    out: dict[str, str] = {}
    for m in re.finditer(r"\bamlref ((?:\[--library PATH\] )?)([a-z][a-z-]*)(.*?)(?=\bamlref\b|\Z)",
                         block, re.S):
        words = m.group(3)
        if view and re.search(r"\bVIEW\b", words):
            words += " " + view.group(1)
        out[m.group(2)] = out.get(m.group(2), "") + " " + words
    return out


def _subparsers(parser) -> dict[str, argparse.ArgumentParser]:
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            return dict(a.choices)
    return {}


def _commands() -> dict[str, argparse.ArgumentParser]:
    return _subparsers(build_parser())


def _actions(parser) -> list[str]:
    """The parser's sub-commands, or the choices of its positional action word."""
    subs = list(_subparsers(parser))
    words = [c for a in parser._actions if not a.option_strings and a.choices
             and not isinstance(a, argparse._SubParsersAction) for c in a.choices]
    return subs + words


def _options(parser) -> list[tuple[str, ...]]:
    """Each option (its names: ``("-o", "--output")``), with the options of its sub-commands."""
    out = []
    for a in parser._actions:
        if a.option_strings and not isinstance(a, argparse._HelpAction):
            out.append(tuple(a.option_strings))
    for sub in _subparsers(parser).values():
        out += [o for o in _options(sub) if o not in out]
    return out


def _word(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


COMMANDS = _commands()


def test_the_block_is_found_and_names_real_commands_only():
    seg = _segments(_command_block())
    assert len(seg) > 20
    assert sorted(set(seg) - set(COMMANDS)) == []     # nothing that is not a command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_its_actions_and_options_are_listed(name):
    seg = _segments(_command_block())
    assert name in seg, f"README's command list lacks 'amlref {name}'"
    parser = COMMANDS[name]
    assert [w for w in _actions(parser) if not _word(w, seg[name])] == [], name
    assert [o for o in _options(parser) if not any(_word(n, seg[name]) for n in o)] == [], name


def test_the_check_sees_what_is_missing():
    # a README without a command, an action or an option fails the checks above
    block = _command_block()
    seg = _segments(block.replace("amlref digest", "amlref  digest"))
    assert "digest" not in seg
    seg = _segments(block.replace("| add-citing NAME KEY...", ""))
    assert not _word("add-citing", seg["watch"])
    seg = _segments(block.replace("[--file-fields]", ""))
    assert not _word("--file-fields", seg["export"]) and _word("--facet", seg["export"])
