"""Organiser pages for the CSV import of sessions: template, upload with preview, confirm
(routes of the ``agenda_manage`` blueprint).

The preview's file travels back signed (not stored), and is parsed again on confirm.
"""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer

from wid_events.agenda import csv_import
from wid_events.agenda.forms import ImportConfirmForm, ImportUploadForm
from wid_events.agenda.manage_views import bp, run_gated
from wid_events.core.actions import actor
from wid_events.errors import DomainError
from wid_events.events.access import organiser_required
from wid_events.events.models import Event


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="agenda-csv-import")


def _render(event: Event, form, preview, confirm, status: int = 200):
    return render_template(
        "agenda/manage_import.html",
        event=event,
        form=form,
        preview=preview,
        confirm=confirm,
        columns=csv_import.COLUMNS,
        title=_("Import sessions"),
    ), status


@bp.get("/import/template.csv")
@organiser_required
def import_template(event: Event):
    body = "\ufeff" + csv_import.template_csv()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-sessions-template.csv"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@organiser_required
def import_upload(event: Event):
    form = ImportUploadForm()
    preview = None
    token = None
    if form.validate_on_submit():
        try:
            text = csv_import.decode(form.file.data.read())
        except DomainError as exc:  # reading the file, nothing written
            form.file.errors = [exc.message]
        else:
            preview = csv_import.parse(text, event, create_missing=form.create_missing.data)
            token = _serializer().dumps({"e": event.id, "t": text})
    confirm = ImportConfirmForm(
        formdata=None, token=token, create_missing="1" if form.create_missing.data else ""
    )
    return _render(event, form, preview, confirm, 400 if form.errors else 200)


@bp.post("/import/confirm")
@organiser_required
def import_confirm(event: Event):
    form = ImportConfirmForm()
    try:
        data = _serializer().loads(form.token.data or "")
    except BadSignature:
        data = None
    if data is None or not form.validate() or data.get("e") != event.id:
        flash(_("The preview expired or was changed. Please upload the file again."), "error")
        return redirect(url_for("agenda_manage.import_upload", slug=event.slug))
    preview = csv_import.parse(data["t"], event, create_missing=form.create_missing.data == "1")
    if not preview.ok:
        flash(
            _("The data changed since the preview; please check the errors below. Nothing was imported."),
            "error",
        )
        confirm = ImportConfirmForm(
            formdata=None, token=form.token.data, create_missing=form.create_missing.data
        )
        return _render(event, ImportUploadForm(formdata=None), preview, confirm, 400)
    done = run_gated(event, csv_import.apply, preview, event, actor=actor())
    if not done:
        return redirect(url_for("agenda_manage.import_upload", slug=event.slug))
    flash(ngettext("Imported %(num)d session.", "Imported %(num)d sessions.", len(done.value)), "success")
    return redirect(url_for("agenda_manage.editor", slug=event.slug))
