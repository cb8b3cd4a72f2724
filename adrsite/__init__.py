"""adrsite: architectural decision records, written in pull requests and indexed from git."""
