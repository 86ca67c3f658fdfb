"""Public event pages. (Placeholder home; the foundation work fills this in.)"""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("events", __name__)


@bp.get("/")
def home():
    return render_template("events/home.html", upcoming=[], past=[])
