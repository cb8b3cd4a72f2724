"""What Django's error pages may show (project layer): never a password.

With DEBUG on, a 500 page lists the settings and the request's environment, and
a server's environment holds DATABASE_URL. Django hides only names like KEY or
PASS; this filter hides URL- and DSN-like names too, and the password of any
URL-shaped value whatever its name.
"""

from __future__ import annotations

import re
from typing import Any

from django.views.debug import SafeExceptionReporterFilter

# A URL's `user:password@`: the class before `:` excludes `:`, so each `://` is scanned once.
_URL_PASSWORD = re.compile(r"(://[^/@\s:]*:)[^/@\s]*@")


class SecretsFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|DSN|CREDENTIAL",
        flags=re.IGNORECASE,
    )

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return _URL_PASSWORD.sub(rf"\1{self.cleansed_substitute}@", cleansed)
        return cleansed
