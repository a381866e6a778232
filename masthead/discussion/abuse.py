"""Cheap, layered checks on a submitted comment.

Three things stop a submission: a request from another site (the Origin or
Referer does not name this one), a rate limit (429) and a form too old to trust
(shown again, text kept, to be sent once more). Everything else only
*flags* the comment with a reason a moderator reads in the queue; every
comment is pre-moderated anyway, so nothing is discarded on a guess.
"""

import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.utils.http import url_has_allowed_host_and_scheme

from masthead.discussion.flags import DUPLICATE_FLAG, text_flags
from masthead.discussion.models import ModerationRules

FORM_TOKEN_SALT = "masthead.discussion.form-started"  # noqa: S105 - a namespace, not a secret


def request_is_from_this_site(request) -> bool:
    """True when the browser says the form was posted from one of our own pages.

    Browsers send Origin with every form POST; older ones send Referer
    instead. A request with neither is refused too: a real form on our page
    always produces one of them.
    """
    origin = request.META.get("HTTP_ORIGIN")
    if origin and origin != "null":
        return _is_own_origin(request, origin)
    referer = request.META.get("HTTP_REFERER")
    if referer:
        parts = _split_address(referer)
        return parts is not None and _is_own_origin(request, f"{parts.scheme}://{parts.netloc}")
    return False


def _split_address(address: str):
    """The parts of a web address; None for one no browser would send ("http://[")."""
    try:
        return urlsplit(address)
    except ValueError:
        return None


def _is_own_origin(request, origin: str) -> bool:
    if origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", []):
        return True
    parts = _split_address(origin)
    if parts is None:
        return False
    if not parts.scheme or not parts.netloc:
        return False
    if parts.netloc != request.get_host():
        return False
    return url_has_allowed_host_and_scheme(
        origin, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


# --- the signed form timestamp ----------------------------------------------------
@dataclass(frozen=True)
class FormToken:
    """What the form's hidden ``started`` value tells: when the form was shown, if ours."""

    raw: str
    seconds_ago: float | None  # None: missing, forged or expired
    expired: bool = False

    @property
    def is_ours(self) -> bool:
        return self.seconds_ago is not None


def new_form_token() -> str:
    """When the form was rendered, signed so it cannot be forged to look older.

    A random part makes every rendered form's value its own, so nobody can
    predict or share another reader's (it is part of the key that recognises a
    resent form).
    """
    payload = {"t": int(time.time()), "n": secrets.token_urlsafe(12)}
    return signing.dumps(payload, salt=FORM_TOKEN_SALT, compress=False)


def read_form_token(raw: str) -> FormToken:
    try:
        payload = signing.loads(raw, salt=FORM_TOKEN_SALT)
    except signing.BadSignature:
        return FormToken(raw, None)
    if not isinstance(payload, dict) or not isinstance(payload.get("t"), int):
        return FormToken(raw, None)
    seconds_ago = time.time() - payload["t"]
    if seconds_ago > settings.MASTHEAD_COMMENT_FORM_MAX_AGE_HOURS * 3600:
        return FormToken(raw, None, expired=True)
    return FormToken(raw, seconds_ago)


def seconds_since_form_rendered(token: str) -> float | None:
    """None when the token is missing, was not made by us, or is too old."""
    return read_form_token(token).seconds_ago


# --- rate limits ---------------------------------------------------------------------
# Counted from the comments table itself (see ``submission``): refused submissions
# store nothing, and no cache eviction can reset a sender's count.
@dataclass
class RateCount:
    """Comments already received from this sender within the window, this one included."""

    per_ip: int
    per_email: int

    @property
    def exceeded(self) -> bool:
        return (
            self.per_ip > settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_IP
            or self.per_email > settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL
        )


# --- flags -----------------------------------------------------------------------------
def flags_for(
    *,
    body: str,
    known_commenter: bool,
    duplicate: bool,
    rate: RateCount,
    seconds_to_submit: float | None,
    honeypot: str,
    html: str | None = None,
) -> list[str]:
    """Why a moderator should look twice at this comment, in words they will read.

    ``html``: the body as rendered for readers, when the caller has it (see count_links).
    """
    flags = []
    if not known_commenter:
        flags.append("First-time commenter")
    text = text_flags(body, rules=ModerationRules.cached_rules(), duplicate=duplicate, html=html)
    flags.extend(flag for flag in text if flag != DUPLICATE_FLAG)
    soft_limit = settings.MASTHEAD_COMMENT_RATE_FLAG_AFTER
    if rate.per_ip > soft_limit or rate.per_email > soft_limit:
        flags.append(
            f"Rate: {max(rate.per_ip, rate.per_email)} comments from this sender within "
            f"{settings.MASTHEAD_COMMENT_RATE_WINDOW_SECONDS // 60} minutes"
        )
    if duplicate:
        flags.append(DUPLICATE_FLAG)
    if honeypot.strip():
        flags.append("Filled in the hidden field that only robots see")
    if seconds_to_submit is None:
        flags.append("Form timestamp missing or not ours")
    elif seconds_to_submit < settings.MASTHEAD_COMMENT_MIN_SECONDS:
        flags.append(f"Sent {max(seconds_to_submit, 0):.0f} s after the form was shown")
    return flags
