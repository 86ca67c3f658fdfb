"""Absolute URLs, the same way in a request, the CLI and a background job.

In a request the request's own host is used (what the visitor typed). Elsewhere the URL is
built from ``SERVER_NAME`` and ``PREFERRED_URL_SCHEME`` (default ``http://localhost:5000``),
without faking a request context.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import current_app, has_request_context, request, url_for

DEFAULT_SERVER_NAME = "localhost:5000"


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` with ``values``."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    app = current_app
    adapter = app.url_map.bind(
        app.config.get("SERVER_NAME") or DEFAULT_SERVER_NAME,
        script_name=app.config.get("APPLICATION_ROOT") or "/",
        url_scheme=app.config.get("PREFERRED_URL_SCHEME") or "http",
    )
    return adapter.build(endpoint, values, force_external=True)


def base_url() -> str:
    """The site's root URL without a trailing slash (for links written into files)."""
    if has_request_context():
        return request.url_root.rstrip("/")
    cfg = current_app.config
    scheme = cfg.get("PREFERRED_URL_SCHEME") or "http"
    root = (cfg.get("APPLICATION_ROOT") or "/").rstrip("/")
    return f"{scheme}://{cfg.get('SERVER_NAME') or DEFAULT_SERVER_NAME}{root}"


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None: for ``?next=`` after login and the
    language switch.

    Browsers drop tabs and newlines inside URLs, strip leading control characters and read a
    backslash as a slash, so ``/\\t/evil.example`` or ``/\\evil.example`` become
    ``//evil.example``: another site. Anything holding such characters, in plain or
    percent-encoded form, is refused, as is anything with a scheme or a host.
    """
    if not target or len(target) > 2000:
        return None
    candidates = [target]
    decoded = target
    for _ in range(3):  # %252F%252F… decoded twice by some proxy still ends up here
        decoded = unquote(decoded)
        candidates.append(decoded)
    for value in candidates:
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in value):
            return None
        if not value.startswith("/") or value.startswith("//"):
            return None
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            return None
    return target
