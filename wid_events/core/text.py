"""Untrusted text (bios, descriptions) rendered as safe HTML."""

from __future__ import annotations

from urllib.parse import urlsplit

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "blockquote",
    "h3",
    "h4",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def safe_markdown(text: str | None) -> Markup:
    """Markdown to HTML, then sanitised: no script, no event handlers, no ``javascript:`` links."""
    if not text:
        return Markup("")
    html = md.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s) or mailto, else None (refuses ``javascript:`` and friends)."""
    if not url:
        return None
    stripped = url.strip()
    scheme = stripped.split(":", 1)[0].lower() if ":" in stripped else ""
    return stripped if scheme in URL_SCHEMES else None


#: Characters that never belong in a URL as typed (RFC 3986) and that break out of attributes.
_URL_FORBIDDEN = frozenset('"<>\\^`{|}')


def is_http_url(url: str | None, max_length: int = 1000) -> bool:
    """Whether ``url`` is an absolute ``http(s)`` URL with a real host name: no spaces, control
    characters, quotes, angle brackets or backslashes (``https://ok.example/"onmouseover=…``
    is refused), and a port, if any, that is a number. Every URL field (forms, the event
    package import, the portals) is checked with this."""
    if not url or len(url) > max_length:
        return False
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 or ch in _URL_FORBIDDEN for ch in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not host or parts.username or parts.password:
        return False
    if host.startswith((".", "-")) or ".." in host:
        return False
    return all(ch.isalnum() or ch in ".-_:" for ch in host)
