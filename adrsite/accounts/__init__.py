"""Who may read the site: sign-in (local, single sign-on, an authenticating proxy),
personal tokens for the feed and the API, and the login requirement (ADR 34)."""
