Coming from log4brains: `.log4brains.yml` names the folder, its files are named
by date, and its template's placeholders are not data.

  $ cat > .log4brains.yml <<'YML'
  > ---
  > project:
  >   name: shop
  >   adrFolder: ./docs/architecture
  >   packages:
  >     - name: web
  >       path: ./packages/web
  >       adrFolder: ./packages/web/adr
  > YML
  $ mkdir -p docs/architecture packages/web/adr packages/web/src
  $ cat > docs/architecture/template.md <<'MD'
  > # [short title of solved problem and solution]
  > 
  > - Status: [draft | proposed | rejected | accepted | deprecated | … | superseded by [xxx](yyyymmdd-xxx.md)] <!-- optional -->
  > - Deciders: [list everyone involved in the decision] <!-- optional -->
  > - Date: [YYYY-MM-DD when the decision was last updated] <!-- optional -->
  > - Tags: [space and/or comma separated list of tags] <!-- optional -->
  > 
  > ## Context and Problem Statement
  > 
  > [Describe the context and problem statement, e.g., in free form using two to three sentences.]
  > 
  > ## Decision Outcome
  > 
  > Chosen option: "[option 1]", because [justification].
  > MD
  $ cat > docs/architecture/index.md <<'MD'
  > # Architecture knowledge base
  > MD

The first decision in an empty folder is named as log4brains names it, and
`adr check` has nothing to say about its name; it does say which sections are
still the template's words.

  $ adr new Use Vite
  docs/architecture/20261121-use-vite.md
  $ adr show use-vite
  docs/architecture/20261121-use-vite.md
  20261121-use-vite.md: Use Vite
    status:        proposed
    date:          2026-11-21
  
  # Use Vite
  
  - Status: proposed
  - Deciders: [list everyone involved in the decision] <!-- optional -->
  - Date: 2026-11-21
  - Tags: [space and/or comma separated list of tags] <!-- optional -->
  
  ## Context and Problem Statement
  
  [Describe the context and problem statement, e.g., in free form using two to three sentences.]
  
  ## Decision Outcome
  
  Chosen option: "[option 1]", because [justification].
  $ adr check
  docs/architecture/20261121-use-vite.md:8: warning: 2 sections still as the template wrote them ('Context and Problem Statement', 'Decision Outcome'); write this decision's own text, or remove them
  1 decision: 0 errors, 1 warning
  $ sed -i 's/^\[Describe.*/Our bundler is slow./; s/"\[option 1\]", because \[justification\]/Vite, because it is fast/' docs/architecture/20261121-use-vite.md
  $ adr check
  1 decision: 0 errors, 0 warnings

Unnumbered decisions are listed by their slug, and every command that takes N
takes it.

  $ printf '# Use React\n\n- Status: accepted\n- Date: 2026-01-05\n- Tags: frontend, ui\n' > docs/architecture/20260105-use-react.md
  $ adr list
  use-react  accepted    2026-01-05  Use React
  use-vite   proposed    2026-11-21  Use Vite
  $ adr status use-vite accepted
  docs/architecture/20261121-use-vite.md: proposed -> accepted
  $ adr link use-vite relates-to use-react
  docs/architecture/20261121-use-vite.md: relates-to docs/architecture/20260105-use-react.md
  $ adr show use-react | head -5
  docs/architecture/20260105-use-react.md
  20260105-use-react.md: Use React
    status:        accepted
    date:          2026-01-05
    tags:          frontend, ui
  $ adr list --paths
  docs/architecture/20260105-use-react.md
  docs/architecture/20261121-use-vite.md
  $ adr check
  2 decisions: 0 errors, 0 warnings

Inside a package, commands work in that package's folder.

  $ cd packages/web/src
  $ adr new Server-side rendering
  packages/web/adr/20261121-server-side-rendering.md
  $ adr list
  server-side-rendering  proposed    2026-11-21  Server-side rendering
  $ cd ../../..
  $ adr list --dir packages/web/adr
  server-side-rendering  proposed    2026-11-21  Server-side rendering

A broken `.log4brains.yml` is said so.

  $ printf 'project: [\n' > .log4brains.yml
  $ adr list
  adr: $TMP/repo/.log4brains.yml:2: not valid YAML; fix it, or pass --dir
  [1]
