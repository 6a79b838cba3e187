"""Admin for plumbing records. The audit trail is read-only here as everywhere."""
from django.contrib import admin

from .models import Alert, ApiToken, AuditEntry, BackgroundJob


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "target_repr", "reason"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_repr", "action"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash", "user", "created_by", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        # Tokens are created by `platform_token_create` or the login endpoint, which show the secret once.
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "severity", "status", "title", "agency"]
    list_filter = ["severity", "status", "kind"]


@admin.register(BackgroundJob)
class BackgroundJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "status", "done", "total", "created_by"]
