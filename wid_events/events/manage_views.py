"""The organiser area (``/manage/…``). (Placeholder dashboard; the agenda issue fills this in.)"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from wid_events.accounts.services import organised_events

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.get("/")
@login_required
def dashboard():
    return render_template("manage/dashboard.html", events=organised_events(current_user))
