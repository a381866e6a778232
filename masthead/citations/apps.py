from django.apps import AppConfig


class CitationsConfig(AppConfig):
    name = "masthead.citations"
    verbose_name = "Citations"

    def ready(self):
        from masthead.citations import signals  # noqa: F401 - connects the receivers
        from masthead.citations.models import FormattedCitation, PostDoi, SentenceCaseTitle
        from masthead.publishing.content_version import connect_signals

        # The post page caches its references and DOI under the content version.
        connect_signals((FormattedCitation, PostDoi, SentenceCaseTitle), uid="citations")
