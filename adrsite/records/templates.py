"""Records layer: the templates `adr init` and `adr new` write when a folder has none of its own."""

from __future__ import annotations

from adrsite.records.model import STYLE_ADR_TOOLS, STYLE_MADR, STYLE_MADR2

# Ours: MADR 4 with front matter. `adr init` copies it to the folder's template.md,
# where a team can change it; `adr new` then uses the folder's copy.
MADR = """\
---
status: proposed
date: YYYY-MM-DD
deciders: []
tags: []
---
# TITLE

## Context and problem statement

*What is the problem, and why does it need a decision now? Two or three sentences, with the forces at play.*

## Considered options

* Option one
* Option two

### Option one

* Good, because …
* Bad, because …

### Option two

* Good, because …
* Bad, because …

## Decision outcome

*Chosen option: "…", because … (the one or two reasons that decided it).*

## Consequences

* Good, because …
* Bad, because …
"""

# log4brains' MADR 2 layout, for folders written that way.
MADR2 = """\
# TITLE

* Status: proposed
* Date: DATE

## Context and Problem Statement

## Considered Options

## Decision Outcome

## Links
"""

# adr-tools' own template (Michael Nygard's format).
ADR_TOOLS = """\
# NUMBER. TITLE

Date: DATE

## Status

STATUS

## Context

The issue motivating this decision, and any context that influences or constrains the decision.

## Decision

The change that we're proposing or have agreed to implement.

## Consequences

What becomes easier or more difficult to do and any risks introduced by the change that will need to be mitigated.
"""

BY_STYLE = {STYLE_MADR: MADR, STYLE_MADR2: MADR2, STYLE_ADR_TOOLS: ADR_TOOLS}

FIRST_DECISION = """\
---
status: accepted
date: DATE
deciders: []
tags: [architecture]
---
# Record architecture decisions

## Context and problem statement

We make decisions about this system's architecture every week, and the reasons
behind them are lost: in chat threads, in meetings, in the heads of people who
move on. New people cannot tell a deliberate choice from an accident, so they
either follow it blindly or undo it without knowing what it cost.

## Considered options

* Architecture decision records in the repository
* A wiki page per decision
* No written record

### Architecture decision records in the repository

* Good, because a decision is written, reviewed and merged in the same pull request as the code it shapes.
* Good, because its history is in git: who proposed it, who accepted it, and when.
* Bad, because it asks for a page of writing per significant decision.

### A wiki page per decision

* Good, because anyone can edit it.
* Bad, because it drifts from the code and nobody reviews it.

### No written record

* Good, because it costs nothing today.
* Bad, because it costs the most later.

## Decision outcome

Chosen option: "Architecture decision records in the repository", as Michael
Nygard described them: one short Markdown file per decision in this folder,
numbered, with a status (proposed, accepted, rejected, deprecated, superseded).
Write them with `adr new`; `adr check` keeps them consistent in CI.

## Consequences

* Good, because the why of the system is kept next to the what.
* Bad, because a decision that is not written down here is not a decision we can point to.
"""
