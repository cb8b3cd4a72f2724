Coming from adr-tools: its command forms work as its own test suite runs them,
beside ours. `adr init DIR` takes the folder as adr-tools does.

  $ adr init doc/arch
  .adr-dir
  doc/arch/template.md
  doc/arch/0001-record-architecture-decisions.md
  $ cat .adr-dir
  doc/arch
  $ rm -r doc .adr-dir

A folder adr-tools wrote, in Nygard's format.

  $ mkdir -p doc/adr
  $ for n in 1 2 3; do
  >   title=$(echo "First Second Third" | cut -d' ' -f$n)
  >   printf '# %s. %s Record\n\nDate: 1992-01-12\n\n## Status\n\nAccepted\n\n## Context\n\nWhy.\n' $n $title > doc/adr/000$n-$(echo $title | tr A-Z a-z)-record.md
  > done
  $ adr list --paths
  doc/adr/0001-first-record.md
  doc/adr/0002-second-record.md
  doc/adr/0003-third-record.md
  $ cd doc && adr list --paths && cd ..
  adr/0001-first-record.md
  adr/0002-second-record.md
  adr/0003-third-record.md

`adr link SOURCE LINK TARGET REVERSE-LINK`, the four-argument form, writes both lines.

  $ adr link 3 Amends 1 "Amended by"
  doc/adr/0003-third-record.md: amends doc/adr/0001-first-record.md
  $ head -12 doc/adr/0001-first-record.md
  # 1. First Record
  
  Date: 1992-01-12
  
  ## Status
  
  Accepted
  
  Amended by [3. Third Record](0003-third-record.md)
  
  ## Context
  
  $ sed -n 7,9p doc/adr/0003-third-record.md
  Accepted
  
  Amends [1. First Record](0001-first-record.md)
  $ adr link 3 Amends 2 "Superseded by"
  adr: 'Amends' reads back as 'Amended by', not 'Superseded by'
  [1]

`adr new -s N -l "N:LINK:REVERSE-LINK" TITLE`: supersedes 2 and clarifies 3.
The superseded decision keeps its `Date:`, the day it was decided.

  $ adr new -s 2 -l "3:Clarifies:Clarified by" Fourth Record
  doc/adr/0004-fourth-record.md
  $ head -10 doc/adr/0002-second-record.md
  # 2. Second Record
  
  Date: 1992-01-12
  
  ## Status
  
  Superseded by [4. Fourth Record](0004-fourth-record.md)
  
  ## Context
  
  $ sed -n 1,13p doc/adr/0004-fourth-record.md
  # 4. Fourth Record
  
  Date: 2026-11-21
  
  ## Status
  
  Proposed
  
  Supersedes [2. Second Record](0002-second-record.md)
  
  Clarifies [3. Third Record](0003-third-record.md)
  
  ## Context
  $ grep -n "Clarified by" doc/adr/0003-third-record.md
  11:Clarified by [4. Fourth Record](0004-fourth-record.md)
  $ adr new -l "9:Amends:Amended by" Fifth
  adr: no decision '9' (try 'adr list')
  [1]
  $ adr new -l "Amends" Fifth
  adr: -l 'Amends': expected N:KIND:REVERSE, e.g. "3:Amends:Amended by"
  [1]

Changing the status keeps the date too.

  $ adr status 4 accepted
  doc/adr/0004-fourth-record.md: proposed -> accepted
  $ sed -n 3p doc/adr/0001-first-record.md; adr status 1 deprecated >/dev/null; sed -n 3,7p doc/adr/0001-first-record.md
  Date: 1992-01-12
  Date: 1992-01-12
  
  ## Status
  
  Deprecated

`adr generate toc` prints the table of contents adr-tools prints, with its
`-i INTRO`, `-o OUTRO` and `-p LINK_PREFIX`; `adr toc` keeps writing README.md.

  $ adr generate toc
  # Architecture Decision Records
  
  * [1. First Record](0001-first-record.md)
  * [2. Second Record](0002-second-record.md)
  * [3. Third Record](0003-third-record.md)
  * [4. Fourth Record](0004-fourth-record.md)
  $ echo "Decisions so far." > intro.md; echo "See also the wiki." > outro.md
  $ adr generate toc -i intro.md -o outro.md -p doc/adr/
  # Architecture Decision Records
  
  Decisions so far.
  
  * [1. First Record](doc/adr/0001-first-record.md)
  * [2. Second Record](doc/adr/0002-second-record.md)
  * [3. Third Record](doc/adr/0003-third-record.md)
  * [4. Fourth Record](doc/adr/0004-fourth-record.md)
  
  See also the wiki.
  $ adr check
  doc/adr/0004-fourth-record.md:13: warning: 3 sections still as the template wrote them ('Context', 'Decision', 'Consequences'); write this decision's own text, or remove them
  4 decisions: 0 errors, 1 warning
