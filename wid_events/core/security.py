"""Production hardening: security headers on every response, proxy awareness and the
start-up refusal to run in production without a real ``SECRET_KEY``.

Call :func:`init_app` from the application factory. Templates get ``csp_nonce()`` for the
rare ``<script>`` that cannot be a static file: ``<script nonce="{{ csp_nonce() }}" src=…>``.
Inline ``style=`` attributes, ``<style>`` blocks and ``on…=`` handlers are blocked by the policy:
put CSS in ``static/css/<area>.css`` and JavaScript in ``static/js/<area>.js``.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from wid_events.core.web import error_response

#: Shortest acceptable production ``SECRET_KEY`` (characters); 32 hex characters = 128 bits.
MIN_SECRET_KEY_LENGTH = 32

#: Values that appear in docs, examples and tests: never acceptable in production.
KNOWN_DEFAULT_KEYS = frozenset(
    {
        "dev",
        "development",
        "secret",
        "secret-key",
        "secret_key",
        "changeme",
        "change-me",
        "change-me-to-a-long-random-string",
        "test-secret-key-not-for-production",
        "your-secret-key",
        "replace-me",
    }
)

#: ``Permissions-Policy``: the camera stays available to our own pages (QR check-in scanning);
#: every other powerful feature is off.
PERMISSIONS_POLICY = ", ".join(
    [
        "camera=(self)",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "bluetooth=()",
        "accelerometer=()",
        "gyroscope=()",
        "magnetometer=()",
        "display-capture=()",
        "fullscreen=(self)",
    ]
)

#: One year, without ``includeSubDomains`` (other services may share the parent domain).
HSTS_VALUE = "max-age=31536000"


class InsecureConfiguration(RuntimeError):
    """The app refuses to start: the configuration is unsafe for production."""


def csp_nonce() -> str:
    """The per-request nonce for ``<script nonce=…>``; the same value goes into the CSP header."""
    if not has_request_context():
        return ""  # e-mail or PDF rendered from the CLI or a job: no CSP applies
    # Kept on the request (not ``g``, which can outlive one request in tests and CLI contexts).
    environ = request.environ
    if "wid_events.csp_nonce" not in environ:
        environ["wid_events.csp_nonce"] = secrets.token_urlsafe(18)
    return environ["wid_events.csp_nonce"]


def content_security_policy(nonce: str) -> str:
    """The policy: only our own origin, no inline script (except with this request's nonce),
    no inline style, no plugins, no framing, forms post only to us."""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "media-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    # Deployments may widen single directives (e.g. an embedded livestream player in frame-src).
    directives.update(current_app.config.get("CSP_OVERRIDES") or {})
    return "; ".join(f"{name} {value}" for name, value in directives.items())


#: Paths of pages that hold personal data or a secret of one visitor.
PERSONAL_PREFIXES = ("/manage/", "/registrations/", "/speaker/", "/exhibitor/", "/account/")
#: The registration form carries its own idempotency key; its answer redirects to a personal link.
PERSONAL_ENDPOINTS = frozenset({"registration.register", "registration.resend"})


def _is_personal(path: str, endpoint: str | None) -> bool:
    return path.startswith(PERSONAL_PREFIXES) or endpoint in PERSONAL_ENDPOINTS


def set_security_headers(response: Response) -> Response:
    """``after_request``: headers a view already set (a deliberate exception) are kept."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("PREFERRED_URL_SCHEME") == "https":
        headers.setdefault("Strict-Transport-Security", HSTS_VALUE)
    if _is_personal(request.path, request.endpoint) and "Cache-Control" not in headers:
        # Organiser pages and personal links hold personal data (or, on the registration form,
        # a fresh idempotency key): never keep them in a shared cache or browser history.
        headers["Cache-Control"] = "private, no-store"
    return response


def check_secret_key(app: Flask) -> None:
    """In production (``WID_ENV=production``), stop unless ``SECRET_KEY`` is real."""
    if app.config.get("WID_ENV") != "production":
        return
    key = app.config.get("SECRET_KEY")
    if not key:
        raise InsecureConfiguration(
            "WID_ENV=production but SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE) to a "
            'random value of at least 32 characters, e.g. python -c "import secrets; '
            'print(secrets.token_hex(32))". All workers and hosts must share it.'
        )
    key_text = key.decode() if isinstance(key, bytes) else str(key)
    if key_text.strip().lower() in KNOWN_DEFAULT_KEYS:
        raise InsecureConfiguration(
            "WID_ENV=production but SECRET_KEY is a well-known example value. Generate a random one."
        )
    if len(key_text) < MIN_SECRET_KEY_LENGTH:
        raise InsecureConfiguration(
            f"WID_ENV=production but SECRET_KEY has only {len(key_text)} characters; "
            f"use at least {MIN_SECRET_KEY_LENGTH} random characters."
        )
    if len(set(key_text)) < 8:
        raise InsecureConfiguration(
            "WID_ENV=production but SECRET_KEY is not random (too few distinct characters)."
        )


def _too_many_requests(exc: TooManyRequests):
    """A friendly 429 (HTML or JSON) instead of the limiter's terse "10 per 1 minute"."""
    message = str(_l("Too many attempts in a short time. Please wait a minute, then try again."))
    response = error_response(429, message, "rate_limited")
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        body, status = response
        return body, status, {"Retry-After": str(int(retry_after))}
    return response


def init_app(app: Flask) -> None:
    check_secret_key(app)
    hops = int(app.config.get("TRUST_PROXY") or 0)
    if hops > 0:
        # Behind N reverse proxies: take the client address, scheme (https) and host from
        # their X-Forwarded-For/-Proto/-Host headers, so request.is_secure, url_for(_external)
        # and rate limits per client address work. X-Forwarded-Port/-Prefix stay ignored:
        # common proxy configs pass a client's own value through. Never enable this without a
        # proxy in front, or clients can fake their address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if app.config.get("WID_ENV") == "production" and app.config.get("PREFERRED_URL_SCHEME") != "https":
        app.logger.warning(
            "WID_ENV=production without PREFERRED_URL_SCHEME=https: session cookies are not marked "
            "Secure and HSTS is off. Serve the site over HTTPS."
        )
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(set_security_headers)
    app.register_error_handler(429, _too_many_requests)
