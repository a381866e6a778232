"""Who a request comes from, and how much of the site's work one client may ask for.

Anonymous readers can make the site work: a comment to check, a citation
style to format in the background. These helpers name the client behind a
request and count what it asked for in the Django cache, so that every app
bounds that work the same way. They sit beside the apps, not inside one, so
that a lower app (citations) and a higher one (discussion) can both use them.
"""

import hashlib
import hmac
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    # Behind a proxy the deployment sets REMOTE_ADDR correctly (e.g. granian --forwarded).
    return request.META.get("REMOTE_ADDR", "")


def hash_ip(ip: str) -> str:
    """A salted hash of the address: equal for equal IPs, useless for recovering one."""
    key = settings.MASTHEAD_IP_HASH_SALT.encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


def client_key(request) -> str:
    """One key per client for counting its requests, never the address itself.

    An IPv6 client usually holds a whole /64 and can pick a new address in it
    for every request, so its /64 counts as one client.
    """
    ip = client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return hash_ip(ip)
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return hash_ip(str(address.ipv4_mapped))
        return hash_ip(str(ipaddress.ip_network(f"{address}/64", strict=False)))
    return hash_ip(str(address))


@dataclass(frozen=True)
class Budget:
    """At most ``limit`` uses per client in each fixed window of ``window`` seconds.

    Counters live in the cache under a key naming the window, so they expire
    by themselves. Only an allowed use creates a counter: a client that is
    refused adds no keys, so refusals cannot push other clients' counters
    out of a bounded cache.
    """

    name: str
    limit: int
    window: int

    def spend(self, who: str) -> int | None:
        """Count one use by ``who``: None when allowed, else seconds until it may ask again."""
        now = time.time()
        window = max(1, self.window)
        key = f"budget:{self.name}:{who}:{int(now // window)}"
        seconds_left = window - int(now % window)
        used = cache.get(key, 0)
        if used >= self.limit:
            return seconds_left
        if cache.add(key, 1, timeout=seconds_left + 1):
            return None
        try:
            used = cache.incr(key)
        except ValueError:  # expired between get and incr: this use opens a new count
            cache.add(key, 1, timeout=seconds_left + 1)
            return None
        return seconds_left if used > self.limit else None
