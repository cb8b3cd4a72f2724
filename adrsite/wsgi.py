"""WSGI entry point for gunicorn: `gunicorn adrsite.wsgi`."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from adrsite.startup import database_unusable, report_database_at_start, unavailable_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adrsite.settings")
try:
    application = get_wsgi_application()
except ImproperlyConfigured:
    # A database driver that is not installed stops Django's start (startup.py); any other
    # configuration error stops the server, as it should.
    if not (problem := database_unusable()):
        raise
    application = unavailable_application(problem)
# A database that cannot be used is one line in the log, here and per page (503), not a
# traceback; the site starts anyway and recovers when the database answers (startup.py).
report_database_at_start()
