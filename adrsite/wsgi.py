"""WSGI entry point for gunicorn: `gunicorn adrsite.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

from adrsite.startup import report_database_at_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adrsite.settings")
application = get_wsgi_application()
# A database that cannot be used is one line in the log, here and per page (503), not a
# traceback; the site starts anyway and recovers when the database answers (startup.py).
report_database_at_start()
