"""Housekeeping deletes what is past its retention: rate-limit attempts older than any window
and speaker-pool sign-ups never confirmed within a week; the jobs worker runs it on its own."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa

from tests.test_pool import last_link, member, path_of, sign_up
from tests.test_speaker_samples import make_png
from wid_events.core import housekeeping, ratelimit
from wid_events.core import worker as job_worker
from wid_events.core.models import RateLimitHit
from wid_events.enums import PoolStatus
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.pool.models import PoolMember
from wid_events.pool.services import UNCONFIRMED_KEPT
from wid_events.storage import get_storage


def test_expired_rate_limit_attempts_of_every_key_are_deleted_and_recent_ones_kept(app):
    now = utcnow()
    old = now - ratelimit.KEEP - dt.timedelta(minutes=1)
    for key, at in (("login:203.0.113.7", old), ("login:203.0.113.8", old), ("login:203.0.113.8", now)):
        db.session.add(RateLimitHit(key=key, at=at))
    db.session.commit()
    assert housekeeping.run(now)["expired rate-limit attempts"] == 2
    left = db.session.execute(sa.select(RateLimitHit.key, RateLimitHit.at)).all()
    assert [key for key, _at in left] == ["login:203.0.113.8"]


def test_a_sign_up_never_confirmed_stops_working_after_a_week_and_is_deleted(app, client, outbox):
    assert sign_up(client, photo=(io.BytesIO(make_png()), "me.png")).status_code == 302
    link, entry = last_link(outbox), member()
    photo = entry.photo_key
    assert entry.status == PoolStatus.UNCONFIRMED and photo and (get_storage().root / photo).exists()
    # A confirmed one of the same age stays.
    assert sign_up(client, email="olena@example.org", name="Олена Коваленко").status_code == 302
    assert client.post(path_of(last_link(outbox)) + "/confirm").status_code == 302
    confirmed = member("olena@example.org")
    assert confirmed.status != PoolStatus.UNCONFIRMED
    later = utcnow() + UNCONFIRMED_KEPT + dt.timedelta(hours=1)
    db.session.execute(
        sa.update(PoolMember).values(created_at=utcnow() - UNCONFIRMED_KEPT - dt.timedelta(hours=1))
    )
    db.session.commit()

    expired = client.get(path_of(link))
    assert expired.status_code == 404 and "does not work" in expired.get_data(as_text=True)
    assert housekeeping.run(later)["unconfirmed speaker-pool sign-ups"] == 1
    db.session.expire_all()
    assert [m.email for m in db.session.scalars(sa.select(PoolMember))] == ["olena@example.org"]
    assert not (get_storage().root / photo).exists()


def test_signing_up_again_before_the_purge_gives_a_fresh_week(app, client, outbox):
    sign_up(client)
    db.session.execute(
        sa.update(PoolMember).values(created_at=utcnow() - UNCONFIRMED_KEPT - dt.timedelta(hours=1))
    )
    db.session.commit()
    assert sign_up(client).status_code == 302  # the same address: a new link, the same entry
    assert client.get(path_of(last_link(outbox))).status_code == 200
    assert housekeeping.run()["unconfirmed speaker-pool sign-ups"] == 0


def test_the_jobs_worker_runs_housekeeping_and_the_cli_reports_it(app, runner, monkeypatch):
    db.session.add(RateLimitHit(key="resend:198.51.100.1", at=utcnow() - dt.timedelta(days=2)))
    db.session.commit()
    monkeypatch.setitem(app.config, "HOUSEKEEPING_SECONDS", -1)  # due on the first round
    job_worker.work(burst=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RateLimitHit)) == 0
    result = runner.invoke(args=["jobs", "housekeeping"])
    assert result.exit_code == 0
    assert "expired rate-limit attempts: 0 deleted" in result.output
    assert "unconfirmed speaker-pool sign-ups: 0 deleted" in result.output
    assert "Job Day CVs past their retention: 0 deleted" in result.output
