"""The site's pages that bring several areas together: the public home and event pages, the
organisers' dashboard and event home. Their blueprints are defined lower down (events);
the routes here are added by importing these modules (see :mod:`wid_events.wiring`)."""
