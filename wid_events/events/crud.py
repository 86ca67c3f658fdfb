"""One small generic list/edit/delete view for the things an event owns (rooms, tracks, …).

Like pretalx's ``OrgaCRUDView``: a subclass of :class:`EventCrud` names the model, the form,
the service calls and the messages; :meth:`EventCrud.register` adds three organiser routes
to a blueprint, for ``kind = "room"`` and ``plural = "rooms"``:

* ``/events/<slug>/rooms`` (GET, POST): endpoint ``rooms``, template ``manage/rooms.html``
  (the list and the form to add one);
* ``/events/<slug>/rooms/<int:room_id>`` (GET, POST): ``room_edit``, ``manage/room_edit.html``;
* ``/events/<slug>/rooms/<int:room_id>/delete`` (POST): ``room_delete``, back to the list.

The list page adds an object with the blank form; every write goes through
:func:`~wid_events.core.actions.run_action` (one commit, refusals shown on the form or as a
flash). An invalid form answers 400, an id of another event 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from wid_events.core.actions import actor, owned_or_404, run_action
from wid_events.events.access import organiser_required


class EventCrud:
    """List + add, edit and delete views for one model whose rows belong to an event."""

    #: Singular and plural names: they make the URLs, endpoints, templates and id argument.
    kind: str
    plural: str
    model: type
    form_class: type
    template_dir = "manage"

    #: Texts, as ``lazy_gettext`` strings: the list page's title and the three flashes
    #: (``added_message`` may use ``%(name)s``, the new object's name).
    list_title: Any
    added_message: Any
    saved_message: Any
    deleted_message: Any

    # --- what a subclass provides ---------------------------------------------------------

    def create(self, event, form, *, actor) -> Any:
        """Call the service that adds an object from the valid ``form``; return the object."""
        raise NotImplementedError

    def update(self, obj, form, *, actor) -> Any:
        raise NotImplementedError

    def delete(self, obj, *, actor) -> Any:
        raise NotImplementedError

    def fill(self, form, obj) -> None:
        """Fill form fields that ``obj=`` does not (e.g. translations) on the edit page's GET."""

    def usage(self, event) -> dict:
        """Extra numbers for the list page (e.g. sessions per room)."""
        return {}

    # --- the views ------------------------------------------------------------------------

    def _to_list(self, event):
        return redirect(url_for(f".{self.plural}", slug=event.slug))

    def list_view(self, event):
        form = self.form_class()
        if form.validate_on_submit():
            done = run_action(self.create, event, form, actor=actor(), form=form)
            if done:
                flash(str(self.added_message) % {"name": done.value.name}, "success")
                return self._to_list(event)
        page = render_template(
            f"{self.template_dir}/{self.plural}.html",
            event=event,
            form=form,
            usage=self.usage(event),
            title=str(self.list_title),
        )
        return page, (400 if form.errors else 200)

    def edit_view(self, event, **ids: int):
        obj = owned_or_404(self.model, ids[f"{self.kind}_id"], event)
        form = self.form_class(obj=obj)
        if request.method == "GET":
            self.fill(form, obj)
        if form.validate_on_submit() and run_action(self.update, obj, form, actor=actor(), form=form):
            flash(str(self.saved_message), "success")
            return self._to_list(event)
        page = render_template(
            f"{self.template_dir}/{self.kind}_edit.html",
            event=event,
            form=form,
            title=obj.name,
            **{self.kind: obj},
        )
        return page, (400 if form.errors else 200)

    def delete_view(self, event, **ids: int):
        obj = owned_or_404(self.model, ids[f"{self.kind}_id"], event)
        if run_action(self.delete, obj, actor=actor()):
            flash(str(self.deleted_message), "success")
        return self._to_list(event)

    @classmethod
    def register(cls, bp: Blueprint) -> EventCrud:
        """Add the list, edit and delete routes to ``bp`` (organisers of the event only)."""
        crud = cls()
        base = f"/events/<slug>/{cls.plural}"
        one = f"{base}/<int:{cls.kind}_id>"
        bp.add_url_rule(base, cls.plural, organiser_required(crud.list_view), methods=["GET", "POST"])
        bp.add_url_rule(one, f"{cls.kind}_edit", organiser_required(crud.edit_view), methods=["GET", "POST"])
        bp.add_url_rule(
            f"{one}/delete", f"{cls.kind}_delete", organiser_required(crud.delete_view), methods=["POST"]
        )
        return crud
