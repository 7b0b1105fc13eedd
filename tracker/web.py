"""HTTP rules of the web server, kept free of Streamlit so that they can be tested alone.

- Forwarded headers (``X-Forwarded-For``, ``X-Forwarded-Proto``) are believed only from the
  proxies named in ``TRACKER_TRUSTED_PROXIES`` (addresses or networks, comma separated):
  then the session cookie is ``Secure`` when the browser reached the proxy over HTTPS, and
  the sign-in limits count the browser's address, not the proxy's. Addresses are compared
  as addresses: an IPv4-mapped IPv6 address (``::ffff:127.0.0.1``, what a server bound to
  all addresses sees) is the IPv4 address it maps, whether it is the peer or the network.
- Every response forbids framing by another site (``X-Frame-Options`` and CSP
  ``frame-ancestors``) and sniffing, and sends no referrer to other sites.
- The cookie routes refuse cross-site requests: ``Sec-Fetch-Site`` must say
  ``same-origin`` (browsers send it), else ``Origin``, when sent, must be this host; and a
  form field must repeat the page's anti-forgery cookie (``CSRF_COOKIE``), which another site
  can neither read nor send along with a form.
- Streamlit's ``/media/<id>`` addresses (``media_file_id``) are answered by ``server.py``
  itself (``tracker.downloads``): a download goes once, to the session it was made for.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import cache
from urllib.parse import quote, urlsplit

CSRF_COOKIE = "tracker_csrf"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SECURITY_HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",  # Streamlit's own components are same-origin frames
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"
MEDIA_ROUTE = "media"  # Streamlit's files: /media/<id> (server.py answers them itself)


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")  # IPv4 addresses as a dual-stack socket sees them


def _unmapped_network(network: Network) -> Network:
    """``::ffff:10.0.0.0/104`` is ``10.0.0.0/8``: one address family for every comparison."""
    if (isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96
            and network.network_address in _MAPPED):
        mapped = network.network_address.ipv4_mapped
        assert mapped is not None  # inside ::ffff:0:0/96
        return ipaddress.IPv4Network((mapped, network.prefixlen - 96))
    return network


@cache
def parse_networks(text: str | None) -> tuple[Network, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` as networks; words that are no address are ignored.
    IPv4-mapped IPv6 networks are kept as the IPv4 networks they are."""
    networks = []
    for word in (text or "").replace(";", ",").split(","):
        try:
            networks.append(_unmapped_network(ipaddress.ip_network(word.strip(), strict=False)))
        except ValueError:
            continue
    return tuple(networks)


def address_of(host: str | None) -> Address | None:
    """The address ``host`` names, an IPv4-mapped IPv6 address as its IPv4 address (a server
    bound to all addresses sees a proxy on 127.0.0.1 as ``::ffff:127.0.0.1``); ``None`` for
    anything that is no address."""
    try:
        address = ipaddress.ip_address((host or "").strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def canonical(host: str) -> str:
    """``host`` written one way for each address (``::ffff:192.0.2.1`` is ``192.0.2.1``),
    so that one client is one sign-in bucket; anything else unchanged."""
    address = address_of(host)
    return host if address is None else str(address)


def is_loopback(host: str | None) -> bool:
    address = address_of(host)
    return address is not None and address.is_loopback


def is_trusted(host: str | None, networks: Iterable[Network]) -> bool:
    address = address_of(host)
    if address is None:
        return False
    return any(address.version == n.version and address in n
               for n in map(_unmapped_network, networks))


def forwarded_client(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The browser's address: the right-most address of ``X-Forwarded-For`` that is not one
    of our proxies (what a proxy appends is true; what the browser wrote on the left is not)."""
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed([*hops, peer]):
        if not is_trusted(hop, networks):
            return canonical(hop)
    return canonical(hops[0] if hops else peer)


def same_origin(headers: Mapping[str, str]) -> bool:
    """Whether a request to a cookie route comes from a page of this very site."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-site request; the token is still required
    return bool(origin) and urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


def media_file_id(path: str, base: str = "") -> str | None:
    """The file id of a request to Streamlit's ``/media/`` route (under ``base``, Streamlit's
    ``server.baseUrlPath``); ``""`` for a malformed one; ``None`` for any other path."""
    prefix = "/" + "/".join(part for part in (base.strip("/"), MEDIA_ROUTE) if part) + "/"
    if not path.startswith(prefix):
        return None
    file_id = path[len(prefix):]
    return file_id if file_id and "/" not in file_id else ""


def attachment(file_name: str) -> str:
    """A ``Content-Disposition`` that saves the file as ``file_name``: quoted when that is
    safe, else RFC 5987's percent-encoded form (no quote, backslash or line break can end
    the header or the parameter)."""
    if file_name.isascii() and file_name.isprintable() and not any(c in file_name
                                                                   for c in '"\\'):
        return f'attachment; filename="{file_name}"'
    return f"attachment; filename*=utf-8''{quote(file_name, safe='')}"
