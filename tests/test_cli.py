"""The `adr` parser itself: every command and option explained, mistakes answered helpfully."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from importlib.metadata import version

import pytest

from adrsite.cli import build_parser


def parsers(parser: argparse.ArgumentParser, path: str = "adr") -> Iterator[tuple[str, object]]:
    """Every (command path, parser) under `parser`: itself, then its sub-commands, however deep."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, f"{path} {name}")


def unexplained(parser: argparse.ArgumentParser, path: str) -> list[str]:
    """What `parser` shows in its help without a line saying what it is."""
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helped = {choice.dest for choice in action._choices_actions if choice.help}
            for name, sub in action.choices.items():
                # An alias shares its parser with a named, explained command.
                if not any(action.choices[known] is sub for known in helped):
                    missing.append(f"{path} {name}")
        elif action.help != argparse.SUPPRESS and not (action.help or "").strip():
            missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    return missing


def test_every_command_and_every_option_of_every_command_has_a_help_line():
    found = list(parsers(build_parser()))
    assert len(found) > 10  # the walk reaches the sub-commands
    missing = [item for path, parser in found for item in unexplained(parser, path)]
    assert missing == []


def test_the_help_walk_finds_an_option_or_a_command_without_help():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands.choices["serve"].add_argument("--bare")
    commands.add_parser("silent")
    missing = [item for path, sub in parsers(parser) for item in unexplained(sub, path)]
    assert missing == ["adr silent", "adr serve --bare"]


def test_adr_version_prints_the_installed_packages_version(capsys):
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"adr {version('adrsite')}\n"


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["stauts"],
            "adr: error: argument COMMAND: invalid choice: 'stauts' (did you mean 'status'?)",
        ),
        (["lsit"], "adr: error: argument COMMAND: invalid choice: 'lsit' (did you mean 'list'?)"),
        (
            ["check", "--format", "jsno"],
            "adr check: error: argument --format: invalid choice: 'jsno' (did you mean 'json'?)",
        ),
    ],
)
def test_a_mistyped_choice_gets_the_closest_name_and_exit_2(capsys, argv, error):
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args(argv)
    assert exit.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == error


def test_a_choice_like_none_keeps_argparses_list_of_choices(capsys):
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args(["zzzz"])
    assert exit.value.code == 2
    assert "invalid choice: 'zzzz' (choose from " in capsys.readouterr().err
