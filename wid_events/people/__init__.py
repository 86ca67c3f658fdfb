"""The people of an event (speakers, panelists, moderators): profiles, availability and
self-declared gender. Below agenda, balance and speakers, which all use them."""
