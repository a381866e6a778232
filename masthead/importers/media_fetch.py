"""Fetching an imported site's pictures from the old site, carefully.

``import_wxr --fetch-media`` downloads what an export refers to. The addresses come
from a file someone else wrote, so each fetch is bounded and pointed only where it
should go:

- http and https only; a bounded number of redirects, each one checked like the first;
- the host is resolved here and *every* address it resolves to must be a public one
  (no loopback, private, link-local, multicast or reserved ranges: the import must not
  become a way to read the server's own network). The connection then goes to the
  address that was checked, not to a second lookup that might answer differently;
- an operator may allow hosts by name (``--allow-host``, ``MASTHEAD_MEDIA_FETCH_ALLOWED_HOSTS``):
  an intranet site being migrated, or a test's local server standing in for the old site;
- a limit on bytes (the body-image limit) read as the answer streams in, and on time
  (connecting, each read, and the whole fetch).

A refusal or failure is a ``FetchFailed`` with a short reason; the import reports it
and keeps the original address.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings


class FetchFailed(Exception):
    """The picture was not fetched; the message says why in a few words."""


@dataclass
class FetchPolicy:
    max_bytes: int
    seconds: float
    max_redirects: int = 3
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls, extra_hosts=()) -> "FetchPolicy":
        hosts = {h.strip().lower() for h in settings.MASTHEAD_MEDIA_FETCH_ALLOWED_HOSTS if h}
        hosts |= {h.strip().lower() for h in extra_hosts if h and h.strip()}
        return cls(
            max_bytes=settings.MASTHEAD_BODY_IMAGE_MAX_BYTES,
            seconds=settings.MASTHEAD_MEDIA_FETCH_SECONDS,
            allowed_hosts=frozenset(hosts),
        )


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _checked_address(host: str, port: int, policy: FetchPolicy) -> str:
    """The address to connect to: every address ``host`` resolves to must be public,
    unless the operator allowed the host by name."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(f"the host {host} could not be resolved ({error})") from None
    addresses = [answer[4][0] for answer in answers]
    if not addresses:
        raise FetchFailed(f"the host {host} has no address")
    if host.lower() not in policy.allowed_hosts:
        refused = [address for address in addresses if not _is_public(address)]
        if refused:
            raise FetchFailed(
                f"the host {host} resolves to a non-public address ({refused[0]}); "
                "allow it by name with --allow-host if it is really the old site"
            )
    return addresses[0]


def fetch(url: str, policy: FetchPolicy) -> bytes:
    """The body of ``url`` (following checked redirects), or ``FetchFailed``."""
    return fetch_with_type(url, policy)[0]


def fetch_with_type(url: str, policy: FetchPolicy) -> tuple[bytes, str]:
    """The body of ``url`` and the type its server declared ("" if none), or ``FetchFailed``."""
    deadline = time.monotonic() + policy.seconds
    for _hop in range(policy.max_redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchFailed(f"only http and https addresses are fetched, not “{url[:80]}”")
        host = parts.hostname
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchFailed(f"the address {url[:80]} has an invalid port") from None
        address = _checked_address(host, port, policy)
        response = _request(parts, host, port, address, deadline, policy)
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location", "")
                if not location:
                    raise FetchFailed(f"a redirect without a Location from {host}")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchFailed(f"the old site answered {response.status}")
            declared = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            return _read_bounded(response, deadline, policy), declared
        finally:
            response.release_conn()
    raise FetchFailed(f"more than {policy.max_redirects} redirects")


def _request(parts, host, port, address, deadline, policy):
    remaining = max(0.1, deadline - time.monotonic())
    timeout = urllib3.Timeout(connect=min(remaining, 10.0), read=min(remaining, 15.0))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    host_header = host if parts.port is None else f"{host}:{port}"
    if parts.scheme == "https":
        # Connect to the checked address; the certificate is checked against the name.
        pool = urllib3.HTTPSConnectionPool(
            address, port, server_hostname=host, assert_hostname=host, timeout=timeout,
            maxsize=1, retries=False,
        )  # fmt: skip
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, maxsize=1, retries=False)
    try:
        return pool.urlopen(
            "GET",
            path,
            headers={"Host": host_header, "User-Agent": "Masthead import_wxr (media)"},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
    except urllib3.exceptions.HTTPError as error:
        raise FetchFailed(f"{host} could not be reached ({type(error).__name__})") from None


def _read_bounded(response, deadline, policy) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchFailed(f"larger than {policy.max_bytes:,} bytes ({int(declared):,})")
    chunks, size = [], 0
    try:
        for chunk in response.stream(64 * 1024):
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchFailed(f"larger than {policy.max_bytes:,} bytes")
            if time.monotonic() > deadline:
                raise FetchFailed(f"took longer than {policy.seconds:g} seconds")
            chunks.append(chunk)
    except urllib3.exceptions.HTTPError as error:
        raise FetchFailed(f"the download broke off ({type(error).__name__})") from None
    return b"".join(chunks)
