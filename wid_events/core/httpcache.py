"""Conditional GET and the render cache of public pages and exports.

A public page names everything its output depends on in ``parts``: the event's id, creation
time and public version (:mod:`wid_events.events.versioning`), the locale, the format, the
request's host and full path, and anything else (today's date, seat counts). From that:

* a **strong ETag** (a hash of ``parts``), ``Last-Modified`` (the event's last public change)
  and ``Cache-Control: public, max-age=60``;
* ``304 Not Modified`` with an empty body for ``If-None-Match`` (quoted, ``W/``-prefixed or a
  list, as clients send it) and, when there is no ``If-None-Match``, for ``If-Modified-Since``;
* a **render cache** keyed on the same hash: a bumped version is another key, so there is
  nothing to invalidate and stale output cannot be served. In process (bounded by bytes),
  or on Redis when ``REDIS_URL`` is set (a Redis that is down only means a miss).

Never cached: personal pages (they don't use this), requests of logged-in users (the page may
show organiser links, drafts, their name), of speakers and exhibitors signed in to their portal
(they must see their own change on the next page, not a browser's copy) and requests with flash
messages waiting; those get ``Cache-Control: private, no-store``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

from flask import Flask, Response, current_app, make_response, request, send_file, session
from flask_babel import get_locale
from flask_login import current_user
from redis import Redis

from wid_events.core.web import signed_in_to_a_portal
from wid_events.models_base import utcnow

log = logging.getLogger(__name__)

PUBLIC_CACHE_CONTROL = "public, max-age=60"
PRIVATE_CACHE_CONTROL = "private, no-store"
#: Headers of a rendered response that the cache keeps.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "X-Robots-Tag")


class LocalCache:
    """A thread-safe LRU of byte strings, bounded by their total size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if len(value) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._data[key] = value
            self._size += len(value)
            while self._size > self.max_bytes and self._data:
                _key, dropped = self._data.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._data)


class RedisCache:
    """The shared cache on Redis, falling back to a miss (never an error) when Redis is down."""

    RETRY_AFTER = 30.0
    TTL = 24 * 3600

    def __init__(self, url: str) -> None:
        self._redis = Redis.from_url(url, socket_connect_timeout=0.2, socket_timeout=0.2)
        self._down_until = 0.0

    def _call(self, method: str, *args: Any) -> Any:
        if time.monotonic() < self._down_until:
            return None
        try:
            return getattr(self._redis, method)(*args)
        except Exception as exc:  # redis.exceptions.RedisError, OSError
            log.warning("Render cache on Redis unavailable (%s); serving without it", exc)
            self._down_until = time.monotonic() + self.RETRY_AFTER
            return None

    def get(self, key: str) -> bytes | None:
        return self._call("get", "wid_render:" + key)

    def set(self, key: str, value: bytes) -> None:
        self._call("setex", "wid_render:" + key, self.TTL, value)


class RenderCache:
    """The process-local LRU in front of the optional shared Redis cache."""

    def __init__(self, max_bytes: int, redis_url: str | None) -> None:
        self.local = LocalCache(max_bytes)
        self.shared = RedisCache(redis_url) if redis_url else None

    def get(self, key: str) -> bytes | None:
        value = self.local.get(key)
        if value is None and self.shared is not None:
            value = self.shared.get(key)
            if value is not None:
                self.local.set(key, value)
        return value

    def set(self, key: str, value: bytes) -> None:
        self.local.set(key, value)
        if self.shared is not None:
            self.shared.set(key, value)


def render_cache() -> RenderCache:
    return current_app.extensions["wid_render_cache"]


def etag_for(parts: tuple) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def locale() -> str:
    return str(get_locale() or "en")


def request_parts() -> tuple:
    """What every public response depends on besides its own data: locale, host, path and query."""
    return (locale(), request.host_url, request.full_path)


def shareable() -> bool:
    """Whether this request may be answered from (and into) the shared cache."""
    if current_user.is_authenticated or signed_in_to_a_portal():
        return False
    return not session.get("_flashes")


def is_fresh(etag: str, last_modified: dt.datetime | None) -> bool:
    """Whether the client's copy is current (``If-None-Match`` first, else ``If-Modified-Since``)."""
    if request.headers.get("If-None-Match"):
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    if since is None or last_modified is None:
        return False
    changed = last_modified.replace(microsecond=0)
    # A change within the current second could still follow: only trust whole past seconds.
    return changed <= since and last_modified < utcnow() - dt.timedelta(seconds=1)


