"""Where `adr serve` answers: the Host names a client may send for the address it listens on.

Django refuses a request whose Host header is not in ALLOWED_HOSTS ("Bad Request
(400)"). Listening on 0.0.0.0, clients send the machine's own address or name,
never `0.0.0.0`, so `adr serve` allows those for the run, and never `*` (which
would answer any name pointed at the machine: DNS rebinding).

The machine's addresses come from the standard library, no dependency and no
subprocess: what its host name resolves to (every system; on macOS that is the
LAN address), and on Linux the kernel's own lists, /proc/net/fib_trie (IPv4) and
/proc/net/if_inet6 (IPv6), because there the host name often resolves to
127.0.1.1 only. `ip -o addr` would say the same, but iproute2 is missing from
many containers; psutil is not a dependency.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from pathlib import Path

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_HOST_NAME = re.compile(r"[a-z0-9.-]{1,253}")  # what Django accepts as a Host name
LOOPBACK_NAMES = ("localhost",)


def fib_trie_addresses(text: str) -> list[Address]:
    """The local IPv4 addresses in /proc/net/fib_trie: each `|-- A` followed by `/32 host LOCAL`."""
    found: list[Address] = []
    last = ""
    for line in text.splitlines():
        entry = line.strip()
        if entry.startswith("|-- "):
            last = entry[4:]
        elif entry.startswith("/32 host LOCAL") and last:
            found += _addresses([last])
    return list(dict.fromkeys(found))


def if_inet6_addresses(text: str) -> list[Address]:
    """The IPv6 addresses in /proc/net/if_inet6: 32 hex digits, then index, flags and name."""
    fields = (line.split(maxsplit=1) for line in text.splitlines())
    hexes = [f[0] for f in fields if f and len(f[0]) == 32]
    found: list[Address] = []
    for digits in hexes:
        try:
            found.append(ipaddress.IPv6Address(int(digits, 16)))
        except ValueError:
            continue
    return found


def machine_addresses() -> list[Address]:
    """This machine's addresses: what its host name resolves to, and on Linux every interface's."""
    try:
        resolved = [str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)]
    except (OSError, UnicodeError):
        resolved = []
    found = _addresses(resolved)
    for path, parse in (
        ("/proc/net/fib_trie", fib_trie_addresses),
        ("/proc/net/if_inet6", if_inet6_addresses),
    ):
        try:
            found += parse(Path(path).read_text(encoding="ascii", errors="replace"))
        except OSError:
            continue  # not Linux, or /proc not mounted
    return list(dict.fromkeys(found))


def served_hosts(bind: str, addresses: Iterable[Address], hostname: str) -> list[str]:
    """The Host header values that reach a server listening on `bind`, as ALLOWED_HOSTS takes
    them (IPv6 in brackets). 0.0.0.0: every IPv4 address of the machine and its name; `::`
    (which takes IPv4 too): every address. Link-local addresses are left out: a browser
    needs an interface name with them, and Django takes none."""
    host = bind.strip().lower()
    try:
        listening: Address | None = ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        listening = None
    if listening is None:  # a name: the one clients use (localhost: the loopback addresses)
        if host in LOOPBACK_NAMES:
            return ["localhost", "127.0.0.1", "[::1]"]
        return [host] if _HOST_NAME.fullmatch(host) else []
    if not listening.is_unspecified:
        return (["localhost"] if listening.is_loopback else []) + [_as_host(listening)]
    usable = [
        address
        for address in dict.fromkeys([*addresses, ipaddress.ip_address("127.0.0.1")])
        if not address.is_link_local and (listening.version == 6 or address.version == 4)
    ]
    if listening.version == 6:
        usable.append(ipaddress.ip_address("::1"))
    ordered = sorted(
        dict.fromkeys(usable), key=lambda a: (not a.is_loopback, a.version, int(a))
    )  # loopback first, then IPv4, then IPv6
    names = ["localhost"]
    name = hostname.strip().lower()
    if _HOST_NAME.fullmatch(name) and name not in names:
        names.append(name)
    return [names[0], *map(_as_host, ordered), *names[1:]]


def _as_host(address: Address) -> str:
    return f"[{address}]" if address.version == 6 else str(address)


def _addresses(texts: Iterable[str]) -> list[Address]:
    found: list[Address] = []
    for text in texts:
        try:
            found.append(ipaddress.ip_address(text.split("%", 1)[0]))
        except ValueError:
            continue
    return found
