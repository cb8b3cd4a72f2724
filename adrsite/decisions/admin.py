"""The admin's view of the indexed repositories (for staff; indexing stays `adr index`'s)."""

from typing import Any

from django import forms
from django.contrib import admin

from adrsite.decisions.models import Repository
from adrsite.history.host_api import api_problem

# Credentials staff may replace but never read back: the page would show them to
# anyone looking over a shoulder, and keep them in the browser's cache.
_WRITE_ONLY = ("secret", "host_token")


class RepositoryForm(forms.ModelForm):
    """The repository's fields, with its credentials write-only: left empty, they stay."""

    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="the webhook secret; leave empty to keep the current one",
    )
    host_token = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="read-only API token; leave empty to keep the current one",
    )

    class Meta:
        model = Repository
        fields = (
            *("name", "location", "url", "branch", "secret", "last_fetch_at", "last_fetch_error"),
            *("adr_dir", "web_url", "last_indexed_commit", "indexed_at", "shallow"),
            *("index_format", "locations", "review_refs", "review_max_age", "host_api"),
            *("host_token", "visible_to"),
        )

    def clean_host_api(self) -> str:
        host_api = self.cleaned_data.get("host_api", "")
        if host_api and (problem := api_problem(host_api)):
            raise forms.ValidationError(problem)
        return host_api

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field in _WRITE_ONLY:
            if not cleaned.get(field) and self.instance.pk is not None:
                cleaned[field] = getattr(self.instance, field)
        return cleaned


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    form = RepositoryForm
    list_display = ("name", "location", "adr_dir", "last_indexed_commit", "indexed_at")
    search_fields = ("name", "location")
    # What the indexer writes is the indexer's: editing it here would desynchronise the index.
    readonly_fields = ("last_indexed_commit", "indexed_at", "shallow")
