"""`python -m adrsite` runs the `adr` command (for checkouts without the console script)."""

from adrsite.cli import main

raise SystemExit(main())
