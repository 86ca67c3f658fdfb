"""Request-side glue shared by all blueprints: errors, locale, token hashing, template helpers.

The decorators that load an event and check the organiser role are in
:mod:`wid_events.events.access`; the login loaders in :mod:`wid_events.accounts.auth`.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from babel import Locale
from babel import dates as babel_dates
from flask import Flask, current_app, has_request_context, jsonify, render_template, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from wid_events.core.text import safe_markdown, safe_url
from wid_events.errors import DomainError
from wid_events.extensions import db

ERROR_TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("File too large"),
    422: _l("Invalid input"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Service unavailable"),
}


def wants_json() -> bool:
    """API paths, ``.json`` URLs and clients that prefer JSON get JSON errors."""
    path = request.path
    if path.startswith("/api/") or path.endswith(".json"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, message: str, code: str | None = None):
    code = code or {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        422: "validation_failed",
        429: "rate_limited",
        500: "server_error",
        503: "unavailable",
    }.get(status, "error")
    if wants_json():
        return jsonify({"error": {"code": code, "message": message}}), status
    title = ERROR_TITLES.get(status, _l("Error"))
    return render_template("errors/error.html", status=status, title=title, message=message), status


def select_locale() -> str | None:
    if not has_request_context():  # CLI and jobs: the default locale
        return None
    langs = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in langs:
        return chosen
    user = current_user if current_user and current_user.is_authenticated else None
    if user is not None and getattr(user, "locale", None) in langs:
        return user.locale
    return request.accept_languages.best_match(langs) or current_app.config["BABEL_DEFAULT_LOCALE"]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


EN_GB = Locale("en", "GB")


def format_locale(locale: Locale | str | None = None) -> Locale:
    """The Babel locale for dates and times: the current (or given) one, except that plain
    English formats as en-GB – day before month and 24-hour times (a Belgian reads "3/11/27"
    as 3 November) – everywhere: pages, forms, emails and PDFs."""
    if locale is None:
        try:
            locale = get_locale()
        except RuntimeError:  # no app context
            locale = None
    if locale is None:
        locale = Locale("en")
    if isinstance(locale, str):
        locale = Locale.parse(locale.replace("-", "_"))
    if locale.language == "en" and not locale.territory:
        return EN_GB
    return locale


def local_dt(value: dt.datetime | None, fmt: str = "medium", locale: Locale | str | None = None) -> str:
    """Format a naive local (event-timezone) datetime without shifting it."""
    if value is None:
        return ""
    loc = format_locale(locale)
    if fmt in ("full", "long"):  # Babel's long/full times name a zone, which naive times lack
        day = babel_dates.format_date(value.date(), fmt, locale=loc)
        return f"{day}, {babel_dates.format_time(value.time(), 'short', locale=loc)}"
    return babel_dates.format_datetime(value.replace(tzinfo=None), fmt, locale=loc)


def local_time(
    value: dt.datetime | dt.time | None, fmt: str = "short", locale: Locale | str | None = None
) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None).time()
    if fmt in ("full", "long"):
        fmt = "short"
    return babel_dates.format_time(value, fmt, locale=format_locale(locale))


def local_date(value: dt.date | None, fmt: str = "medium", locale: Locale | str | None = None) -> str:
    if value is None:
        return ""
    return babel_dates.format_date(value, fmt, locale=format_locale(locale))


def init_app(app: Flask) -> None:
    """Error handlers and template helpers. The login loaders are :mod:`wid_events.accounts.auth`'s."""

    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        db.session.rollback()
        return error_response(exc.status, exc.message, exc.code)

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if exc.code == 413:
            mb = current_app.config["MAX_UPLOAD_MB"]
            message = str(_l("The file is larger than the %(mb)s MB limit. Nothing was saved.", mb=mb))
        else:
            message = exc.description or ""
        response = error_response(exc.code, message)
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            body, status = response
            return body, status, {"Allow": ", ".join(exc.valid_methods)}
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        current_app.logger.exception("Unhandled error")
        db.session.rollback()
        return error_response(500, str(_l("An unexpected error occurred. It has been logged.")))

    app.jinja_env.globals.update(local_dt=local_dt, local_time=local_time, local_date=local_date)
    app.jinja_env.filters.update(
        local_dt=local_dt,
        local_time=local_time,
        local_date=local_date,
        markdown=safe_markdown,
        safe_url=safe_url,
    )

    @app.context_processor
    def inject_globals():
        return {"current_locale": str(get_locale() or "en"), "languages": app.config["LANGUAGES"]}


# --------------------------------------------------------------------------- this browser's registration


def remember_registration(event_id: int, token: str) -> None:
    """Remember, in this browser's signed session cookie, the attendee's personal link for the
    event (set when they open their registration page), so public pages such as a job offer can
    lead them straight to their own pages. No account is involved."""
    session[f"reg:{event_id}"] = token


def remembered_registration(event_id: int) -> str | None:
    return session.get(f"reg:{event_id}")


def remember_next(event_id: int, url: str) -> None:
    """Where to go back after registering (e.g. the job offer whose interview needs a registration)."""
    if url.startswith("/") and not url.startswith("//"):
        session[f"next:{event_id}"] = url


def remembered_next(event_id: int, *, forget: bool = False) -> str | None:
    return session.pop(f"next:{event_id}", None) if forget else session.get(f"next:{event_id}")
