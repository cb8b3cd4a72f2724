`adr init` creates the folder, its template and ADR 1, accepted.

  $ adr init
  adr/template.md
  adr/0001-record-architecture-decisions.md
  $ ls adr
  0001-record-architecture-decisions.md
  template.md
  $ adr list
      1  accepted    2026-11-21  Record architecture decisions
  $ head -6 adr/0001-record-architecture-decisions.md
  ---
  status: accepted
  date: 2026-11-21
  deciders: []
  tags: [architecture]
  ---
  $ adr check
  1 decision: 0 errors, 0 warnings

A second init would overwrite decisions, so it refuses.

  $ adr init
  adr: adr/ already holds decisions; nothing to do
  [1]

Another folder is remembered in .adr-dir, as adr-tools does, so later commands
find it from anywhere in the repository.

  $ rm -r adr
  $ adr init --dir architecture/decisions
  .adr-dir
  architecture/decisions/template.md
  architecture/decisions/0001-record-architecture-decisions.md
  $ cat .adr-dir
  architecture/decisions
  $ mkdir -p src/deep && cd src/deep
  $ adr list
      1  accepted    2026-11-21  Record architecture decisions
  $ cd ../..

Without any folder, commands say what they looked for.

  $ rm -r architecture .adr-dir
  $ adr list
  adr: no ADR folder found in $TMP/repo or above (looked for .adr-dir, adr, doc/adr, docs/adr, docs/decisions, doc/decisions, docs/architecture/decisions); run 'adr init' or pass --dir
  [1]

A folder outside the repository is refused.

  $ adr init --dir ../outside
  adr: --dir ../outside: outside this repository ($TMP/repo)
  [1]

An existing log is never hidden: not by a second folder beside it, not from
inside it, not by an .adr-dir pointing elsewhere.

  $ mkdir -p docs/adr && printf -- '---\nstatus: accepted\n---\n# Keep me\n' > docs/adr/0001-keep-me.md
  $ adr init
  adr: docs/adr/ already holds decisions; nothing to do
  [1]
  $ (cd docs/adr && adr init)
  adr: docs/adr/ already holds decisions; nothing to do
  [1]
  $ adr init --dir elsewhere
  adr: docs/adr/ already holds decisions; nothing to do
  [1]
  $ ls -a
  .
  ..
  .git
  docs
  src
