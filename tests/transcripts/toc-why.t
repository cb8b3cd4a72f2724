`adr toc` writes the index into the folder's README.md, between markers, and
keeps everything else the README says.

  $ adr init >/dev/null
  $ adr new "Use PostgreSQL | MySQL" --status accepted >/dev/null
  $ adr toc
  adr/README.md
  $ cat adr/README.md
  # Architecture decision records
  
  Written with `adr new`; checked with `adr check`.
  
  <!-- adrlog -->
  
  | # | Decision | Status | Date |
  |---|---|---|---|
  | 1 | [Record architecture decisions](0001-record-architecture-decisions.md) | accepted | 2026-11-21 |
  | 2 | [Use PostgreSQL \| MySQL](0002-use-postgresql-mysql.md) | accepted | 2026-11-21 |
  
  <!-- adrlogstop -->
  $ printf 'Read these first.\n' >> adr/README.md
  $ adr new "Use Redis" >/dev/null
  $ adr toc >/dev/null
  $ cat adr/README.md
  # Architecture decision records
  
  Written with `adr new`; checked with `adr check`.
  
  <!-- adrlog -->
  
  | # | Decision | Status | Date |
  |---|---|---|---|
  | 1 | [Record architecture decisions](0001-record-architecture-decisions.md) | accepted | 2026-11-21 |
  | 2 | [Use PostgreSQL \| MySQL](0002-use-postgresql-mysql.md) | accepted | 2026-11-21 |
  | 3 | [Use Redis](0003-use-redis.md) | proposed | 2026-11-21 |
  
  <!-- adrlogstop -->
  Read these first.

`adr why PATH` lists the decisions whose `affects` globs match a path.

  $ printf -- '---\nstatus: accepted\nrule: Django may call Flask; Flask never calls Django.\naffects: ["legacy/**", "app/*.py"]\n---\n# Unidirectional flow\n' > adr/0004-unidirectional-flow.md
  $ printf -- '---\nstatus: proposed\naffects: [legacy]\n---\n# Delete legacy\n' > adr/0005-delete-legacy.md
  $ adr why legacy/api/views.py
      4  accepted    Unidirectional flow  (adr/0004-unidirectional-flow.md)
         rule: Django may call Flask; Flask never calls Django.
      5  proposed    Delete legacy  (adr/0005-delete-legacy.md)
  $ adr why app/models.py
      4  accepted    Unidirectional flow  (adr/0004-unidirectional-flow.md)
         rule: Django may call Flask; Flask never calls Django.
  $ adr why app/sub/models.py
  no decision names app/sub/models.py in its 'affects'
  $ mkdir -p legacy/api && cd legacy/api && adr why views.py && cd ../..
      4  accepted    Unidirectional flow  (adr/0004-unidirectional-flow.md)
         rule: Django may call Flask; Flask never calls Django.
      5  proposed    Delete legacy  (adr/0005-delete-legacy.md)
