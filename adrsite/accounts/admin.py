"""The admin's view of personal tokens: who holds which, and revoking them (never the token)."""

from django.contrib import admin

from adrsite.accounts.models import PersonalToken


@admin.register(PersonalToken)
class PersonalTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "hint", "created", "last_used")
    list_filter = ("user",)
    fields = ("user", "name", "hint", "created", "last_used")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a token is made by its owner, who alone sees it once
