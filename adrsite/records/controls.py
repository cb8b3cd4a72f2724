"""Control characters made visible: for terminals (escape sequences) and XML (which refuses them).

An ANSI colour code pasted from CI output, or a vertical tab in a title, is text a
committer wrote: printed raw it drives the reader's terminal, and XML 1.0 cannot
hold it at all. Shown as `\\x1b`, it is harmless and still says what was there.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls (a terminal reads \x9b as an escape too), lone surrogates
# (from undecodable bytes) and the two non-characters XML refuses. One class: linear.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def visible_controls(text: str, *, keep: str = "") -> str:
    """`text` with every control character but those in `keep` written as `\\xNN` (`\\uNNNN`)."""

    def visible(match: re.Match[str]) -> str:
        character = match[0]
        if character in keep:
            return character
        code = ord(character)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return _CONTROL.sub(visible, text)
