`adr --version` prints the installed package's version.

  $ adr --version
  adr 0.1.0

A mistyped command is answered with the closest one, as git does, and exit 2 as
argparse exits on any usage error (tests/test_cli.py: choices of options alike).

  $ adr stauts 2 accepted
  usage: adr [-h] [--version] COMMAND ...
  adr: error: argument COMMAND: invalid choice: 'stauts' (did you mean 'status'?)
  [2]

Every command and option explains itself (tests/test_cli.py checks them all).

  $ adr serve --help
  usage: adr serve [-h] [--dir DIR] [--host HOST] [--port PORT] [--name NAME]
  
  migrate, index this repository and serve the site
  
  options:
    -h, --help   show this help message and exit
    --dir DIR    the ADR folder (default: found from the current directory)
    --host HOST  the address to listen on (default: 127.0.0.1, this machine
                 only; 0.0.0.0: every IPv4 interface)
    --port PORT  the port to listen on (default: 8000)
    --name NAME  the repository's name on the site (default: the one already
                 indexed from here, else the folder's name)
  $ adr export --help
  usage: adr export [-h] [--repository REPOSITORY] [--review]
  
  Print one indexed repository's decisions as JSON (docs/export.md).
  
  options:
    -h, --help            show this help message and exit
    --repository REPOSITORY
                          which repository (default: the only one)
    --review              its decisions in review instead: the open pull
                          requests' and branches' ADR changes
  $ adr migrate --help
  usage: adr migrate [-h] [-v VERBOSITY]
  
  Bring the database schema (DATABASE_URL) up to date.
  
  options:
    -h, --help            show this help message and exit
    -v, --verbosity VERBOSITY
                          0: silent, 1: each migration applied (default), 2 and
                          3: more detail
  $ adr repo set --help
  usage: adr repo set [-h] [--review-refs PATTERN] [--review-max-age DAYS]
                      [--host-api URL] [--host-token-env VAR]
                      [--web-url WEB_URL]
                      name
  
  Change what `adr repo add` or `adr index` set: the new values apply at the
  next sync. An option not given stays as it is; '' clears a URL.
  
  positional arguments:
    name                  its name (see 'adr repo list')
  
  options:
    -h, --help            show this help message and exit
    --review-refs PATTERN
                          read the ADR changes of the refs matching PATTERN as
                          decisions in review (repeatable; e.g. 'refs/heads/*';
                          default: refs/pull/*/head and refs/merge-
                          requests/*/head); given, it replaces the patterns set
                          before
    --review-max-age DAYS
                          without a host token, hide refs untouched for DAYS
                          days (default: 90)
    --host-api URL        the host's API for the repository ('': from its URL)
    --host-token-env VAR  the environment variable holding the new read-only API
                          token (kept, never shown)
    --web-url WEB_URL     a link template for commits and files, e.g.
                          https://github.com/org/repo/blob/{commit}/{path}
