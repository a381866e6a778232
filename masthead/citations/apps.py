from django.apps import AppConfig


class CitationsConfig(AppConfig):
    name = "masthead.citations"
    verbose_name = "Citations"

    def ready(self):
        from masthead import changes
        from masthead.citations import consumer

        changes.register("references", consumer.changes_committed)

        from masthead.publishing import sections

        # Cite on the post page: metadata, the action, the dialog, the printed reference.
        sections.add("post-meta", "citations/sections/metadata.html")
        sections.add("post-actions", "citations/sections/cite_link.html")
        sections.add("post-print-footer", "citations/sections/print_citation.html")
        sections.add("post-after-article", "citations/sections/cite_dialog.html")
        sections.add("version-after-body", "citations/sections/version_citations.html")
