"""Everything :func:`wid_events.create_app` plugs in, listed explicitly.

A module that is missing or fails to import is an error at start-up, never a silently
disabled area. Add a new blueprint, CLI group or domain ``init_app`` here.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from wid_events import agenda, balance, exports, jobday, pool, registration
from wid_events.accounts import auth as accounts_auth
from wid_events.accounts import cli as accounts_cli
from wid_events.accounts import views as accounts_views
from wid_events.agenda import cli as agenda_cli
from wid_events.agenda import manage_import as agenda_manage_import
from wid_events.agenda import manage_moves as agenda_manage_moves
from wid_events.agenda import manage_people as agenda_manage_people
from wid_events.agenda import manage_sessions as agenda_manage_sessions
from wid_events.agenda import manage_views as agenda_manage
from wid_events.agenda import views as agenda_views
from wid_events.api import views as api_views
from wid_events.balance import api_views as balance_api
from wid_events.balance import cli as balance_cli
from wid_events.balance import manage_views as balance_manage
from wid_events.balance import views as balance_views
from wid_events.core import cli as core_cli
from wid_events.core import content as core_content
from wid_events.core import jobs_cli
from wid_events.core import views as core_views
from wid_events.demo import cli as demo_cli
from wid_events.events import audit_views as audit_manage
from wid_events.events import manage_views as events_manage
from wid_events.events import versioning as events_versioning
from wid_events.events import views as events_views
from wid_events.exports import api_views as exports_api
from wid_events.exports import cli as exports_cli
from wid_events.exports import manage_views as exports_manage
from wid_events.exports import views as exports_views
from wid_events.jobday import cli as jobday_cli
from wid_events.jobday import manage_views as jobday_manage
from wid_events.jobday import portal_views as jobday_portal
from wid_events.jobday import views as jobday_views
from wid_events.packages import cli as packages_cli
from wid_events.people import directory_views as people_directory
from wid_events.pool import manage_views as pool_manage
from wid_events.pool import views as pool_views
from wid_events.registration import api_views as registration_api
from wid_events.registration import cli as registration_cli
from wid_events.registration import manage_questions as registration_questions
from wid_events.registration import manage_views as registration_manage
from wid_events.registration import personal_views as registration_personal
from wid_events.registration import views as registration_views
from wid_events.site import manage_views as site_manage
from wid_events.site import views as site_views
from wid_events.speakers import cli as speakers_cli
from wid_events.speakers import manage_views as speakers_manage
from wid_events.speakers import portal_materials_views as speakers_portal_materials
from wid_events.speakers import portal_views as speakers_portal
from wid_events.speakers import views as speakers_views

#: Blueprints in registration order: public pages, the organiser area, the API and portals.
BLUEPRINTS: tuple[Blueprint, ...] = (
    core_views.bp,
    accounts_views.bp,
    events_views.bp,
    events_manage.bp,
    agenda_views.bp,
    agenda_manage.bp,
    speakers_views.bp,
    speakers_manage.bp,
    speakers_portal.bp,
    registration_views.bp,
    registration_manage.bp,
    registration_questions.bp,
    registration_api.bp,
    balance_views.bp,
    balance_manage.bp,
    balance_api.bp,
    exports_views.bp,
    exports_manage.bp,
    exports_api.bp,
    audit_manage.bp,
    jobday_views.bp,
    jobday_manage.bp,
    jobday_portal.bp,
    pool_views.bp,
    people_directory.bp,
    pool_manage.bp,
    api_views.bp,
)

#: Modules that add routes to a blueprint defined in another module (listed in BLUEPRINTS).
ROUTE_MODULES = (
    site_views,
    site_manage,
    agenda_manage_sessions,
    agenda_manage_moves,
    agenda_manage_people,
    agenda_manage_import,
    speakers_portal_materials,
    registration_personal,
)

#: ``flask`` command groups, one list per domain.
CLI_COMMANDS = (
    *core_cli.commands,
    *jobs_cli.commands,
    *accounts_cli.commands,
    *packages_cli.commands,
    *agenda_cli.commands,
    *speakers_cli.commands,
    *registration_cli.commands,
    *balance_cli.commands,
    *exports_cli.commands,
    *jobday_cli.commands,
    *demo_cli.commands,
)

#: Domains that connect receivers (signals, the login loaders) when the app starts, never at import time.
DOMAIN_INIT = (
    core_content.init_app,
    accounts_auth.init_app,
    events_versioning.init_app,
    agenda.init_app,
    balance.init_app,
    registration.init_app,
    jobday.init_app,
    exports.init_app,
    pool.init_app,
)


def register(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for command in CLI_COMMANDS:
        app.cli.add_command(command)
    for init in DOMAIN_INIT:
        init(app)
