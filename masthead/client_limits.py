"""Who a request comes from, and how much of the site's work one client may ask for.

Anonymous readers can make the site work: a comment to check, a citation
style to format in the background. These helpers name the client behind a
request, so that every app bounds that work per client the same way. What a
client used is counted in the database by the app that grants it (comments
from the comments table, citation styles in ``citations.StyleRequest``), never
in the cache, which an eviction or a restart empties. They sit beside the
apps, not inside one, so that a lower app (citations) and a higher one
(discussion) can both use them.
"""

import functools
import hashlib
import hmac
import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The reader's address: ``REMOTE_ADDR``, or behind our own proxies the one they saw.

    ``X-Forwarded-For`` is read only when the connection comes from a proxy named in
    ``MASTHEAD_TRUSTED_PROXIES``, and then from its right-hand end: each proxy appends
    the address it was reached from, so the first hop from the right that is not one
    of ours is the reader. Whatever a client wrote further left is its own claim and
    is never believed (otherwise anyone could pick a fresh address per comment).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        try:
            address = ipaddress.ip_address(hop.strip())
        except ValueError:
            break  # garbage no proxy of ours wrote: the last proxy we trust is the client
        if not is_trusted_proxy(address):
            return str(address)
        remote = str(address)
    return remote


def is_trusted_proxy(address) -> bool:
    if not settings.MASTHEAD_TRUSTED_PROXIES:
        return False
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(address in network for network in trusted_proxy_networks())


@functools.cache
def parse_networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxy_networks() -> tuple:
    return parse_networks(tuple(settings.MASTHEAD_TRUSTED_PROXIES))


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
