`adr link` declares a typed link on one side; every reader shows it on both.

  $ adr init >/dev/null
  $ adr new "Use PostgreSQL" --status accepted --tag database >/dev/null
  $ adr new "Cache with Redis" --tag caching --tag database >/dev/null
  $ adr link 3 amends 2
  adr/0003-cache-with-redis.md: amends adr/0002-use-postgresql.md
  $ adr link 3 relates-to 1
  adr/0003-cache-with-redis.md: relates-to adr/0001-record-architecture-decisions.md
  $ adr link 3 "Relates to" 1
  adr/0003-cache-with-redis.md: relates-to adr/0001-record-architecture-decisions.md
  $ head -9 adr/0003-cache-with-redis.md
  ---
  status: proposed
  date: 2026-11-21
  deciders: []
  tags: [caching, database]
  amends: [2]
  relates-to: [1]
  ---
  # Cache with Redis
  $ adr link 2 amends 2
  adr: adr/0002-use-postgresql.md: a decision cannot link to itself
  [1]
  $ adr link 2 amends 9
  adr: no decision '9' (try 'adr list')
  [1]

`adr show` prints the metadata, links both ways, and the text.

  $ adr show 2 | head -8
  adr/0002-use-postgresql.md
  ADR 2: Use PostgreSQL
    status:        accepted
    date:          2026-11-21
    tags:          database
    amended by:    adr/0003-cache-with-redis.md
  
  # Use PostgreSQL
  $ adr show 0003-cache-with-redis.md | head -9
  adr/0003-cache-with-redis.md
  ADR 3: Cache with Redis
    status:        proposed
    date:          2026-11-21
    tags:          caching, database
    amends:        adr/0002-use-postgresql.md
    relates to:    adr/0001-record-architecture-decisions.md
  
  # Cache with Redis

`adr list` filters by status and tag; `--json` uses the export's field names.

  $ adr list
      1  accepted    2026-11-21  Record architecture decisions
      2  accepted    2026-11-21  Use PostgreSQL
      3  proposed    2026-11-21  Cache with Redis
  $ adr list --status accepted
      1  accepted    2026-11-21  Record architecture decisions
      2  accepted    2026-11-21  Use PostgreSQL
  $ adr list --tag database
      2  accepted    2026-11-21  Use PostgreSQL
      3  proposed    2026-11-21  Cache with Redis
  $ adr list --status Approved
      1  accepted    2026-11-21  Record architecture decisions
      2  accepted    2026-11-21  Use PostgreSQL
  $ adr list --status sometimes
  adr: unknown status 'sometimes' (choose proposed, accepted, rejected, deprecated, superseded)
  [1]
  $ adr list --tag caching --json
  {
    "decisions": [
      {
        "number": 3,
        "slug": "cache-with-redis",
        "path": "adr/0003-cache-with-redis.md",
        "title": "Cache with Redis",
        "status": "proposed",
        "status_text": "proposed",
        "date": "2026-11-21",
        "deciders": [],
        "tags": [
          "caching",
          "database"
        ],
        "supersedes": [],
        "superseded_by": [],
        "links": [
          {
            "kind": "amends",
            "path": "adr/0002-use-postgresql.md"
          },
          {
            "kind": "relates-to",
            "path": "adr/0001-record-architecture-decisions.md"
          }
        ],
        "problems": []
      }
    ]
  }

Only kinds every reader can find again are written; a typo is an error, not a
link that silently disappears.

  $ adr link 3 implements 2
  adr: unknown link kind 'implements' (choose amended-by, amends, clarified-by, clarifies, depends-on, extended-by, extends, refined-by, refines, relates-to, required-by, superseded-by, supersedes)
  [1]
  $ adr link 3 "" 2
  adr: unknown link kind '' (choose amended-by, amends, clarified-by, clarifies, depends-on, extended-by, extends, refined-by, refines, relates-to, required-by, superseded-by, supersedes)
  [1]
  $ adr link 3 "#x" 2
  adr: unknown link kind '#x' (choose amended-by, amends, clarified-by, clarifies, depends-on, extended-by, extends, refined-by, refines, relates-to, required-by, superseded-by, supersedes)
  [1]
  $ adr link 3 "Amended by" 2
  adr/0003-cache-with-redis.md: amended-by adr/0002-use-postgresql.md
  $ grep -n "amended-by" adr/0003-cache-with-redis.md
  8:amended-by: [2]

`adr link` to an adr-tools decision writes both sides, or neither when one
side cannot be written so that it reads back.

  $ printf -- '```\n# 5. Use Kafka\n\n## Status\n\nProposed\n' > adr/0005-use-kafka.md
  $ cp adr/0003-cache-with-redis.md before.md
  $ adr link 3 amends 5
  adr: adr/0005-use-kafka.md:7: cannot add the link 'amended-by adr/0003-cache-with-redis.md': the edit would not be read back (it would be in a code block: is a ``` left open above?) (file not changed)
  [1]
  $ cmp before.md adr/0003-cache-with-redis.md && echo unchanged
  unchanged
