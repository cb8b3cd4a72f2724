"""The admin's view of the indexed repositories (for staff; indexing stays `adr index`'s)."""

from django.contrib import admin

from adrsite.decisions.models import Repository


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    list_display = ("name", "location", "adr_dir", "last_indexed_commit", "indexed_at")
    search_fields = ("name", "location")
    # What the indexer writes is the indexer's: editing it here would desynchronise the index.
    readonly_fields = ("last_indexed_commit", "indexed_at", "shallow")
