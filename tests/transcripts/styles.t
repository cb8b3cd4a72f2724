Writing keeps the style of the folder: an adr-tools folder gets `## Status`
lines, a log4brains (MADR 2) folder gets `* Status:` bullets, and three-digit
or `adr-` prefixed names keep their pattern.

  $ mkdir -p doc/adr
  $ cat > doc/adr/0001-record-architecture-decisions.md <<'MD'
  > # 1. Record architecture decisions
  > 
  > Date: 2020-09-01
  > 
  > ## Status
  > 
  > Accepted
  > 
  > ## Context
  > 
  > We need to record decisions.
  > MD
  $ adr new Use hexagonal architecture
  doc/adr/0002-use-hexagonal-architecture.md
  $ adr new Use clean architecture --supersedes 2
  doc/adr/0003-use-clean-architecture.md
  $ cat doc/adr/0003-use-clean-architecture.md
  # 3. Use clean architecture
  
  Date: 2026-11-21
  
  ## Status
  
  Proposed
  
  Supersedes [2. Use hexagonal architecture](0002-use-hexagonal-architecture.md)
  
  ## Context
  
  The issue motivating this decision, and any context that influences or constrains the decision.
  
  ## Decision
  
  The change that we're proposing or have agreed to implement.
  
  ## Consequences
  
  What becomes easier or more difficult to do and any risks introduced by the change that will need to be mitigated.
  $ head -8 doc/adr/0002-use-hexagonal-architecture.md
  # 2. Use hexagonal architecture
  
  Date: 2026-11-21
  
  ## Status
  
  Superseded by [3. Use clean architecture](0003-use-clean-architecture.md)
  
  $ adr link 3 amends 1
  doc/adr/0003-use-clean-architecture.md: amends doc/adr/0001-record-architecture-decisions.md
  $ sed -n 5,10p doc/adr/0001-record-architecture-decisions.md
  ## Status
  
  Accepted
  
  Amended by [3. Use clean architecture](0003-use-clean-architecture.md)
  
  $ adr status 3 accepted
  doc/adr/0003-use-clean-architecture.md: proposed -> accepted
  $ sed -n 1,12p doc/adr/0003-use-clean-architecture.md
  # 3. Use clean architecture
  
  Date: 2026-11-21
  
  ## Status
  
  Accepted
  
  Supersedes [2. Use hexagonal architecture](0002-use-hexagonal-architecture.md)
  
  Amends [1. Record architecture decisions](0001-record-architecture-decisions.md)
  
  $ adr check
  3 decisions: 0 errors, 0 warnings

A log4brains folder, three-digit names:

  $ rm -r doc
  $ mkdir -p docs/adr
  $ cat > docs/adr/001-use-markdown.md <<'MD'
  > # Use Markdown Architectural Decision Records
  > 
  > * Status: accepted
  > * Deciders: Ada, Grace
  > * Date: 2020-01-02
  > 
  > ## Context and Problem Statement
  > 
  > Which format?
  > MD
  $ adr new Use PostgreSQL --tag database
  docs/adr/002-use-postgresql.md
  $ cat docs/adr/002-use-postgresql.md
  # Use PostgreSQL
  
  * Status: proposed
  * Date: 2026-11-21
  * Tags: database
  
  ## Context and Problem Statement
  
  ## Considered Options
  
  ## Decision Outcome
  
  ## Links
  $ adr new Use SQLite --supersedes 2
  docs/adr/003-use-sqlite.md
  $ head -4 docs/adr/002-use-postgresql.md
  # Use PostgreSQL
  
  * Status: superseded by [ADR-0003](003-use-sqlite.md)
  * Date: 2026-11-21
  $ tail -3 docs/adr/003-use-sqlite.md
  ## Links
  
  * Supersedes [ADR-0002](002-use-postgresql.md)
  $ adr status 1 deprecated
  docs/adr/001-use-markdown.md: accepted -> deprecated
  $ head -5 docs/adr/001-use-markdown.md
  # Use Markdown Architectural Decision Records
  
  * Status: deprecated
  * Deciders: Ada, Grace
  * Date: 2026-11-21
  $ adr check
  docs/adr/001-use-markdown.md:1: warning: file name should be NNNN-slug.md (four digits, lowercase words joined by hyphens)
  docs/adr/002-use-postgresql.md:1: warning: file name should be NNNN-slug.md (four digits, lowercase words joined by hyphens)
  docs/adr/003-use-sqlite.md:1: warning: file name should be NNNN-slug.md (four digits, lowercase words joined by hyphens)
  3 decisions: 0 errors, 3 warnings
