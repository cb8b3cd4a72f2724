"""Records layer: the words real ADR folders use for statuses and links, mapped onto ours."""

from __future__ import annotations

import functools
import re
import unicodedata

# Status words seen in real folders, mapped onto the five statuses. Keys are
# matched against the start of the cleaned, lowercased status text, longest first,
# so "Accepted (PR #2897)" and "Rejected in favour of ADR 111" map too.
# The word lists read better as paragraphs than one word a line.
# fmt: off
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "proposed", "proposal", "draft", "pending", "open", "new", "suggested",
            "in review", "under review", "in discussion", "under discussion",
            "in progress", "work in progress", "wip", "rfc", "todo", "to do",
        ],
        "proposed",
    ),
    **dict.fromkeys(
        [
            "accepted", "approved", "adopted", "agreed", "decided", "implemented",
            "done", "active", "in effect", "effective", "final", "complete", "completed",
            "confirmed", "current", "in force", "valid",
            # Partly superseded decisions still partly hold: they stay in force (and
            # on the rules page); the original words are kept for display.
            "partly superseded", "partially superseded",
        ],
        "accepted",
    ),
    **dict.fromkeys(
        [
            "rejected", "declined", "refused", "not accepted", "not approved",
            "abandoned", "withdrawn", "dropped", "cancelled", "canceled", "discarded",
            "won't do", "wont do", "wontfix",
        ],
        "rejected",
    ),
    **dict.fromkeys(
        [
            # A reverted decision was in force and no longer is, with no successor.
            "deprecated", "obsolete", "retired", "reverted", "archived", "outdated",
            "no longer valid", "no longer applies", "expired", "sunset",
        ],
        "deprecated",
    ),
    **dict.fromkeys(
        ["superseded", "superceded", "superseeded", "replaced", "overridden", "overruled"],
        "superseded",
    ),
}
# fmt: on
_STATUS_KEYS = sorted(STATUS_WORDS, key=len, reverse=True)

# Link verbs as written ("Superseded by", "Amends", "Relates to") → our link kinds.
LINK_VERBS: dict[str, str] = {
    "supersedes": "supersedes",
    "supercedes": "supersedes",
    "replaces": "supersedes",
    "superseded by": "superseded-by",
    "superceded by": "superseded-by",
    "replaced by": "superseded-by",
    "amends": "amends",
    "amended by": "amended-by",
    "extends": "extends",
    "extended by": "extended-by",
    "refines": "refines",
    "refined by": "refined-by",
    "clarifies": "clarifies",
    "clarified by": "clarified-by",
    "depends on": "depends-on",
    "required by": "required-by",
    "relates to": "relates-to",
    "related to": "relates-to",
    "related": "relates-to",
    "see also": "relates-to",
}

# Each kind and the kind the other side reads it as. A link declared on either
# side shows on both; relates-to is its own reverse.
REVERSE_KIND: dict[str, str] = {
    "supersedes": "superseded-by",
    "amends": "amended-by",
    "extends": "extended-by",
    "refines": "refined-by",
    "clarifies": "clarified-by",
    "depends-on": "required-by",
    "relates-to": "relates-to",
}
FORWARD_KINDS = frozenset(REVERSE_KIND)  # how links are read: "supersedes", never "superseded-by"
REVERSE_KIND.update({reverse: kind for kind, reverse in list(REVERSE_KIND.items())})

# Quotes and underscores only at a word's edge: "won't do" and "john_doe" keep theirs.
# The last branch, a run after a word, ends at the run's end or before its last
# quote; it starts only where a run starts (or at a quote, where an earlier match
# ended), so a long run of "_" inside a word is scanned once, not from each "_".
_DECORATION = re.compile(r"[*`~>\[\]\"]+|(?<!\w)['_]+|(?:(?<!_)|(?='))(?:['_]++(?!\w)|['_]+(?='))")
_SPACES = re.compile(r"\s+")


_STRUCK = re.compile(r"~~.*?~~")


_SYMBOLS = frozenset({"So", "Sk", "Cf", "Co", "Cs", "Mn"})  # emoji, joiners, variation selectors


def clean_text(text: str) -> str:
    """Strip what decorates a status line: emoji, bold, code, quotes, bullets."""
    # Most lines are ASCII and carry no emoji: skip the per-character look-up (the hot path).
    kept = (
        text
        if text.isascii()
        else "".join(ch for ch in text if unicodedata.category(ch) not in _SYMBOLS)
    )
    kept = _DECORATION.sub(" ", kept.replace("\u2018", "'").replace("\u2019", "'"))
    kept = kept.strip().lstrip("-+•").strip()
    return _SPACES.sub(" ", kept)


