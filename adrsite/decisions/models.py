"""Models of the one app (ADR 2, ADR 3): Repository, Decision, Revision, Link, Problem.

They arrive with the git indexer; until then the site reads the ADR folder
directly through the pure core (see views.py).
"""
