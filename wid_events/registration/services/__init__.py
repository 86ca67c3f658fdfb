"""Registration services, one module per seam; the public names are re-exported here.

* :mod:`.form`: form key and manage token, sign-up slots, workshop choices, attendance modes.
* :mod:`.capacity`: capacities, seats taken and left, waitlist positions (read-only).
* :mod:`.waitlist`: taking and freeing seats under the event's write lock (the capacity
  guarantee is documented there).
* :mod:`.signup`: registering, and emailing the manage link again.
* :mod:`.selfservice`: the attendee's changes, cancelling, GDPR erasure and export.
* :mod:`.organisers`: the organisers' list, CSV, approve / reject / promote, the API shape.
* :mod:`.stars`: attendees' favourite sessions (their personal agenda) and the counts.
* :mod:`.mail`: emails, queued in the transaction and built after the commit.

Services never commit: views use :func:`wid_events.core.actions.run_action`, the CLI
:func:`wid_events.core.uow.unit_of_work`.
"""

from __future__ import annotations

from wid_events.registration.services.capacity import (
    choice_position,
    count_event,
    count_session,
    counts,
    event_capacity,
    seats_left,
    session_capacity,
    session_seats_left,
    sessions_seats_left,
    waitlist_position,
)
from wid_events.registration.services.form import (
    RegistrationData,
    Slot,
    allowed_attendance,
    by_token,
    check_choices,
    manage_token,
    new_form_key,
    registration_closed_reason,
    resolve_attendance,
    signup_sessions,
    signup_slots,
    token_for,
    validate_choices,
)
from wid_events.registration.services.listing import (
    PER_PAGE,
    SORTS,
    Filters,
    Page,
    registration_page,
    registrations_by_ids,
)
from wid_events.registration.services.mail import (
    build_registration_mail,
    queue_registration_mail,
    registration_ics,
)
from wid_events.registration.services.organisers import (
    api_list,
    approve,
    get_for_event,
    list_registrations,
    promote,
    promote_choice,
    registrations_csv,
    reject,
    session_attendees,
)
from wid_events.registration.services.selfservice import (
    ERASED_NAME,
    cancel,
    change_attendance,
    change_sessions,
    erase,
    export_data,
    status_json,
)
from wid_events.registration.services.signup import register, resend_link
from wid_events.registration.services.stars import set_star, star_counts, starred_ids
from wid_events.registration.services.waitlist import fill_waitlists

__all__ = [
    "ERASED_NAME",
    "PER_PAGE",
    "SORTS",
    "Filters",
    "Page",
    "RegistrationData",
    "Slot",
    "allowed_attendance",
    "api_list",
    "approve",
    "build_registration_mail",
    "by_token",
    "cancel",
    "change_attendance",
    "change_sessions",
    "check_choices",
    "choice_position",
    "count_event",
    "count_session",
    "counts",
    "erase",
    "event_capacity",
    "export_data",
    "fill_waitlists",
    "get_for_event",
    "list_registrations",
    "manage_token",
    "new_form_key",
    "promote",
    "promote_choice",
    "queue_registration_mail",
    "register",
    "registration_closed_reason",
    "registration_ics",
    "registration_page",
    "registrations_by_ids",
    "registrations_csv",
    "reject",
    "resend_link",
    "resolve_attendance",
    "seats_left",
    "session_attendees",
    "session_capacity",
    "session_seats_left",
    "sessions_seats_left",
    "set_star",
    "signup_sessions",
    "signup_slots",
    "star_counts",
    "starred_ids",
    "status_json",
    "token_for",
    "validate_choices",
    "waitlist_position",
]
