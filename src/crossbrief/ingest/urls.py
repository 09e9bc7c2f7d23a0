"""Canonical URLs: one spelling of a page's address, so that the same page is known once."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track the reader, not choose the page.
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "piwik_")
TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ocid", "cmpid", "ito", "smid",
    "sr_share", "ref", "ref_src", "share", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname",
}


def canonical_url(url: str) -> str:
    """`url` with scheme and host lower-cased, default port, fragment and tracking parameters
    dropped, and the remaining query sorted; "" when it is not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower().rstrip(".")
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING_PREFIXES) and k.lower() not in TRACKING_PARAMS
    )
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))
