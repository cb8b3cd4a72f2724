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
  repo at main: full (first run), 1 new revision, 1 changed decision; 1 decision, 0 problems, _ s
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
  other-repo at master: full (first run), 2 new revisions, 2 changed decisions; 2 decisions, 1 problem, _ s
  $ adr repo list
  other-repo    2 decisions  4f5430d  $TMP/other/repo/adr
  repo           1 decision  b916d90  $TMP/repo/adr
  $ adr index --replace | seconds
  repo at master: full (replaces $TMP/repo), 2 new revisions, 2 changed decisions; 2 decisions, 1 problem, _ s
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

A repository from its git host is added by its clone URL (here a bare repository
standing in for the host): mirrored under the data folder, indexed from the
host's default branch, or `--branch`. A URL that starts with `-` is refused; one
git cannot fetch adds nothing.

  $ cd ../../repo && git clone -q --bare . ../host.git && host="file://$(cd .. && pwd)/host.git"
  $ adr repo add bad -- --upload-pack=touch
  adr: '--upload-pack=touch' starts with '-': not a URL (git would read it as an option)
  [1]
  $ adr repo add bad ../nowhere.git
  adr: bad: cannot fetch: fatal: repository '../nowhere.git' does not exist; bad not added
  [1]
  $ adr repo add team "$host" --secret hush | seconds
  team at main: full (first run), 1 new revision, 1 changed decision; 1 decision, 0 problems, _ s
  $ adr repo list
  team     1 decision  b916d90  file://$TMP/host.git (default branch) adr
  $ ls "$XDG_DATA_HOME/adrsite/mirrors"
  team.git
  team.git.lock
  $ adr new "Use Kafka" >/dev/null && git add -A && git commit -qm "Kafka" && git push -q ../host.git main
  $ adr repo sync team | seconds
  team at main: incremental, 1 new revision, 1 changed decision; 2 decisions, 1 problem, _ s
  $ mv ../host.git ../moved.git && adr repo sync
  adr: team: cannot fetch: fatal: '$TMP/host.git' does not appear to be a git repository
  [1]
  $ adr repo list
  team    2 decisions  d09ee47  file://$TMP/host.git (default branch) adr
        last fetched 0 minutes ago: fatal: '$TMP/host.git' does not appear to be a git repository
  $ adr repo remove team && ls "$XDG_DATA_HOME/adrsite/mirrors"
  removed team: 2 decisions, 2 revisions, 1 problem, 1 mirror
