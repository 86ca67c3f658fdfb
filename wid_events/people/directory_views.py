"""The people directory in the organiser area: search, one person's events, reviewed merges."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField

from wid_events.core.actions import run_action
from wid_events.core.labels import label
from wid_events.core.search import search_key
from wid_events.errors import DomainError
from wid_events.people import directory
from wid_events.people.models import DirectoryPerson

bp = Blueprint("directory", __name__, url_prefix="/manage/people")


class MergeForm(FlaskForm):
    name = RadioField(choices=[("keep", "keep"), ("other", "other")], default="keep")
    email = RadioField(choices=[("keep", "keep"), ("other", "other")], default="keep")
    organisation = RadioField(choices=[("keep", "keep"), ("other", "other")], default="keep")


def _user():
    return current_user._get_current_object()


def _record_or_404(record_id: int) -> DirectoryPerson:
    try:
        return directory.get(_user(), record_id)
    except DomainError:
        abort(404)


def roles_of(person) -> list[str]:
    """The person's roles at that event, translated."""
    return sorted({label(link.role) for link in person.session_links})


@bp.get("")
@login_required
def index():
    query = request.args.get("q", "").strip()
    return render_template(
        "people/directory_index.html",
        title=_("People directory"),
        query=query,
        records=directory.search(_user(), query),
        links_of=lambda r: directory.visible_links(_user(), r),
        roles_of=roles_of,
    )


@bp.get("/<int:record_id>")
@login_required
def detail(record_id: int):
    record = _record_or_404(record_id)
    key = search_key(record.name)
    same_name = [
        r for r in directory.search(_user(), record.name) if r.id != record.id and search_key(r.name) == key
    ]
    return render_template(
        "people/directory_detail.html",
        title=record.name,
        record=record,
        links=directory.visible_links(_user(), record),
        roles_of=roles_of,
        same_name=same_name,
    )


@bp.route("/merge", methods=["GET", "POST"])
@login_required
def merge():
    keep = _record_or_404(request.args.get("keep", type=int) or 0)
    other = _record_or_404(request.args.get("other", type=int) or 0)
    form = MergeForm()
    status = 200
    if form.validate_on_submit():
        choices = {f: form[f].data for f in directory.MERGE_FIELDS}
        done = run_action(directory.merge, _user(), keep.id, other.id, choices, form=form)
        if done:
            flash(_("The two records were merged. Each event keeps its own gender answer."), "success")
            return redirect(url_for(".detail", record_id=done.value.id))
        status = done.error.status
    return render_template(
        "people/directory_merge.html",
        title=_("Merge two records"),
        keep=keep,
        other=other,
        form=form,
        keep_links=directory.visible_links(_user(), keep),
        other_links=directory.visible_links(_user(), other),
        roles_of=roles_of,
        fields=[("name", _("Name")), ("email", _("Email (private)")), ("organisation", _("Organisation"))],
    ), (422 if form.errors else status)