def _pack(response: Response) -> bytes:
    """Serialise a response as one JSON line of status and headers, then the body's bytes.

    Plain data only: a cache entry read back from Redis can never run code, unlike pickle.
    """
    headers = [[k, v] for k, v in response.headers.items() if k in KEPT_HEADERS]
    head = json.dumps([response.status_code, headers], separators=(",", ":")).encode()
    return head + b"\n" + response.get_data()


def _unpack(blob: bytes | None) -> Response | None:
    """The response stored in ``blob``; None for a miss or an entry this version cannot read."""
    if blob is None:
        return None
    head, _, body = blob.partition(b"\n")
    try:
        status, headers = json.loads(head)
        response = Response(body, status=int(status))
        for key, value in headers:
            response.headers[str(key)] = str(value)
    except (ValueError, TypeError):
        log.warning("render cache: unreadable entry ignored")
        return None
    return response


def _public_headers(response: Response, etag: str, last_modified: dt.datetime | None) -> Response:
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def serve(
    parts: tuple,
    render: Callable[[], Any],
    *,
    last_modified: dt.datetime | None = None,
    fill: Callable[[bytes], bytes] | None = None,
    fill_parts: tuple = (),
) -> Response:
    """Answer a public GET: 304, a cached render, or ``render()`` (stored for next time).

    ``parts`` must name everything the render depends on (see the module docstring);
    :func:`request_parts` is added here. ``fill`` finishes the body after the render cache (the
    seats left of workshops), and ``fill_parts`` names what that depends on: the ETag covers
    both, the render is cached on ``parts`` alone, the filled body on both.
    """
    if not shareable():
        response = make_response(render())
        if fill is not None and response.status_code == 200:
            response.set_data(fill(response.get_data()))
        response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
    key = etag_for((*parts, *request_parts()))
    etag = etag_for((key, *fill_parts)) if fill is not None else key
    if is_fresh(etag, last_modified):
        return _public_headers(Response(status=304), etag, last_modified)
    cache = render_cache()
    cached = _unpack(cache.get(etag if fill is not None else key))
    if cached is not None:
        return _public_headers(cached, etag, last_modified)
    response = _unpack(cache.get(key)) if fill is not None else None
    if response is None:
        response = make_response(render())
        if response.status_code not in (200, 400, 404) or response.direct_passthrough:
            return response
        cache.set(key, _pack(response))
    if fill is not None:
        if response.status_code == 200:
            response.set_data(fill(response.get_data()))
        cache.set(etag, _pack(response))
    return _public_headers(response, etag, last_modified)


def event_parts(event, *extra: Any) -> tuple:
    """``parts`` for a page of one event: its identity and public version, plus ``extra``."""
    return (event.id, event.created_at.isoformat(), event.version, *extra)


def init_app(app: Flask) -> None:
    app.extensions["wid_render_cache"] = RenderCache(
        app.config.get("RENDER_CACHE_BYTES") or 64 * 1024 * 1024, app.config.get("REDIS_URL")
    )


def serve_file(
    parts: tuple,
    path: Path,
    mimetype: str,
    *,
    download_name: str,
    last_modified: dt.datetime | None = None,
) -> Response:
    """Answer a public GET for a stored file: 304, or the file itself.

    Like :func:`serve`, with the ETag from ``parts``, but the body never passes through the
    render cache or Python: it is streamed from disk (``sendfile`` under gunicorn), or, with
    ``X_ACCEL_REDIRECT_PREFIX``, sent by nginx itself, so many simultaneous downloads cost the
    web workers little.
    """
    etag = etag_for((*parts, *request_parts()))
    public = shareable()
    if public and is_fresh(etag, last_modified):
        return _public_headers(Response(status=304), etag, last_modified)
    prefix = current_app.config.get("X_ACCEL_REDIRECT_PREFIX")
    if prefix:
        inside = path.resolve().relative_to(Path(current_app.instance_path).resolve()).as_posix()
        response = Response(mimetype=mimetype)
        response.headers["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{url_quote(inside)}"
        response.headers["Content-Disposition"] = f"inline; filename={download_name}"
    else:
        response = send_file(
            path, mimetype=mimetype, download_name=download_name, conditional=False, etag=False
        )
    if not public:
        response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
    return _public_headers(response, etag, last_modified)
