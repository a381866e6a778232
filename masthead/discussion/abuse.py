"""Cheap, layered checks on a submitted comment.

Only two things stop a submission: a request from another site (the Origin or
Referer does not name this one) and a rate limit (429). Everything else only
*flags* the comment with a reason a moderator reads in the queue; every
comment is pre-moderated anyway, so nothing is discarded on a guess.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.http import url_has_allowed_host_and_scheme

from masthead.discussion.models import ModerationRules
from masthead.discussion.text import count_links

FORM_TOKEN_SALT = "masthead.discussion.form-started"  # noqa: S105 - a namespace, not a secret


def hash_ip(ip: str) -> str:
    """A salted hash of the address: equal for equal IPs, useless for recovering one."""
    key = settings.MASTHEAD_IP_HASH_SALT.encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


def client_ip(request) -> str:
    # Behind a proxy the deployment sets REMOTE_ADDR correctly (e.g. granian --forwarded).
    return request.META.get("REMOTE_ADDR", "")


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
def new_form_token() -> str:
    """When the form was rendered, signed so it cannot be forged to look older."""
    return signing.dumps(int(time.time()), salt=FORM_TOKEN_SALT, compress=False)


def seconds_since_form_rendered(token: str) -> float | None:
    """None when the token is missing or was not made by us."""
    try:
        started = signing.loads(token, salt=FORM_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(started, int):
        return None
    return time.time() - started


# --- rate limits ---------------------------------------------------------------------
@dataclass
class RateCount:
    per_ip: int
    per_email: int

    @property
    def exceeded(self) -> bool:
        return (
            self.per_ip > settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_IP
            or self.per_email > settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL
        )


def _bump(key: str) -> int:
    window = settings.MASTHEAD_COMMENT_RATE_WINDOW_SECONDS
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def count_submission(ip_hash: str, email: str) -> RateCount:
    """Count this submission against the sender's IP and email, in a fixed time window."""
    email_key = hashlib.sha256(email.lower().encode()).hexdigest()
    return RateCount(
        per_ip=_bump(f"discussion:rate:ip:{ip_hash}"),
        per_email=_bump(f"discussion:rate:email:{email_key}"),
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
) -> list[str]:
    """Why a moderator should look twice at this comment, in words they will read."""
    flags = []
    if not known_commenter:
        flags.append("First-time commenter")
    rules = ModerationRules.cached()
    links = count_links(body)
    if links > rules.max_links:
        flags.append(f"{links} links (more than {rules.max_links})")
    folded = body.casefold()
    listed = [word for word in rules.word_list if word in folded]
    if listed:
        flags.append("Listed word: " + ", ".join(listed[:5]))
    soft_limit = settings.MASTHEAD_COMMENT_RATE_FLAG_AFTER
    if rate.per_ip > soft_limit or rate.per_email > soft_limit:
        flags.append(
            f"Rate: {max(rate.per_ip, rate.per_email)} comments from this sender within "
            f"{settings.MASTHEAD_COMMENT_RATE_WINDOW_SECONDS // 60} minutes"
        )
    if duplicate:
        flags.append("Duplicate of an earlier comment")
    if honeypot.strip():
        flags.append("Filled in the hidden field that only robots see")
    if seconds_to_submit is None:
        flags.append("Form timestamp missing or not ours")
    elif seconds_to_submit < settings.MASTHEAD_COMMENT_MIN_SECONDS:
        flags.append(f"Sent {max(seconds_to_submit, 0):.0f} s after the form was shown")
    return flags
