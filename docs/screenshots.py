# ruff: noqa: S603, S607  (fixed argument lists: our own flask/gunicorn/pdftoppm, no user input)
"""Regenerate the README screenshots (docs/img/*.png) from the running application.

    .venv/bin/python docs/screenshots.py                 # writes docs/img/*.png
    .venv/bin/python docs/screenshots.py --out /tmp/img  # somewhere else

It builds a temporary instance (SQLite) with the demo events (``flask demo load``), an
administrator and a few registrations with names in several scripts, serves it with gunicorn
on 127.0.0.1, and takes the pictures with headless Chromium through Playwright
(``/usr/bin/chromium``; ``CHROMIUM_PATH`` overrides it):

- ``agenda.png``: the public agenda of DT4E 2024 (parallel workshops side by side);
- ``registration.png``: the registration form of the Job Day;
- ``balance.png``: the organiser's "No Women No Panel" balance report of DT4E 2024;
- ``badges.png``: the first A4 sheet of the Job Day's badges (``flask badges render``, eight per
  sheet), rasterised with ``pdftoppm``.

Nothing outside the temporary directory and the output folder is touched.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ADMIN = ("screenshots@example.org", "screenshots-" + secrets.token_hex(8))
JOBDAY = "women-in-digital-job-day"
DT4E = "dt4e-2024"
ATTENDEES = [
    ("Amira Haddad", "Brussels Data Collective", "she/her"),
    ("Олена Коваленко", "Liège Cyber Campus", "she/her"),
    ("نور منصور", "Inclusive Recruitment Lab", ""),
    ("Siobhán Ní Bhriain", "Ghent UX Guild", "she/her"),
    ("Kwame Mensah", "Talent Bridge Lisbon", "he/him"),
    ("Chloé Dubois", "Digital Skills Wallonia", "they/them"),
]
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

SCHEMA = """
import sys
from flask_migrate import stamp
from wid_events import create_app
from wid_events.extensions import db
app = create_app()
with app.app_context():
    db.create_all()
    stamp(directory=sys.argv[1])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def register_attendees(base: str) -> None:
    """Real registrations through the public form (CSRF and all), as a visitor would."""
    for i, (name, organisation, pronouns) in enumerate(ATTENDEES):
        s = requests.Session()
        html = s.get(f"{base}/events/{JOBDAY}/register", timeout=60).text
        token = CSRF_RE.search(html).group(1)
        form_key = re.search(r'name="form_key" type="hidden" value="([^"]*)"', html)
        data = {
            "csrf_token": token,
            "name": name,
            "email": f"attendee{i}@example.org",
            "organisation": organisation,
            "pronouns": pronouns,
            "attendance": "in_person",
            "consent": "y",
        }
        if form_key:
            data["form_key"] = form_key.group(1)
        r = s.post(f"{base}/events/{JOBDAY}/register", data=data, allow_redirects=False, timeout=60)
        if r.status_code not in (302, 303):
            raise SystemExit(f"registration of {name} failed: HTTP {r.status_code}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}")
    if not shutil.which("pdftoppm"):
        raise SystemExit("pdftoppm not found (Debian: apt-get install poppler-utils)")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="wid-screenshots-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("WID_TESTING", "REDIS_URL", "MAIL_SERVER")},
        "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}",
        "WID_INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_ENABLED": "0",
    }
    proc = None
    try:
        subprocess.run(
            [sys.executable, "-c", SCHEMA, str(ROOT / "migrations")], cwd=ROOT, env=env, check=True
        )
        flask(env, "demo", "load")
        flask(env, "users", "create-admin", ADMIN[0], "--password", ADMIN[1])

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(tmp / "gunicorn.log", "wb")
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=10)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start; see {tmp / 'gunicorn.log'}") from None
                time.sleep(0.3)
        register_attendees(base)

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            context = browser.new_context(
                base_url=base,
                locale="en-GB",
                viewport={"width": args.width, "height": 1000},
                device_scale_factor=1,
            )
            page = context.new_page()

            page.goto(f"/events/{DT4E}/agenda?day=2024-09-12")
            page.screenshot(path=str(args.out / "agenda.png"), full_page=False)

            page.goto(f"/events/{JOBDAY}/register")
            page.set_viewport_size({"width": args.width, "height": 1300})
            page.screenshot(path=str(args.out / "registration.png"), full_page=False)

            page.set_viewport_size({"width": args.width, "height": 1200})
            page.goto("/login")
            page.get_by_label("Email").fill(ADMIN[0])
            page.get_by_label("Password").fill(ADMIN[1])
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            page.goto(f"/manage/events/{DT4E}/balance")
            page.screenshot(path=str(args.out / "balance.png"), full_page=False)
            browser.close()

        pdf = tmp / "badges.pdf"
        flask(env, "badges", "render", JOBDAY, "-o", str(pdf), "--layout", "a4-8up")
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "90",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(tmp / "badges"),
            ],
            check=True,
        )
        shutil.copyfile(tmp / "badges.png", args.out / "badges.png")
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    for name in ("agenda", "registration", "balance", "badges"):
        print(args.out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
