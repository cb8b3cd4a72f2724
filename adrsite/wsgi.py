"""WSGI entry point for gunicorn: `gunicorn adrsite.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

from adrsite.startup import missing_driver, report_database_at_start, unavailable_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adrsite.settings")
# A database that cannot be used is one line in the log, here and per page (503), not a
# traceback; the site starts anyway and recovers when the database answers (startup.py).
if problem := missing_driver():
    application = unavailable_application(problem)
else:
    application = get_wsgi_application()
    report_database_at_start()
