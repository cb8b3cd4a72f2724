`adr onboarding` prints the reading path the site shows at /start/, as Markdown for a
wiki or a welcome email: the decisions in force grouped by tag, in the order front
matter `onboarding: N` gives, each with its rule, summary and what it replaced; then
what changed in the last 90 days, from the index's history. It reads the index.

  $ export XDG_DATA_HOME=$PWD/../data
  $ adr init >/dev/null
  $ printf -- '---\nstatus: accepted\ntags: [porting]\n---\n# Mount Flask inside Django\n' > adr/0002-mount-flask-inside-django.md
  $ git add -A && GIT_AUTHOR_DATE=2026-08-01T10:00:00Z GIT_COMMITTER_DATE=2026-08-01T10:00:00Z git commit -qm "Mount Flask"
  $ printf -- '---\nstatus: superseded\ntags: [porting]\n---\n# Mount Flask inside Django\n' > adr/0002-mount-flask-inside-django.md
  $ printf -- '---\nstatus: accepted\ntags: [porting]\nonboarding: 1\nsupersedes: [2]\nrule: "Route every request through Django."\n---\n# Django proxies unported endpoints to Flask\n\n## Decision outcome\n\nDjango serves what it has ported and **proxies** the rest to Flask.\n\nMore.\n' > adr/0003-django-proxies-to-flask.md
  $ printf -- '---\nstatus: accepted\ntags: [porting]\nonboarding: skip\n---\n# Rename a table\n' > adr/0004-rename-a-table.md
  $ printf -- '---\nstatus: accepted\ntags: [security, porting]\nreview-by: 2026-10-01\n---\n# JWT carries identity across\n\n## Decision\n\nFlask learns who the user is from a signed JWT.\n' > adr/0005-jwt.md
  $ git add -A && GIT_AUTHOR_DATE=2026-10-21T10:00:00Z GIT_COMMITTER_DATE=2026-10-21T10:00:00Z git commit -qm "Proxy instead"
  $ adr migrate -v 0
  $ adr index | sed 's/, [0-9.]* s$//'
  repo at main: full (first run), 6 new revisions, 5 changed decisions; 5 decisions, 0 problems
  $ adr onboarding --site https://adr.example.com/
  # Start here: the decisions in force
  
  3 decisions to read, about 3 minutes in all (200 words a minute).
  
  ## porting (1 minute)
  
  - **[ADR 3: Django proxies unported endpoints to Flask](https://adr.example.com/decisions/repo/0003-django-proxies-to-flask/)** (1 minute)
    Rule: Route every request through Django.
    Django serves what it has ported and **proxies** the rest to Flask.
    _Replaced ADR 2 (Mount Flask inside Django) on 21 Oct._
  
  ## architecture (1 minute)
  
  - **[ADR 1: Record architecture decisions](https://adr.example.com/decisions/repo/0001-record-architecture-decisions/)** (1 minute)
    Chosen option: "Architecture decision records in the repository", as Michael Nygard described them: one short Markdown file per decision in this folder, numbered, with a status (proposed, accepted, rejected, deprecated, superseded). Write…
  
  ## security (1 minute)
  
  - **[ADR 5: JWT carries identity across](https://adr.example.com/decisions/repo/0005-jwt/)** (1 minute) **Due for review** (by 2026-10-01).
    Flask learns who the user is from a signed JWT.
  
  ## What changed in the last 90 days
  
  - 2026-10-21: [ADR 5: JWT carries identity across](https://adr.example.com/decisions/repo/0005-jwt/) accepted
  - 2026-10-21: [ADR 4: Rename a table](https://adr.example.com/decisions/repo/0004-rename-a-table/) accepted
  - 2026-10-21: [ADR 3: Django proxies unported endpoints to Flask](https://adr.example.com/decisions/repo/0003-django-proxies-to-flask/) accepted
  - 2026-10-21: [ADR 2: Mount Flask inside Django](https://adr.example.com/decisions/repo/0002-mount-flask-inside-django/) superseded
  $ adr onboarding --repository nope
  adr: no repository named 'nope' is indexed (run 'adr index')
  [1]

`adr check` warns about a decision whose `review-by` date has passed, and `--stale DAYS`
about accepted decisions whose file git has not seen change in that many days.

  $ adr check
  adr/0005-jwt.md:4: warning: ADR 5 (JWT carries identity across) asked to be reviewed by 2026-10-01; look at it again, then set a new review-by date or change its status
  5 decisions: 0 errors, 1 warning
  $ adr check --stale 100
  adr/0001-record-architecture-decisions.md:2: warning: ADR 1 (Record architecture decisions) is accepted and its file has not changed in 112 days (since 2026-08-01); is it still what we do?
  adr/0005-jwt.md:4: warning: ADR 5 (JWT carries identity across) asked to be reviewed by 2026-10-01; look at it again, then set a new review-by date or change its status
  5 decisions: 0 errors, 2 warnings
  $ adr check --stale soon
  usage: adr check [-h] [--dir DIR] [--format {text,json,github}]
                   [--against REF] [--stale DAYS] [--enforce]
  adr check: error: argument --stale: 'soon' is not a number of days
  [2]
