"""Records layer: a decision's summary, the first paragraph of its outcome (pure core)."""

from __future__ import annotations

from adrsite.records.scan import LIST_MARK, find_section, heading, outside_fences

_DECISION_SECTIONS = {"decision outcome", "decision"}
# A summary is two lines on the reading path: the paragraph is cut, at a word, past this.
SUMMARY_CHARACTERS = 240


def decision_summary(lines: list[str], start: int) -> str:
    """The first paragraph of the "Decision outcome" (or "Decision") section, on one line.

    Markdown as written (it is rendered where shown), cut at a word past
    SUMMARY_CHARACTERS, never inside a link or code span; "" without such a section.
    Plain string code: a paragraph may be one line of a megabyte.
    """
    section = find_section(lines, start, _DECISION_SECTIONS)
    if section is None:
        return ""
    words: list[str] = []
    size = 0
    in_comment = False
    previous = -1
    for index, line in outside_fences(lines, *section):
        text = line.strip()
        if words and (not text or index != previous + 1 or heading(line)):
            break  # the paragraph ends at a blank line, a heading or a code block
        previous = index
        if in_comment or text.startswith("<!--"):
            in_comment = "-->" not in text
            continue
        if not text or heading(line):
            continue
        text = LIST_MARK.sub("", text.lstrip(">").strip())
        for word in text.split():
            words.append(word)
            size += len(word) + 1
            if size > SUMMARY_CHARACTERS:
                return _cut_summary(" ".join(words))
    return " ".join(words)


def _cut_summary(text: str) -> str:
    """`text` cut to SUMMARY_CHARACTERS at a word, dropping a link or code span it would split."""
    cut = text[:SUMMARY_CHARACTERS]
    if " " in cut[SUMMARY_CHARACTERS // 2 :]:
        cut = cut[: cut.rindex(" ")]
    opened = cut.rfind("[")
    if opened > cut.rfind(")"):
        cut = cut[:opened]  # "[a link](cut off": the whole link goes
    if cut.count("`") % 2:
        cut = cut[: cut.rindex("`")]
    return cut.rstrip(" ,;:-\u2013\u2014*_") + "\u2026"
