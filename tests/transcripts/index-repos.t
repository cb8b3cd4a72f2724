`adr index` on the embedded database migrates it first, as `adr serve` does. A
failed index leaves nothing behind: outside a git repository, or in one without
an ADR folder, it says what is wrong and no repository is added.

Index summaries end in how long the run took: shown here as `_ s`.

  $ set -o pipefail && seconds() { sed -E 's/[0-9]+[.][0-9]+ s$/_ s/'; }
  $ adr init >/dev/null && git add -A && git commit -qm "Start"
  $ adr repo list
  no repository is indexed yet (run 'adr index')
  $ mkdir -p ../plain/adr && adr index ../plain
  adr: $TMP/plain: not a git repository
  [1]
  $ mkdir ../nofolder && git -C ../nofolder init -q && adr index ../nofolder
  adr: no ADR folder in $TMP/nofolder (looked for .adr-dir, adr, doc/adr, docs/adr, docs/decisions, doc/decisions, docs/architecture/decisions); pass --adr-dir, or run 'adr init' there
  [1]
  $ adr index | seconds
  repo: full (first run), 1 new revision, 1 changed decision; 1 decision, 0 problems, _ s
  $ adr repo list
  repo     1 decision  b916d90  $TMP/repo/adr

A second repository whose folder has the same name is refused, naming the one
already indexed, unless it gets its own name or replaces the first.

  $ mkdir -p ../other/repo && cd ../other/repo && git init -q && adr init >/dev/null
  $ adr new "Use Redis" >/dev/null && git add -A && git commit -qm "Start"
  $ adr index | seconds
  adr: a repository named 'repo' is already indexed, from $TMP/repo; index this one under another name (--name) or put it in that one's place (--replace)
  [1]
  $ adr repo list
  repo     1 decision  b916d90  $TMP/repo/adr
  $ adr index --name other-repo | seconds
  other-repo: full (first run), 2 new revisions, 2 changed decisions; 2 decisions, 1 problem, _ s
  $ adr repo list
  other-repo    2 decisions  4f5430d  $TMP/other/repo/adr
  repo           1 decision  b916d90  $TMP/repo/adr
  $ adr index --replace | seconds
  repo: full (replaces $TMP/repo), 2 new revisions, 2 changed decisions; 2 decisions, 1 problem, _ s
  $ adr repo list
  other-repo    2 decisions  4f5430d  $TMP/other/repo/adr
  repo          2 decisions  4f5430d  $TMP/other/repo/adr

Removing a repository removes all that was indexed of it, and asks nothing.

  $ adr repo remove other-repo
  removed other-repo: 2 decisions, 2 revisions, 1 problem
  $ adr repo remove other-repo
  adr: no repository named 'other-repo' (indexed: repo)
  [1]
  $ adr repo list
  repo    2 decisions  4f5430d  $TMP/other/repo/adr
  $ adr repo remove repo
  removed repo: 2 decisions, 2 revisions, 1 problem
  $ adr repo list
  no repository is indexed yet (run 'adr index')
  $ adr repo remove repo
  adr: no repository named 'repo' (nothing is indexed)
  [1]
