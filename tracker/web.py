"""HTTP rules of the web server, kept free of Streamlit so that they can be tested alone.

- Forwarded headers (``X-Forwarded-For``, ``X-Forwarded-Proto``) are believed only from the
  proxies named in ``TRACKER_TRUSTED_PROXIES`` (addresses or networks, comma separated):
  then the session cookie is ``Secure`` when the browser reached the proxy over HTTPS, and
  the sign-in limits count the browser's address, not the proxy's.
- Every response forbids framing by another site (``X-Frame-Options`` and CSP
  ``frame-ancestors``) and sniffing, and sends no referrer to other sites.
- The cookie routes refuse cross-site requests: ``Sec-Fetch-Site`` must say
  ``same-origin`` (browsers send it), else ``Origin``, when sent, must be this host; and a
  form field must repeat the page's anti-forgery cookie (``CSRF_COOKIE``), which another site
  can neither read nor send along with a form.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import cache
from urllib.parse import urlsplit

CSRF_COOKIE = "tracker_csrf"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SECURITY_HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",  # Streamlit's own components are same-origin frames
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"


@cache
def parse_networks(text: str | None) -> tuple[Network, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` as networks; words that are no address are ignored."""
    networks = []
    for word in (text or "").replace(";", ",").split(","):
        try:
            networks.append(ipaddress.ip_network(word.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def is_trusted(host: str | None, networks: Iterable[Network]) -> bool:
    try:
        address = ipaddress.ip_address((host or "").strip("[]"))
    except ValueError:
        return False
    return any(address.version == n.version and address in n for n in networks)


def forwarded_client(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The browser's address: the right-most address of ``X-Forwarded-For`` that is not one
    of our proxies (what a proxy appends is true; what the browser wrote on the left is not)."""
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed([*hops, peer]):
        if not is_trusted(hop, networks):
            return hop
    return hops[0] if hops else peer


def same_origin(headers: Mapping[str, str]) -> bool:
    """Whether a request to a cookie route comes from a page of this very site."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-site request; the token is still required
    return bool(origin) and urlsplit(origin).netloc.lower() == headers.get("host", "").lower()
