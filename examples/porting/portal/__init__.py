"""The Django project that replaces the Flask application (a stand-in: plain modules)."""
