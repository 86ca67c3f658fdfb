"""Organiser views: the event's own registration questions (add, edit, order, archive,
delete) and adding a registration by hand (also outside the registration window)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wid_events.core.actions import actor, owned_or_404, run_action
from wid_events.core.content_forms import field_name
from wid_events.enums import CONTENT_LANGUAGES, EventMode
from wid_events.events.access import organiser_required
from wid_events.registration import services
from wid_events.registration.forms import ConfirmForm
from wid_events.registration.models import Question
from wid_events.registration.question_forms import QUESTION_TRANSLATED, ManualRegistrationForm, QuestionForm
from wid_events.registration.services import questions

bp = Blueprint("registration_questions", __name__, url_prefix="/manage/events/<slug>")


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _fields(form: QuestionForm) -> dict:
    translations = {}
    for lang in CONTENT_LANGUAGES:
        translations[lang] = {
            "label": form[field_name(lang, "label")].data or "",
            "help_text": form[field_name(lang, "help_text")].data or "",
            "options": _lines(form[field_name(lang, "options")].data),
        }
    return {
        "key": form.key.data,
        "label": form.label.data,
        "help_text": form.help_text.data,
        "type": form.type.data,
        "options": _lines(form.options.data),
        "required": form.required.data,
        "attendance": form.attendance.data or None,
        "translations": translations,
    }


def _fill(form: QuestionForm, question: Question) -> None:
    form.options.data = "\n".join(question.options or [])
    form.attendance.data = question.attendance.value if question.attendance else ""
    form.type.data = question.type.value
    for lang in CONTENT_LANGUAGES:
        for name in QUESTION_TRANSLATED:
            form[field_name(lang, name)].data = questions.question_translation(question, lang, name)


def _page(event, form, question=None):
    all_questions = questions.event_questions(event, archived=True)
    return render_template(
        "registration/manage_questions.html"
        if question is None
        else "registration/manage_question_edit.html",
        event=event,
        form=form,
        question=question,
        questions=all_questions,
        counts=questions.answer_counts(event),
        translated=QUESTION_TRANSLATED,
        action_form=ConfirmForm(),
        title=_("Registration questions") if question is None else question.label,
    ), (400 if form.errors else 200)


@bp.route("/questions", methods=["GET", "POST"])
@organiser_required
def index(event):
    form = QuestionForm()
    if form.validate_on_submit():
        done = run_action(questions.create_question, event, form=form, actor=actor(), **_fields(form))
        if done:
            flash(_("Question “%(label)s” added.", label=done.value.label), "success")
            return redirect(url_for(".index", slug=event.slug), code=303)
    return _page(event, form)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@organiser_required
def edit(event, question_id: int):
    question = owned_or_404(Question, question_id, event)
    form = QuestionForm(obj=question) if request.method == "GET" else QuestionForm()
    if request.method == "GET":
        _fill(form, question)
    form.key.data = question.key  # the key is stable once created
    if form.validate_on_submit():
        if run_action(questions.update_question, question, form=form, actor=actor(), **_fields(form)):
            flash(_("Question saved."), "success")
            return redirect(url_for(".index", slug=event.slug), code=303)
    return _page(event, form, question)


@bp.post("/questions/<int:question_id>/<action>")
@organiser_required
def act(event, question_id: int, action: str):
    if action not in ("archive", "restore", "delete", "up", "down"):
        abort(404)
    question = owned_or_404(Question, question_id, event)
    if not ConfirmForm().validate():
        flash(_("The form expired. Please submit it again."), "error")
    elif action in ("archive", "restore"):
        if run_action(questions.archive_question, question, actor=actor(), archived=action == "archive"):
            flash(_("Question archived.") if action == "archive" else _("Question restored."), "success")
    elif action == "delete":
        if run_action(questions.delete_question, question, actor=actor()):
            flash(_("Question deleted."), "success")
    else:
        run_action(questions.move_question, question, -1 if action == "up" else 1, actor=actor())
    return redirect(url_for(".index", slug=event.slug), code=303)


@bp.route("/registrations/new", methods=["GET", "POST"])
@organiser_required
def add_registration(event):
    form = ManualRegistrationForm()
    if request.method == "GET":
        form.attendance.data = services.allowed_attendance(event)[0].value
    if form.validate_on_submit():
        data = services.RegistrationData(
            name=form.name.data,
            email=form.email.data,
            attendance=form.attendance.data,
            organisation=form.organisation.data or "",
            consent=bool(form.consent.data),
            locale=event.default_language or "en",
        )
        done = run_action(services.register, event, data, form=form, actor=actor(), by_organiser=True)
        if done:
            flash(_("Registration of %(name)s added.", name=done.value[0].name), "success")
            return redirect(url_for("registration_manage.index", slug=event.slug), code=303)
    return render_template(
        "registration/manage_add.html",
        event=event,
        form=form,
        attendance_choice=event.mode == EventMode.HYBRID,
        title=_("Add a registration"),
    ), (400 if form.errors else 200)
