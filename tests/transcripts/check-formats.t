`adr check` reports `path:line: severity: message`, exits 1 on any error, and
speaks JSON and GitHub annotations too.

  $ adr init >/dev/null
  $ adr new "Use PostgreSQL" --status accepted >/dev/null
  $ printf -- '---\nstatus: accepted\nsupersedes: [2]\ndate: 1 May 2026\n---\n# Use Aurora\n' > adr/0003-use-aurora.md
  $ printf -- '---\nstatus: [accepted\n---\n# Broken, with a comma\n' > adr/0004-broken.md
  $ adr check
  adr/0002-use-postgresql.md:2: warning: status is 'accepted' but ADR 3 (adr/0003-use-aurora.md) supersedes it; its status should be superseded
  adr/0002-use-postgresql.md:9: warning: 6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  adr/0003-use-aurora.md:4: warning: date '1 May 2026' is not ISO 8601 (YYYY-MM-DD); read as 2026-05-01
  adr/0004-broken.md:2: error: front matter is not valid YAML: did not find expected ',' or ']'
  4 decisions: 1 error, 3 warnings
  [1]
  $ adr check --format github
  ::warning file=adr/0002-use-postgresql.md,line=2,title=adr check superseded-still-active::status is 'accepted' but ADR 3 (adr/0003-use-aurora.md) supersedes it; its status should be superseded
  ::warning file=adr/0002-use-postgresql.md,line=9,title=adr check template-text::6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them
  ::warning file=adr/0003-use-aurora.md,line=4,title=adr check date::date '1 May 2026' is not ISO 8601 (YYYY-MM-DD); read as 2026-05-01
  ::error file=adr/0004-broken.md,line=2,title=adr check front-matter-yaml::front matter is not valid YAML: did not find expected ',' or ']'
  4 decisions: 1 error, 3 warnings
  [1]
  $ adr check --format json
  {
    "decisions": 4,
    "errors": 1,
    "warnings": 3,
    "problems": [
      {
        "path": "adr/0002-use-postgresql.md",
        "line": 2,
        "severity": "warning",
        "code": "superseded-still-active",
        "message": "status is 'accepted' but ADR 3 (adr/0003-use-aurora.md) supersedes it; its status should be superseded"
      },
      {
        "path": "adr/0002-use-postgresql.md",
        "line": 9,
        "severity": "warning",
        "code": "template-text",
        "message": "6 sections still as the template wrote them ('Context and problem statement', 'Considered options', 'Option one', 'Option two', 'Decision outcome', 'Consequences'); write this decision's own text, or remove them"
      },
      {
        "path": "adr/0003-use-aurora.md",
        "line": 4,
        "severity": "warning",
        "code": "date",
        "message": "date '1 May 2026' is not ISO 8601 (YYYY-MM-DD); read as 2026-05-01"
      },
      {
        "path": "adr/0004-broken.md",
        "line": 2,
        "severity": "error",
        "code": "front-matter-yaml",
        "message": "front matter is not valid YAML: did not find expected ',' or ']'"
      }
    ]
  }
  [1]
  $ adr check --format yaml
  usage: adr check [-h] [--dir DIR] [--format {text,json,github}]
                   [--against REF] [--stale DAYS] [--enforce]
  adr check: error: argument --format: invalid choice: 'yaml' (choose from 'text', 'json', 'github')
  [2]
