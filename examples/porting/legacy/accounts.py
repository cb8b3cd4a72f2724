"""An unported Flask page that keeps to itself."""

import urllib.request


def avatar(user_id: int) -> bytes:
    # A third-party service, not Django: ADR 2 allows it.
    with urllib.request.urlopen(f"https://avatars.example.com/{user_id}") as response:
        return response.read()
