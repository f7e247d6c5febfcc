"""Which addresses a cover may be fetched from.

A cover link comes from the gateway and is fetched by merely moving the
cursor, so a hostile ``image_url`` could make the monitor send requests into
the user's own machine or network: the cloud metadata service at
169.254.169.254, a router's admin page, a local service on 127.0.0.1.

A cover on a public address is always fetched. One on a loopback (127/8,
::1, 0.0.0.0), link-local (169.254/16, fe80::/10) or private address
(10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 and every other range that
is not globally routable) is refused, unless the gateway itself is on an
address of the same kind: the simulator and a relay on localhost serve their
covers from loopback, a relay on the LAN from a private address. Private
ranges are refused as well as loopback and link-local because a public
gateway has no reason to point at the user's LAN, and a request there can
have effects (GET-triggered admin actions) the user never asked for.

Host names are resolved (every address they resolve to must pass); a name
that does not resolve is left to the HTTP client, which will fail on it the
same way or hand it to a proxy. The client resolves the name again when it
connects, so a DNS server that answers differently the second time (DNS
rebinding) is not stopped by this check.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["LOCAL_KINDS", "address_kind", "host_of", "literal_kind", "refusal"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: the kinds of address a cover is refused on unless the gateway is on one too
LOCAL_KINDS = ("loopback", "link-local", "private")


def address_kind(address: IPAddress) -> str:
    """``public``, ``loopback``, ``link-local`` or ``private``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_unspecified or address.is_loopback:
        return "loopback"  # connecting to 0.0.0.0 reaches this machine
    if address.is_link_local:
        return "link-local"
    if address.is_global and not address.is_multicast:
        return "public"
    return "private"


def literal_kind(host: str) -> str | None:
    """The kind of ``host`` if it is an IP address literal, else None."""
    try:
        return address_kind(ipaddress.ip_address(host.strip("[]").split("%")[0]))
    except ValueError:
        return None


def host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def refusal(cover_kinds: set[str], gateway_kinds: set[str]) -> str | None:
    """Why a cover on addresses of ``cover_kinds`` is refused, or None."""
    for kind in LOCAL_KINDS:
        if kind in cover_kinds and kind not in gateway_kinds:
            return f"cover on a {kind} address refused"
    return None
