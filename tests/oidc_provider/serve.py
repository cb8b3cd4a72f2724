"""Start the test provider: `python -m tests.oidc_provider.serve REDIRECT_URI`.

Makes its database, a user `ada` (password `provider-password`) in the groups
`platform` and `security`, and a confidential client `adrsite` (secret
`client-secret`) that may redirect to REDIRECT_URI only; then serves on a free port of
127.0.0.1 and prints `listening on PORT` once it answers."""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


class Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main(redirect_uri: str) -> None:
    call_command("migrate", verbosity=0)
    ada = User.objects.create_user("ada", "ada@example.com", "provider-password")
    ada.groups.set([Group.objects.create(name="platform"), Group.objects.create(name="security")])
    Application.objects.create(
        name="adrsite",
        client_id="adrsite",
        client_secret="client-secret",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server("127.0.0.1", 0, WSGIHandler(), ThreadingServer, Quiet)
    print(f"listening on {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
