"""Standing pages in the admin, for editors (the desk may take them over later).

Who may do what is Django's model permissions on ``pages.Page``, granted to the
Editors group by migration 0002: writers and moderators see no page here.
The history (simple-history) lists every saved version; an editor restores one
from it, which saves it as a new version (and so tells every consumer).
"""

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from masthead.pages.models import OldAddress, Page


class OldAddressInline(admin.TabularInline):
    model = OldAddress
    extra = 0
    fields = ["path", "wordpress_id"]


@admin.register(Page)
class PageAdmin(SimpleHistoryAdmin):
    list_display = ["title", "address", "status", "role", "in_header_menu", "in_footer_menu",
                    "header_position", "footer_position"]  # fmt: skip
    list_filter = ["status", "in_header_menu", "in_footer_menu", "role"]
    list_editable = ["header_position", "footer_position"]
    search_fields = ["title", "body", "path"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    inlines = [OldAddressInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "status", "body"]}),
        (
            "Menus",
            {
                "fields": [
                    "menu_label",
                    ("in_header_menu", "header_position"),
                    ("in_footer_menu", "footer_position"),
                ]
            },
        ),  # fmt: skip
        ("Role", {"fields": ["role"]}),
        ("Corrections", {"fields": ["updated_at", "correction_note", "earlier_versions"]}),
    ]
    readonly_fields = ["earlier_versions"]

    @admin.display(description="Earlier versions readers can read")
    def earlier_versions(self, page):
        """The versions a substantive update kept, each linked to its public address."""
        versions = list(page.versions.all()) if page.pk else []
        if not versions:
            return "None yet: a new “last substantive update” keeps the version it replaces."
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">Version {}</a>, replaced {}',
            (
                (v.get_absolute_url(), v.number, date_format(v.replaced_at, "DATETIME_FORMAT"))
                for v in versions
            ),
        )

    @admin.display(description="Address", ordering="path")
    def address(self, page):
        return f"/{page.path}/"
