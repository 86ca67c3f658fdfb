"""Organiser pages for the event's people (speakers) and their unavailable periods
(routes of the ``agenda_manage`` blueprint)."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wid_events.agenda import people as people_services
from wid_events.agenda.forms import PersonForm, UnavailabilityForm
from wid_events.agenda.manage_views import bp, day_choices, run_gated
from wid_events.core.actions import actor, owned_or_404, run_action
from wid_events.core.collation import sorted_by_name
from wid_events.core.content_forms import fill_translations, translations_from
from wid_events.core.search import like_pattern
from wid_events.events.access import organiser_required
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.people.forms import PURPOSE, count_as_woman_answer, count_as_woman_value
from wid_events.people.models import Person, Unavailability


@bp.get("/people")
@organiser_required
def people(event: Event):
    query = request.args.get("q", "").strip()
    items = people_services.search_people(event, query, limit=500) if query else sorted_by_name(event.people)
    return render_template(
        "agenda/manage_people.html",
        event=event,
        people=items,
        query=query,
        unsearchable=bool(query) and like_pattern(query) is None,
        title=_("People"),
    )


def _save_person(event: Event, form: PersonForm, person: Person | None) -> Person:
    """Create or update the person from the form, gender declaration included."""
    fields = {name: form[name].data for name in people_services.PERSON_FIELDS if name != "translations"}
    fields["translations"] = translations_from(form, ("bio",), event.default_language)
    if person is None:
        person = people_services.create_person(event, actor=actor(), **fields)
    else:
        people_services.update_person(person, actor=actor(), **fields)
    people_services.set_gender(
        person,
        form.gender.data,
        form.gender_self_description.data,
        consent=form.gender_consent.data,
        actor=actor(),
        count_as_woman=count_as_woman_value(form.count_as_woman.data),
    )
    return person


def _person_url(event: Event, person_id: int, anchor: str = "") -> str:
    return url_for("agenda_manage.person_edit", slug=event.slug, person_id=person_id) + anchor


@bp.route("/people/new", methods=["GET", "POST"])
@organiser_required
def person_new(event: Event):
    form = PersonForm()
    if form.validate_on_submit():
        done = run_gated(event, _save_person, event, form, None, form=form)
        if done:
            flash(_("%(name)s added.", name=done.value.name), "success")
            return redirect(_person_url(event, done.value.id))
    return render_template(
        "agenda/manage_person_form.html",
        event=event,
        form=form,
        person=None,
        purpose=PURPOSE,
        title=_("New person"),
    ), (400 if form.errors else 200)


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
@organiser_required
def person_edit(event: Event, person_id: int):
    person = owned_or_404(Person, person_id, event)
    form = PersonForm(obj=person) if request.method == "GET" else PersonForm()
    if request.method == "GET":
        form.gender.data = person.gender.value
        fill_translations(form, person, ("bio",))
        form.count_as_woman.data = count_as_woman_answer(person.count_as_woman)
    if request.method == "POST" and form.validate_on_submit():
        if run_gated(event, _save_person, event, form, person, form=form):
            flash(_("Saved."), "success")
            return redirect(_person_url(event, person.id))
    period_form = UnavailabilityForm(formdata=None)
    period_form.day.choices = day_choices(event)
    return render_template(
        "agenda/manage_person_form.html",
        event=event,
        form=form,
        person=person,
        period_form=period_form,
        purpose=PURPOSE,
        title=person.name,
    ), (400 if form.errors else 200)


@bp.post("/people/<int:person_id>/delete")
@organiser_required
def person_delete(event: Event, person_id: int):
    person = owned_or_404(Person, person_id, event)
    if not run_action(people_services.delete_person, person, actor=actor()):
        return redirect(_person_url(event, person_id))
    flash(_("Person deleted."), "success")
    return redirect(url_for("agenda_manage.people", slug=event.slug))


@bp.post("/people/<int:person_id>/unavailability")
@organiser_required
def period_add(event: Event, person_id: int):
    person = owned_or_404(Person, person_id, event)
    form = UnavailabilityForm()
    form.day.choices = day_choices(event)
    if not form.validate():
        flash(_("Enter a day and both times of the unavailable period."), "error")
        return redirect(_person_url(event, person.id, "#unavailability"))
    day = dt.date.fromisoformat(form.day.data)
    done = run_action(
        people_services.add_unavailability,
        person,
        dt.datetime.combine(day, form.start_time.data),
        dt.datetime.combine(day, form.end_time.data),
        form.note.data,
        actor=actor(),
    )
    if done:
        flash(_("Unavailable period added."), "success")
    return redirect(_person_url(event, person_id, "#unavailability"))


@bp.post("/people/<int:person_id>/unavailability/<int:period_id>/delete")
@organiser_required
def period_delete(event: Event, person_id: int, period_id: int):
    person = owned_or_404(Person, person_id, event)
    period = db.session.get(Unavailability, period_id)
    if period is None or period.person_id != person.id:
        abort(404)
    if run_action(people_services.remove_unavailability, period, actor=actor()):
        flash(_("Unavailable period removed."), "success")
    return redirect(_person_url(event, person_id, "#unavailability"))
