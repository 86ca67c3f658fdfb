"""gunicorn settings for wid_events: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be changed from the environment (see docs/deploy.md):

- ``WEB_CONCURRENCY``: worker processes (default: 2 x CPU cores + 1, at most 12);
- ``PORT`` / ``BIND``: where to listen (default ``127.0.0.1:$PORT``, port 8000);
- ``GUNICORN_THREADS``: threads per worker (default 1; sync workers);
- ``GUNICORN_MAX_REQUESTS``: recycle a worker after this many requests (default 0: never);
- ``GUNICORN_PRELOAD``: ``0`` builds the app in each worker instead of once in the master;
- ``GUNICORN_TIMEOUT``: seconds before a stuck worker is restarted (default 120: badge sheets
  and other PDFs are rendered inside the request by WeasyPrint and can take a while);
- ``FORWARDED_ALLOW_IPS``: the proxy addresses whose ``X-Forwarded-*`` headers gunicorn trusts
  (default ``127.0.0.1``). The app itself only honours them with ``TRUST_PROXY=1``.
"""

from __future__ import annotations

import multiprocessing
import os
import re

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


_port = _int("PORT", 8000)
#: Listen on localhost by default: a reverse proxy (nginx, Caddy…) terminates HTTPS in front.
#: Set BIND=0.0.0.0:8000 in a container.
bind = os.environ.get("BIND") or f"127.0.0.1:{_port}"

workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12))
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

#: PDF badge sheets and exports are rendered in the request: give them time.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5

#: Worker recycling is off by default: each recycled worker stalled requests while it rebuilt
#: the app (p99 of /healthz went from milliseconds to seconds under load). Memory stays flat
#: in a soak (see bench/README.md); set GUNICORN_MAX_REQUESTS to recycle anyway, with a jitter
#: of a quarter so that workers never restart together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 4

#: Logs to stdout/stderr, for journald, docker logs or the platform's collector.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
#: Client address as seen through the proxy, the request line, status, size, time in microseconds.
#: The secret in personal links is replaced by ``[redacted]`` (see RedactingLogger below).
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'

#: The capability token in a personal link: ``/registrations/<token>…``, ``/speaker/<token>``,
#: ``/exhibitor/<token>``. Whoever holds one can act as that person, so it never goes to disk.
TOKEN_IN_PATH = re.compile(r"(/(?:registrations|speaker|exhibitor|speakers/pool)/)([A-Za-z0-9_%-]{16,})")


def redact(text: str) -> str:
    """``text`` (a request line, path or URL) with personal-link tokens replaced."""
    return TOKEN_IN_PATH.sub(r"\1[redacted]", text)


class RedactingLogger(Logger):
    """gunicorn's logger, with tokens taken out of the request line, path and referrer."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "f"):
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        return atoms


logger_class = RedactingLogger

#: Which proxies may set X-Forwarded-Proto/For for gunicorn (comma-separated IPs, or "*" when
#: only the proxy can reach the port, e.g. on a private container network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

#: Build the app once in the master and fork the workers from it (GUNICORN_PRELOAD=0 to
#: switch off): starting or replacing a worker then costs a fork, not an app start-up. The
#: database pool the master may have opened is dropped in each worker (``post_fork``), so no
#: connection is ever shared between processes.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() not in ("0", "false", "no")


def post_fork(server, worker) -> None:
    """Each worker opens its own database connections (and Redis ones, lazily)."""
    if not preload_app:
        return
    import wsgi  # noqa: PLC0415 - only in a preloading master, after the fork
    from wid_events.extensions import db  # noqa: PLC0415

    with wsgi.app.app_context():
        db.engine.dispose(close=False)


#: Request-size limits before the app sees them (uploads are limited by MAX_UPLOAD_MB in the app).
limit_request_line = 8190
limit_request_fields = 100


def when_ready(server) -> None:
    """At start-up: warn when limits would be counted per worker (production, no Redis)."""
    production = (
        os.environ.get("WID_ENV") or os.environ.get("FLASK_ENV") or ""
    ).strip().lower() == "production"
    if production and server.cfg.workers > 1 and not os.environ.get("REDIS_URL"):
        server.log.warning(
            "WID_ENV=production with %d workers and no REDIS_URL: most rate limits are counted per "
            "worker. Login, resend-link and token-guess limits still hold (counted in the database). "
            "Set REDIS_URL.",
            server.cfg.workers,
        )
