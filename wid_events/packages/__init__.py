"""Event packages ("wid-event/1"): validating, importing and exporting a whole event with its
rooms, tracks, people and sessions, and the ``flask events import/export`` commands.

Above every domain whose data a package carries (events, people, agenda, balance…)."""
