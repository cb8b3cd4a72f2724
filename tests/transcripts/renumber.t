Two branches each added an ADR 3 ("Use Kafka" with an ADR 4 that amends it,
and "Use Redis"); git merged both without a conflict. `adr check` finds the
collision and the link it made ambiguous.

  $ adr init >/dev/null
  $ adr new "Use PostgreSQL" --status accepted >/dev/null
  $ git add -A && git commit -qm "ADR 2" && git checkout -qb kafka
  $ adr new "Use Kafka" >/dev/null
  $ adr new "Partition Kafka topics by tenant" >/dev/null
  $ adr link 4 amends 3
  adr/0004-partition-kafka-topics-by-tenant.md: amends adr/0003-use-kafka.md
  $ git add -A && git commit -qm "Kafka" && git checkout -q main
  $ adr new "Use Redis" --supersedes 2 >/dev/null
  $ git add -A && git commit -qm "Redis" && git merge -q --no-edit kafka
  $ adr list
      1  accepted    2026-11-21  Record architecture decisions
      2  superseded  2026-11-21  Use PostgreSQL
      3  proposed    2026-11-21  Use Kafka
      3  proposed    2026-11-21  Use Redis
      4  proposed    2026-11-21  Partition Kafka topics by tenant
  $ adr check
  adr/0002-use-postgresql.md:9: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0003-use-kafka.md:1: error: number 3 is used by 2 files: adr/0003-use-kafka.md, adr/0003-use-redis.md; keep one and run 'adr renumber FILE' on the others
  adr/0003-use-kafka.md:9: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0003-use-redis.md:1: error: number 3 is used by 2 files: adr/0003-use-kafka.md, adr/0003-use-redis.md; keep one and run 'adr renumber FILE' on the others
  adr/0003-use-redis.md:10: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0004-partition-kafka-topics-by-tenant.md:6: error: amends link to '3' is ambiguous: adr/0003-use-kafka.md, adr/0003-use-redis.md
  adr/0004-partition-kafka-topics-by-tenant.md:10: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  5 decisions: 3 errors, 4 warnings
  [1]

`adr renumber` moves one to the next free number. ADR 4's `amends: [3]` was
written when 3 was Kafka (git knows: that is what 3 named at ADR 4's last
commit), so it follows Kafka to 5.

  $ adr renumber adr/0003-use-kafka.md
  adr/0003-use-kafka.md -> adr/0005-use-kafka.md
  updated adr/0004-partition-kafka-topics-by-tenant.md
  $ adr list
      1  accepted    2026-11-21  Record architecture decisions
      2  superseded  2026-11-21  Use PostgreSQL
      3  proposed    2026-11-21  Use Redis
      4  proposed    2026-11-21  Partition Kafka topics by tenant
      5  proposed    2026-11-21  Use Kafka
  $ head -7 adr/0004-partition-kafka-topics-by-tenant.md
  ---
  status: proposed
  date: 2026-11-21
  deciders: []
  tags: []
  amends: [5]
  ---
  $ adr check
  adr/0002-use-postgresql.md:9: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0003-use-redis.md:10: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0004-partition-kafka-topics-by-tenant.md:10: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0005-use-kafka.md:9: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  5 decisions: 0 errors, 4 warnings
  $ git add -A && git commit -qm "Renumber Kafka"

A reference that can only mean the moved file is rewritten with it; links by
file name are always mended, and so is the folder's index.

  $ adr toc >/dev/null
  $ adr link 3 relates-to 0005-use-kafka.md
  adr/0003-use-redis.md: relates-to adr/0005-use-kafka.md
  $ printf -- 'See [Kafka](0005-use-kafka.md).\n' >> adr/0002-use-postgresql.md
  $ adr renumber adr/0005-use-kafka.md
  adr/0005-use-kafka.md -> adr/0006-use-kafka.md
  updated adr/0002-use-postgresql.md
  updated adr/0003-use-redis.md
  updated adr/0004-partition-kafka-topics-by-tenant.md
  updated adr/README.md
  $ head -8 adr/0004-partition-kafka-topics-by-tenant.md | tail -3
  amends: [6]
  ---
  # Partition Kafka topics by tenant
  $ grep -h "use-kafka" adr/0002-use-postgresql.md adr/README.md
  See [Kafka](0006-use-kafka.md).
  | 6 | [Use Kafka](0006-use-kafka.md) | proposed | 2026-11-21 |
  $ adr check
  adr/0002-use-postgresql.md:9: warning: 5 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome'); write this decision's own text, or remove them
  adr/0003-use-redis.md:11: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0004-partition-kafka-topics-by-tenant.md:10: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0006-use-kafka.md:9: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  5 decisions: 0 errors, 4 warnings

When git cannot tell what a number meant (the referring file changed since
its last commit), the number is left alone, with a note. `--against` also
skips the numbers the target branch uses.

  $ git add -A && git commit -qm "Renumber Kafka again"
  $ adr new "Use Valkey" >/dev/null
  $ mv adr/0007-use-valkey.md adr/0006-use-valkey.md
  $ adr status 4 accepted >/dev/null
  $ adr check | tail -1
  6 decisions: 4 errors, 5 warnings
  $ adr renumber adr/0006-use-valkey.md --against main
  adr/0006-use-valkey.md -> adr/0007-use-valkey.md
  adr/0004-partition-kafka-topics-by-tenant.md:6: note: number 6 now names the other file; change it to 7 if it meant adr/0007-use-valkey.md
  updated adr/README.md
  $ adr renumber adr/0099-nothing.md
  adr: adr/0099-nothing.md: not a decision in adr/
  [1]
  $ printf -- '---\nstatus: accepted\n---\n# Dated\n' > adr/20260101-dated.md
  $ adr renumber adr/20260101-dated.md
  adr: adr/20260101-dated.md: has no number to change (it is named by date)
  [1]
  $ adr renumber adr/0002-use-postgresql.md --against nosuchbranch
  adr: --against nosuchbranch: no such branch, tag or commit
  [1]
