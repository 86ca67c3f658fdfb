"""Request-side glue shared by all blueprints: errors, locale, token hashing, template helpers.

The decorators that load an event and check the organiser role are in
:mod:`wid_events.events.access`; the login loaders in :mod:`wid_events.accounts.auth`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re

import sqlalchemy as sa
from babel import Locale
from babel import dates as babel_dates
from babel.support import Translations
from flask import Flask, current_app, g, has_request_context, jsonify, render_template, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.routing import IntegerConverter as _WerkzeugIntegerConverter
from wtforms.i18n import messages_path

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


#: The largest id or count any column holds (PostgreSQL ``integer``); larger numbers in a URL,
#: a query string or a form are refused before they reach the database.
MAX_INT = 2**31 - 1


class IntegerConverter(_WerkzeugIntegerConverter):
    """``<int:…>`` in every route: at most :data:`MAX_INT`, so ``/sessions/2147483648`` is a 404
    instead of a database error."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def int_arg(name: str, source=None) -> int | None:
    """A non-negative integer query (or form) argument within :data:`MAX_INT`, else None."""
    raw = (source if source is not None else request.args).get(name, "")
    raw = raw.strip() if isinstance(raw, str) else ""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if value <= MAX_INT else None


#: NUL (which PostgreSQL text cannot hold) or a lone surrogate (not encodable as UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _bad_text(value) -> bool:
    """NUL (which PostgreSQL text cannot hold) or a lone surrogate (not encodable as UTF-8)."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_bad_text(k) or _bad_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_text(v) for v in value)
    return False


def _clean_text(value: str) -> str:
    return _UNSTORABLE.sub("\ufffd", value)


def reject_unstorable_input() -> None:
    """``before_request``: a NUL byte or a lone surrogate in the path, a form field or a JSON
    body is a 400 with a clear message, never a database error. In the query string they
    become U+FFFD, so filters answer as for any other unknown value."""
    args = request.args
    if any(_bad_text(k) or _bad_text(v) for k, vs in args.lists() for v in [*vs, k]):
        request.args = ImmutableMultiDict(
            [(_clean_text(k), _clean_text(v)) for k, vs in args.lists() for v in vs]
        )
    values: list = [request.path]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.is_json:
            values.append(request.get_json(silent=True))
        else:
            values.extend(request.form.keys())
            values.extend(v for vs in request.form.listvalues() for v in vs)
            values.extend(f.filename or "" for f in request.files.values())
    if any(_bad_text(v) for v in values):
        message = _l("The request contains a NUL byte or an invalid Unicode character. Please remove it.")
        raise BadRequest(str(message))


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


@functools.cache
def wtforms_translations(locale: str) -> Translations:
    """WTForms' own messages ("This field is required.") in ``locale``, parsed once per process."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


def seed_wtforms_translations() -> None:
    """Flask-WTF parses WTForms' catalogue again on every request that validates a form unless
    the request already holds it (``request.wtforms_translations``, see ``flask_wtf.i18n``):
    hand it the cached one. Submissions only: a GET that still needs it loads it as before."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        request.wtforms_translations = wtforms_translations(str(get_locale() or "en"))


def init_app(app: Flask) -> None:
    """Error handlers and template helpers. The login loaders are :mod:`wid_events.accounts.auth`'s."""
    app.url_map.converters["int"] = IntegerConverter
    app.before_request(reject_unstorable_input)
    app.before_request(seed_wtforms_translations)

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

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    def handle_database_down(exc: Exception):
        """The database does not answer (or dropped the connection): a short 503, not a 500."""
        current_app.logger.error(
            "Database unavailable: %s: %s", type(exc).__name__, str(exc).replace("\n", " ")[:600]
        )
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            db.session.invalidate()
        # The page must not ask the database who is logged in: render it for a visitor.
        g._login_user = login_manager.anonymous_user()
        message = str(_l("The site is temporarily unavailable. Please try again in a few minutes."))
        body, status = error_response(503, message, "unavailable")
        return body, status, {"Retry-After": "60"}

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
        return {
            "current_locale": str(get_locale() or "en"),
            "languages": app.config["LANGUAGES"],
            "site_name": app.config.get("SITE_NAME") or "wid_events",
        }


# --------------------------------------------------------------------------- this browser's sign-ins

#: Session keys of the token portals' sign-ins. Speakers and exhibitors change public content,
#: so :func:`wid_events.core.httpcache.shareable` gives them fresh, private pages as it does
#: logged-in users: a shared copy (``max-age``) would show them the page from before their change.
SPEAKER_SESSION_KEY = "speaker_person_id"
EXHIBITOR_SESSION_KEY = "exhibitor_id"
PORTAL_SESSION_KEYS = (SPEAKER_SESSION_KEY, EXHIBITOR_SESSION_KEY)


def signed_in_to_a_portal() -> bool:
    return any(key in session for key in PORTAL_SESSION_KEYS)


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
