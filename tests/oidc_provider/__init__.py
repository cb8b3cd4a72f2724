"""A real OpenID Connect provider for the sign-in tests: django-oauth-toolkit, in its own
process with its own settings, on 127.0.0.1 (tests/test_login.py starts it)."""
