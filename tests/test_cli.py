"""The `adr` parser itself: every command and option explained, mistakes answered helpfully."""

from __future__ import annotations

import argparse
import ipaddress
from collections.abc import Iterator
from importlib.metadata import version

import pytest

from adrsite.cli import build_parser
from adrsite.cli.addresses import (
    fib_trie_addresses,
    if_inet6_addresses,
    machine_addresses,
    served_hosts,
)


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


# --- where `adr serve` answers -----------------------------------------------------------

FIB_TRIE = """\
Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
        |-- 127.255.255.255
           /32 link BROADCAST
     +-- 192.168.1.0/24 2 0 2
           |-- 192.168.1.0
              /24 link UNICAST
           |-- 192.168.1.20
              /32 host LOCAL
Local:
     +-- 192.168.1.0/24 2 0 2
           |-- 192.168.1.20
              /32 host LOCAL
           |-- 10.9.8.7
              /32 host LOCAL
"""
IF_INET6 = """\
fd000000000000000000000000000002 04 40 00 82     eth0
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
00000000000000000000000000000001 01 80 10 80       lo
zz
"""


def test_the_kernels_lists_give_each_local_address_once_and_nothing_else():
    assert [str(a) for a in fib_trie_addresses(FIB_TRIE)] == [
        "127.0.0.1",
        "192.168.1.20",
        "10.9.8.7",
    ]  # not the network (/8, /24 UNICAST) nor the broadcast address
    assert [str(a) for a in if_inet6_addresses(IF_INET6)] == [
        "fd00::2",
        "fe80::fc:ff:fe00:1",
        "::1",
    ]
    assert fib_trie_addresses("|-- 999.1.1.1\n/32 host LOCAL\n" + "|-- " * 10_000) == []


def test_the_machines_addresses_include_loopback():
    assert ipaddress.ip_address("127.0.0.1") in machine_addresses()


MACHINE = [ipaddress.ip_address(a) for a in ("127.0.0.1", "192.168.1.20", "fd00::2", "fe80::1")]


@pytest.mark.parametrize(
    ("bind", "hosts"),
    [
        ("0.0.0.0", ["localhost", "127.0.0.1", "192.168.1.20", "box"]),
        ("[::]", ["localhost", "127.0.0.1", "[::1]", "192.168.1.20", "[fd00::2]", "box"]),
        ("::", ["localhost", "127.0.0.1", "[::1]", "192.168.1.20", "[fd00::2]", "box"]),
        ("127.0.0.1", ["localhost", "127.0.0.1"]),
        ("[::1]", ["localhost", "[::1]"]),
        ("localhost", ["localhost", "127.0.0.1", "[::1]"]),
        ("192.168.1.20", ["192.168.1.20"]),
        ("Box.example.com", ["box.example.com"]),
        ("*", []),  # no such host to listen on; and never a wildcard in ALLOWED_HOSTS
    ],
)
def test_adr_serve_allows_the_host_names_clients_send_for_the_address_it_listens_on(bind, hosts):
    assert served_hosts(bind, MACHINE, "BOX") == hosts


def test_a_host_name_django_would_refuse_is_not_offered():
    assert served_hosts("0.0.0.0", MACHINE, "my_box") == ["localhost", "127.0.0.1", "192.168.1.20"]
