"""The one Django app (ADR 2): models, indexing service, queries, views."""
