"""App configuration for the accounts app (ADR 34)."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "adrsite.accounts"
    label = "accounts"
    verbose_name = "Accounts"