@functools.lru_cache(maxsize=4096)  # the same few status lines, revision after revision
def status_word(text: str) -> tuple[str, str]:
    """Map status text onto a status; return (status or "", the rest after the word).

    `text` is cleaned first: "✅ **Accepted** (PR #2897)" gives ("accepted", "(PR #2897)").
    """
    cleaned = clean_text(_STRUCK.sub(" ", text))  # "~~Proposed~~ Accepted" is accepted
    lowered = cleaned.lower().replace("_", " ")
    if lowered.startswith("status:"):
        cleaned = cleaned[len("status:") :].strip()
        lowered = cleaned.lower().replace("_", " ")
    for key in _STATUS_KEYS:
        if lowered.startswith(key) and (
            len(lowered) == len(key) or not lowered[len(key)].isalpha()
        ):
            return STATUS_WORDS[key], cleaned[len(key) :].strip(" :-\u2013\u2014,.")
    return "", cleaned


# How a template lists the statuses to choose from: "Accepted or Rejected",
# "proposed | accepted | …", "Valid ADR statuses are: ...". Plain alternations
# of literals: linear on any line.
_CHOICE_SEPARATOR = re.compile(r"\||/|,|;|\bor\b", re.IGNORECASE)
_CHOICE_INTRO = re.compile(
    r"\b(?:one of|either|statuses|choose|pick|select|options|possible values)\b", re.IGNORECASE
)
_LINK_TARGET = re.compile(r"\]\([^)\]]*\)")  # "](0005-x.md)": stops at the next ] or )
_WORD = re.compile(r"[a-z]+")
_FILLER = frozenset({"", "etc", "...", "…", "and so on", "others"})
_WRAPPERS = {"{": "}", "[": "]", "<": ">"}
_NOT_A_CHOICE = frozenset({"valid", "status"})  # words an introduction may use before the list


def status_placeholder(text: str) -> bool:
    """Whether status text is a template's list of statuses to choose from, not a status.

    A placeholder offers two or more different statuses: joined by "or", "|",
    "/", "," with nothing else ("Accepted or Rejected", "proposed, accepted,
    etc."), wrapped in {}, [] or <> ("{proposed | rejected | accepted}"), or
    after words like "one of" and "valid statuses are". A real status says one:
    "Accepted, with the changes below", "Deprecated, superseded by ADR 5".
    """
    stripped = _STRUCK.sub(" ", text).strip().strip("*_`'\" \t")
    if stripped[:1] in _WRAPPERS and stripped.endswith(_WRAPPERS[stripped[:1]]):
        stripped = stripped[1:-1]
    plain = clean_text(_LINK_TARGET.sub(" ", stripped)).lower().replace("_", " ")
    plain = plain.removeprefix("status:").strip()
    intro = _CHOICE_INTRO.search(plain)
    if intro:
        before = set(_WORD.findall(plain[: intro.start()])) - _NOT_A_CHOICE
        after = {STATUS_WORDS.get(word) for word in _WORD.findall(plain[intro.end() :])}
        return not (before & STATUS_WORDS.keys()) and len(after - {None}) >= 2
    offered = set()
    for part in _CHOICE_SEPARATOR.split(plain):
        choice = part.strip(" .:!?()").removeprefix("and ").strip()
        if choice in STATUS_WORDS:
            offered.add(STATUS_WORDS[choice])
        elif choice not in _FILLER and not _superseded_by(choice):
            return False  # words that are no status: a real status line
    return len(offered) >= 2


# The indexer meets the same few status lines revision after revision; short ones
# are remembered, so memory stays bounded whatever a hostile line holds.
_remembered_placeholder = functools.lru_cache(maxsize=4096)(status_placeholder)


def is_status_placeholder(text: str) -> bool:
    """`status_placeholder`, remembered for short lines."""
    return _remembered_placeholder(text) if len(text) <= 512 else status_placeholder(text)


def _superseded_by(text: str) -> bool:
    """ "superseded by ADR-0005", the choice templates end their lists with."""
    status, rest = status_word(text)
    return bool(status) and rest.lower().startswith("by ")


@functools.lru_cache(maxsize=4096)  # a handful of verbs, met on most lines of a preamble
def link_kind(verb: str) -> str:
    """Normalise a link verb ("Amended by", "relates-to") to a kind ("amended-by")."""
    words = clean_text(verb).lower().replace("-", " ").replace("_", " ").strip(" :")
    words = _SPACES.sub(" ", words)
    return LINK_VERBS.get(words, words.replace(" ", "-"))


# "[space and/or comma separated list of tags]": one bracketed phrase, no link after it.
_BRACKETED = re.compile(r"\[([^\[\]]*+)\]")


def is_placeholder_value(value: str) -> bool:
    """A MADR 2 / log4brains template's placeholder left as it was, not a value.

    Its templates write `Tags: [space and/or comma separated list of tags]` and
    `Deciders: [list everyone involved in the decision]`: a bracketed phrase of
    four words or more with no comma. A list someone wrote in brackets names
    its items with commas ("[Nicole, Santiago]"), or is short ("[Ada Lovelace]").
    """
    match = _BRACKETED.fullmatch(value.strip())
    return match is not None and "," not in match[1] and len(match[1].split()) >= 4
