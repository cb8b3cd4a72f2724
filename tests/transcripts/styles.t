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
  doc/adr/0002-use-hexagonal-architecture.md:9: warning: 3 sections still as the template wrote them ('Context', 'Decision', 'Consequences'); write this decision's own text, or remove them
  doc/adr/0003-use-clean-architecture.md:13: warning: 3 sections still as the template wrote them ('Context', 'Decision', 'Consequences'); write this decision's own text, or remove them
  3 decisions: 0 errors, 2 warnings

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
  $ adr show 2 | sed -n 3p
    status:        superseded (superseded by [ADR-0003](003-use-sqlite.md))
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
  3 decisions: 0 errors, 0 warnings

Bold metadata stays bold, and an adr-tools status section ends with one status.

  $ printf -- '# Use GraphQL\n\n- **Status**: **superseded by [ADR-0003](003-use-sqlite.md)**\n\n## Context\n' > docs/adr/004-use-graphql.md
  $ adr status 4 rejected
  docs/adr/004-use-graphql.md: superseded -> rejected
  $ head -4 docs/adr/004-use-graphql.md
  # Use GraphQL
  
  - **Status**: **rejected**
  - **Date**: **2026-11-21**
  $ rm -r docs && mkdir -p doc/adr
  $ printf -- '# 1. A\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\nSuperseded by [2. B](0002-b.md)\n\nAmends [2. B](0002-b.md)\n\n## Context\n' > doc/adr/0001-a.md
  $ adr status 1 deprecated
  doc/adr/0001-a.md: superseded -> deprecated
  $ sed -n 5,12p doc/adr/0001-a.md
  ## Status
  
  Deprecated
  
  Amends [2. B](0002-b.md)
  
  ## Context

A log4brains folder of date-named files gets another date-named file.

  $ rm -r doc && mkdir -p docs/adr
  $ printf -- '# Use Markdown\n\n- Status: accepted\n- Date: 2020-09-26\n\n## Context\n' > docs/adr/20200926-use-markdown.md
  $ adr new Use Redis --supersedes 20200926-use-markdown.md
  docs/adr/20261121-use-redis.md
  $ head -4 docs/adr/20200926-use-markdown.md
  # Use Markdown
  
  - Status: superseded by [Use Redis](20261121-use-redis.md)
  - Date: 2026-11-21
  $ tail -1 docs/adr/20261121-use-redis.md
  * Supersedes [Use Markdown](20200926-use-markdown.md)
