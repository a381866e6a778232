"""The Content-Security-Policy header, built once rather than for every response.

django-csp builds the header text from the settings on every response, twice
(the policy and the report-only one). Ours carries no nonce and no per-view
changes, so the text is the same each time: this middleware keeps what the
library's ``build_policy`` made and hands it out again. Anything that could
make one response's header differ (``@csp_update``, ``@csp_replace``,
``@csp_exempt``, a nonce, excluded prefixes, Django's debug pages) goes through
the library's own path.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

_PER_RESPONSE = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)  # fmt: skip

_built: dict[str, str] = {}


@receiver(setting_changed)
def _forget_built_headers(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()


def _has_exclusions() -> bool:
    return any(
        (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    )


class BuiltOnceCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
            or _has_exclusions()
        ):
            return super().process_response(request, response)
        if not _built:
            _built[HEADER] = build_policy()
            _built[HEADER_REPORT_ONLY] = build_policy(report_only=True)
        for name, policy in _built.items():
            if policy and name not in response:
                response[name] = policy
        # As the library does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
