"""WSGI entry point: ``gunicorn -w 4 wsgi:app`` and ``flask --app wsgi …``."""

from wid_events import create_app

app = create_app()
