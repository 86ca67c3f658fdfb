"""wid_events: inclusive events, end to end. The application factory lives here."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from flask import Flask

#: Every domain's models module, so the metadata is complete (migrations, create_all).
MODEL_MODULES = (
    "core",
    "accounts",
    "events",
    "people",
    "agenda",
    "speakers",
    "registration",
    "balance",
    "exports",
    "audit",
    "jobday",
    "pool",
)


def import_models() -> None:
    """Import every domain's models (an explicit list: a missing module is an error)."""
    for domain in MODEL_MODULES:
        importlib.import_module(f"{__name__}.{domain}.models")


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    from config import Config
    from wid_events import extensions as ext
    from wid_events import wiring
    from wid_events.core import httpcache, labels, ratelimit, security, uow, web

    config = Config()
    app = Flask(__name__, instance_path=config.INSTANCE_PATH)
    app.config.from_mapping(config.as_dict())
    if overrides:
        app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "connect_args": {"timeout": 30},
        }

    import_models()
    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    ext.csrf.init_app(app)
    ext.login_manager.init_app(app)
    ext.babel.init_app(app, locale_selector=web.select_locale)
    ext.limiter.init_app(app)

    with app.app_context():
        from wid_events.core.database import configure_engine

        configure_engine(ext.db.engine)

    web.init_app(app)
    labels.init_app(app)
    security.init_app(app)
    ratelimit.init_app(app)
    uow.init_app(app)
    httpcache.init_app(app)
    wiring.register(app)
    if os.environ.get("WID_TESTING"):
        app.config.setdefault("TESTING", True)
    return app
