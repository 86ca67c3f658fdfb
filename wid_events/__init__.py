"""wid_events: inclusive events, end to end. The application factory lives here."""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path
from typing import Any

from flask import Flask

#: Domain packages, in registration order. Each may provide blueprints as ``bp`` in any of
#: :data:`VIEW_MODULES`, ``cli.commands`` (a list of click commands or groups) and ``models``.
DOMAINS = (
    "core",
    "accounts",
    "events",
    "agenda",
    "speakers",
    "registration",
    "balance",
    "exports",
    "audit",
    "jobday",
    "demo",
    "api",
)
#: Modules of a domain package that may hold a blueprint called ``bp``: public pages,
#: the organiser area (``/manage/…``), the JSON API and the speaker/exhibitor portals.
VIEW_MODULES = ("views", "manage_views", "api_views", "portal_views")


def _optional_module(name: str):
    """Import ``wid_events.<name>`` if the module exists; import errors still propagate."""
    full = f"{__name__}.{name}"
    if importlib.util.find_spec(full) is None:
        return None
    return importlib.import_module(full)


def import_models() -> None:
    """Import every domain's models so the metadata is complete (migrations, create_all)."""
    for domain in DOMAINS:
        _optional_module(f"{domain}.models")


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    from config import Config
    from wid_events import extensions as ext
    from wid_events.core import security, web

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
    security.init_app(app)
    for domain in DOMAINS:
        for module_name in VIEW_MODULES:
            views = _optional_module(f"{domain}.{module_name}")
            if views is not None and hasattr(views, "bp"):
                app.register_blueprint(views.bp)
        cli = _optional_module(f"{domain}.cli")
        if cli is not None:
            for command in getattr(cli, "commands", []):
                app.cli.add_command(command)
    if os.environ.get("WID_TESTING"):
        app.config.setdefault("TESTING", True)
    return app
