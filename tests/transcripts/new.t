`adr new` writes the next number from the folder's template, status proposed,
and prints the path (so `$EDITOR $(adr new ...)` works).

  $ adr init >/dev/null
  $ adr new Use Redis for sessions
  adr/0002-use-redis-for-sessions.md
  $ cat adr/0002-use-redis-for-sessions.md
  ---
  status: proposed
  date: 2026-11-21
  deciders: []
  tags: []
  ---
  # Use Redis for sessions
  
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

Options: a status, tags; titles become ASCII slugs.

  $ adr new "Café: ship the über-cache" --status accepted --tag caching --tag performance
  adr/0003-cafe-ship-the-uber-cache.md
  $ head -7 adr/0003-cafe-ship-the-uber-cache.md
  ---
  status: accepted
  date: 2026-11-21
  deciders: []
  tags: [caching, performance]
  ---
  # Café: ship the über-cache
  $ adr new "Nothing" --status maybe
  adr: unknown status 'maybe' (choose proposed, accepted, rejected, deprecated, superseded)
  [1]
  $ adr new "   "
  adr: a new decision needs a title: adr new "Use PostgreSQL"
  [1]

`--supersedes` marks every old decision superseded, in the same change.

  $ adr new "Use Valkey for sessions" --supersedes 2 --supersedes 3
  adr/0004-use-valkey-for-sessions.md
  $ head -8 adr/0004-use-valkey-for-sessions.md
  ---
  status: proposed
  date: 2026-11-21
  deciders: []
  tags: []
  supersedes: [2, 3]
  ---
  # Use Valkey for sessions
  $ head -4 adr/0002-use-redis-for-sessions.md
  ---
  status: superseded
  date: 2026-11-21
  deciders: []
  $ head -4 adr/0003-cafe-ship-the-uber-cache.md
  ---
  status: superseded
  date: 2026-11-21
  deciders: []
  $ adr check
  adr/0002-use-redis-for-sessions.md:9: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0003-cafe-ship-the-uber-cache.md:9: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0004-use-valkey-for-sessions.md:10: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  4 decisions: 0 errors, 3 warnings
  $ adr new "Supersede nothing" --supersedes 42
  adr: no decision '42' (try 'adr list')
  [1]

The folder's own template.md is used when it has one.

  $ printf -- '---\nstatus: proposed\ndate: YYYY-MM-DD\nowner: platform\n---\n# TITLE\n\nWhy?\n' > adr/template.md
  $ adr new Use our template
  adr/0005-use-our-template.md
  $ cat adr/0005-use-our-template.md
  ---
  status: proposed
  date: 2026-11-21
  owner: platform
  ---
  # Use our template
  
  Why?

$VISUAL or $EDITOR opens the new file, as adr-tools does.

  $ EDITOR="echo editing" adr new Edit me
  adr/0006-edit-me.md
  editing $TMP/repo/adr/0006-edit-me.md

An editor that cannot start does not undo the work: the file is written, so it is
a warning and the command succeeds.

  $ EDITOR=no-such-editor adr new No editor
  adr/0007-no-editor.md
  adr: warning: cannot start $EDITOR ('no-such-editor'): No such file or directory; the decision is written
  $ VISUAL='vim "' adr new Bad quoting
  adr/0008-bad-quoting.md
  adr: warning: cannot start $VISUAL ('vim "'): No closing quotation; the decision is written
  $ ls adr/0007-no-editor.md adr/0008-bad-quoting.md && rm adr/0007-no-editor.md adr/0008-bad-quoting.md
  adr/0007-no-editor.md
  adr/0008-bad-quoting.md

A new file is named as most of the folder's files are, whatever the latest one
looks like: prefix and its case, digits, separators, the words' case.

  $ mkdir forms && cd forms
  $ printf -- '# ADR044: Use forms-api\n\n## Status\n\nAccepted\n' > ADR044-Use-Forms-API.md
  $ printf -- '# ADR045: Remove forms-api\n\n## Status\n\nAccepted\n' > ADR045-Remove-Forms-API.md
  $ printf -- '# ADR046: Use GraphQL\n\n## Status\n\nAccepted\n' > adr-46-use-graphql.md
  $ adr new --dir . Use the forms API again
  forms/ADR047-Use-The-Forms-Api-Again.md
  $ adr check --dir .
  forms/ADR047-Use-The-Forms-Api-Again.md:9: warning: 3 sections still as the template wrote them ('Context', 'Decision', 'Consequences'); write this decision's own text, or remove them
  forms/adr-46-use-graphql.md:1: warning: file name should follow this folder's convention ADRNNN-Slug-Words.md (as 3 of 4 files do); it has the prefix 'adr-' (expected 'ADR'), a 2-digit number (expected 3 digits), words in lowercase (expected title case)
  4 decisions: 0 errors, 2 warnings
  $ cd .. && mkdir dated && cd dated
  $ printf -- '# Use Markdown\n\n- Status: accepted\n- Date: 2020-09-26\n' > 2020-09-26-use_markdown.md
  $ adr new --dir . Use Redis
  dated/2026-11-21-use_redis.md

A folder of unnumbered names gets another; its number, if its titles carry one.

  $ cd .. && mkdir plain && cd plain
  $ printf -- '# 1. Use X\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n' > use-x.md
  $ adr new --dir . Use Y --supersedes 1
  plain/use-y.md
  $ head -1 use-y.md && grep Superseded use-x.md
  # 2. Use Y
  Superseded by [2. Use Y](use-y.md)

When the decision it supersedes cannot be marked so that it reads back, nothing
is written, the new decision neither.

  $ printf -- '```\n# 3. Use Z\n\n## Status\n\nAccepted\n' > use-z.md
  $ adr new --dir . Use W --supersedes use-z.md
  adr: plain/use-z.md:2: cannot set the status to superseded: the edit would not be read back (it would be in a code block: is a ``` left open above?) (file not changed)
  [1]
  $ ls
  use-x.md
  use-y.md
  use-z.md
  $ printf -- '```\n# NUMBER. TITLE\n\n## Status\n\nSTATUS\n' > template.md
  $ adr new --dir . Use V
  adr: plain/use-v.md:2: cannot set the status to proposed: the edit would not be read back (it would be in a code block: is a ``` left open above?) (from the template; nothing written)
  [1]
  $ ls
  template.md
  use-x.md
  use-y.md
  use-z.md
