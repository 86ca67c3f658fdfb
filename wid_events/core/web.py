"""Request-side glue shared by all blueprints: errors, auth loaders, template helpers."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, has_request_context, jsonify, render_template, request
from flask_babel import format_date, format_datetime, format_time
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from wid_events.core.text import safe_markdown, safe_url
from wid_events.errors import DomainError
from wid_events.extensions import db, login_manager

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


def local_dt(value: dt.datetime | None, fmt: str = "medium") -> str:
    """Format a naive local (event-timezone) datetime without shifting it."""
    if value is None:
        return ""
    return format_datetime(value, fmt, rebase=False)


def local_time(value: dt.datetime | dt.time | None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return format_time(value, fmt, rebase=False)


def local_date(value: dt.date | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, fmt)


def event_or_404(slug: str):
    from wid_events.events.models import Event

    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def organiser_required(view: Callable) -> Callable:
    """For ``/manage/events/<slug>/…`` views: log in, load the event, check the role for it.

    The view receives ``event`` instead of ``slug``.
    """
    from wid_events.accounts.permissions import is_organiser

    @functools.wraps(view)
    def wrapper(*args, slug: str, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        event = event_or_404(slug)
        if not is_organiser(current_user._get_current_object(), event):
            abort(403)
        g.event = event
        return view(*args, event=event, **kwargs)

    return wrapper


def api_organiser_required(view: Callable) -> Callable:
    """For organiser API views: a valid bearer token of an organiser of that event."""
    from wid_events.accounts.permissions import is_organiser

    @functools.wraps(view)
    def wrapper(*args, slug: str, **kwargs):
        if not current_user.is_authenticated:
            return error_response(401, "A valid bearer token is required.", "unauthorized")
        event = event_or_404(slug)
        if not is_organiser(current_user._get_current_object(), event):
            return error_response(403, "You are not an organiser of this event.", "forbidden")
        g.event = event
        return view(*args, event=event, **kwargs)

    return wrapper


def init_app(app: Flask) -> None:
    from wid_events.accounts.models import ApiToken, User

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    @login_manager.request_loader
    def load_user_from_bearer(req):
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        token = db.session.scalar(
            sa.select(ApiToken).where(
                ApiToken.token_hash == hash_token(header[7:].strip()), ApiToken.revoked_at.is_(None)
            )
        )
        if token is None or not token.user.is_active:
            return None
        return token.user

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
        from flask_babel import get_locale

        return {
            "current_locale": str(get_locale() or "en"),
            "languages": app.config["LANGUAGES"],
            "site_name": app.config.get("SITE_NAME") or "wid_events",
        }
