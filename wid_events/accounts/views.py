from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from wid_events.accounts import services
from wid_events.accounts.forms import LoginForm, RevokeTokenForm
from wid_events.core.actions import run_action
from wid_events.core.urls import safe_next
from wid_events.extensions import limiter

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(form.next.data) or url_for("manage.dashboard"))
        # Generic on purpose: do not reveal whether the email has an account.
        error = _("Email or password is incorrect.")
    status = 200 if error is None and not form.errors else 400 if form.errors else 401
    if request.method == "GET":
        status = 200
    return render_template("accounts/login.html", form=form, error=error, title=_("Log in")), status


@bp.route("/logout", methods=["GET", "POST"])
@login_required
def logout():
    if request.method == "GET":
        return render_template("accounts/logout.html", title=_("Log out"))
    # A POST with the CSRF token, so another site cannot log people out.
    logout_user()
    return redirect(url_for("events.home"))


@bp.get("/manage/account/tokens")
@login_required
def tokens():
    """The organiser's own API tokens: name, creation, last use, and a button to revoke each."""
    user = current_user._get_current_object()
    return render_template(
        "accounts/tokens.html",
        tokens=services.active_tokens(user),
        form=RevokeTokenForm(),
        title=_("Your API tokens"),
    )


@bp.post("/manage/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if not RevokeTokenForm().validate():
        abort(400)
    user = current_user._get_current_object()
    if run_action(services.revoke_token, user, token_id):
        flash(_("The token was revoked. Programs that use it get no access any more."), "success")
    return redirect(url_for("accounts.tokens"))
