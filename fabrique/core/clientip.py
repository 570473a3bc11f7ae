"""The address of the person at the other end of a request, which a forged header cannot choose.

`X-Forwarded-For` is a list each proxy extends on the right with the address it received the request from.
Only its rightmost entries, written by our own proxies, can be believed; anything to their left is whatever
the client sent. So the header is read only when the request arrives from one of `TRUSTED_PROXIES` (the
connection's own address, `REMOTE_ADDR`, which nobody can forge over TCP), and then only the entry
`TRUSTED_PROXY_COUNT` places from the right. A request that reaches the application server directly keeps
its connection's address, whatever headers it carries.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def trusted_networks(entries):
    """`TRUSTED_PROXIES` entries (addresses or CIDR blocks) as networks; ValueError names a malformed one."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"« {entry} » n'est ni une adresse IP ni un réseau CIDR") from exc
    return tuple(networks)


def parse_address(value):
    """An IP address from a header or `REMOTE_ADDR` entry ("1.2.3.4", "1.2.3.4:5678", "[::1]:80"), or None."""
    value = (value or "").strip()
    if value.startswith("["):  # "[2001:db8::1]:443"
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket ("::ffff:192.0.2.1") is that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address


def is_trusted_proxy(address):
    if address is None:
        return False
    return any(address in network for network in trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def from_trusted_proxy(request):
    """Whether the request's connection comes from one of our reverse proxies."""
    return is_trusted_proxy(parse_address(request.META.get("REMOTE_ADDR")))


def client_ip(request):
    """The client's address as a string: the connection's, or the one our trusted proxies forwarded."""
    remote = parse_address(request.META.get("REMOTE_ADDR"))
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote is None or hops <= 0 or not forwarded or not is_trusted_proxy(remote):
        return str(remote) if remote is not None else ""
    entries = [entry for entry in forwarded.split(",") if entry.strip()]
    if not entries:
        return str(remote)
    # Fewer entries than hops: the request entered the chain after the outermost proxy (an inner proxy
    # was reached directly), so the leftmost entry is the one that proxy wrote.
    forwarded_address = parse_address(entries[-min(hops, len(entries))])
    return str(forwarded_address if forwarded_address is not None else remote)
