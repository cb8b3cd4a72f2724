"""The Flask application being ported (a stand-in: plain modules, no Flask)."""
