Two pull requests both added ADR 2; git merged both silently. `adr check` finds
it, `adr renumber` moves one to the next free number and mends the links.

  $ adr init >/dev/null
  $ adr new "Use PostgreSQL" --status accepted >/dev/null
  $ git add -A && git commit -qm "ADR 2" && git checkout -qb other
  $ adr new "Use Kafka" >/dev/null
  $ adr new "Partition Kafka topics by tenant" >/dev/null
  $ adr link 4 amends 0003-use-kafka.md >/dev/null
  $ git add -A && git commit -qm "Kafka" && git checkout -q main
  $ adr new "Use Redis" --supersedes 2 >/dev/null
  $ adr link 3 relates-to 1 >/dev/null
  $ git add -A && git commit -qm "Redis" && git merge -q --no-edit other
  $ adr list
      1  accepted    2026-11-21  Record architecture decisions
      2  superseded  2026-11-21  Use PostgreSQL
      3  proposed    2026-11-21  Use Kafka
      3  proposed    2026-11-21  Use Redis
      4  proposed    2026-11-21  Partition Kafka topics by tenant
  $ adr check
  adr/0003-use-kafka.md:1: error: number 3 is used by 2 files: adr/0003-use-kafka.md, adr/0003-use-redis.md; keep one and run 'adr renumber FILE' on the others
  adr/0003-use-redis.md:1: error: number 3 is used by 2 files: adr/0003-use-kafka.md, adr/0003-use-redis.md; keep one and run 'adr renumber FILE' on the others
  adr/0004-partition-kafka-topics-by-tenant.md:6: error: amends link to '3' is ambiguous: adr/0003-use-kafka.md, adr/0003-use-redis.md
  5 decisions: 3 errors, 0 warnings
  [1]
  $ adr renumber adr/0003-use-kafka.md
  adr/0003-use-kafka.md -> adr/0005-use-kafka.md
  adr/0004-partition-kafka-topics-by-tenant.md:6: note: refers to number 3, which still names the other file; change it to 5 if it meant adr/0005-use-kafka.md
  $ adr list
      1  accepted    2026-11-21  Record architecture decisions
      2  superseded  2026-11-21  Use PostgreSQL
      3  proposed    2026-11-21  Use Redis
      4  proposed    2026-11-21  Partition Kafka topics by tenant
      5  proposed    2026-11-21  Use Kafka
  $ tail -n +1 adr/0004-partition-kafka-topics-by-tenant.md | head -7
  ---
  status: proposed
  date: 2026-11-21
  deciders: []
  tags: []
  amends: [3]
  ---
  $ adr check
  5 decisions: 0 errors, 0 warnings

A reference that can only mean the moved file is rewritten with it.

  $ adr link 4 relates-to 5
  adr/0004-partition-kafka-topics-by-tenant.md: relates-to adr/0005-use-kafka.md
  $ adr renumber adr/0005-use-kafka.md
  adr/0005-use-kafka.md -> adr/0006-use-kafka.md
  updated adr/0004-partition-kafka-topics-by-tenant.md
  $ head -7 adr/0004-partition-kafka-topics-by-tenant.md
  ---
  status: proposed
  date: 2026-11-21
  deciders: []
  tags: []
  amends: [3]
  relates-to: [6]
  $ adr check
  5 decisions: 0 errors, 0 warnings
  $ adr renumber adr/0099-nothing.md
  adr: adr/0099-nothing.md: not a decision in adr/
  [1]
