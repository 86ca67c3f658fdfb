"""Untrusted text (bios, descriptions) rendered as safe HTML."""

from __future__ import annotations

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
