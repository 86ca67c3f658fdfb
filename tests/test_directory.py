"""The people directory: one record per person across events (exact email matches only), gender
and consent per event, reviewed and audited merges, search in any script, and the migration."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import base_config
from tests.factories import login, make_event, make_organiser, make_person, make_user
from tests.test_migrations import fresh_database_url  # noqa: F401 - a fixture
from wid_events import create_app
from wid_events.audit.models import AuditLogEntry
from wid_events.demo.services import load_demo
from wid_events.enums import Gender
from wid_events.extensions import db
from wid_events.packages.package import event_by_slug, export_event, import_package
from wid_events.people.models import DirectoryPerson, Person

MIGRATION_FILE = (
    Path(__file__).parent.parent / "migrations/versions/5d1e7c2a9f30_people_directory_across_events.py"
)
_spec = importlib.util.spec_from_file_location("directory_migration", MIGRATION_FILE)
MIGRATION = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(MIGRATION)


def record_of(person: Person) -> DirectoryPerson:
    db.session.expire_all()
    return db.session.get(Person, person.id).directory


def test_new_people_join_a_record_only_on_an_exact_email_match(app):
    a, b = make_event(), make_event()
    ada_a = make_person(a, "Ada Lovelace", Gender.WOMAN, email="Ada@Example.org")
    ada_b = make_person(b, "Ada L.", email=" ada@example.org ")
    namesake = make_person(b, "Ada Lovelace")  # same name, no email: not merged
    assert record_of(ada_a).id == record_of(ada_b).id
    assert record_of(namesake).id != record_of(ada_a).id
    # Gender and its consent stay per event.
    assert db.session.get(Person, ada_a.id).gender == Gender.WOMAN
    assert db.session.get(Person, ada_b.id).gender == Gender.UNDISCLOSED


def test_deleting_the_last_event_row_removes_the_record(app):
    a, b = make_event(), make_event()
    one, two = make_person(a, "Ada", email="ada@example.org"), make_person(b, "Ada", email="ada@example.org")
    record_id = record_of(one).id
    db.session.delete(db.session.get(Person, one.id))
    db.session.commit()
    assert db.session.get(DirectoryPerson, record_id) is not None
    db.session.delete(db.session.get(Person, two.id))
    db.session.commit()
    assert db.session.get(DirectoryPerson, record_id) is None


def test_directory_lists_events_and_roles_and_searches_any_script(app, client):
    a, b, hidden = make_event(), make_event(), make_event()
    make_person(a, "Олена Коваленко", email="olena@example.org", organisation="Київ Digital")
    make_person(b, "Olena K.", email="olena@example.org")
    make_person(hidden, "Émilie Secret", email="emilie@example.org")
    organiser = make_organiser(a)
    login(client, organiser)
    text = client.get("/manage/people?q=олена").get_data(as_text=True)
    assert "Олена Коваленко" in text and a.title in text
    assert b.title not in text  # an event this organiser does not organise stays hidden
    assert "Émilie" not in client.get("/manage/people?q=emilie").get_data(as_text=True)
    admin = make_user(admin=True)
    login(client, admin)
    text = client.get("/manage/people?q=ОЛЕНА").get_data(as_text=True)
    assert a.title in text and b.title in text
    assert "Émilie Secret" in client.get("/manage/people?q=EMILIE").get_data(as_text=True)


def test_reviewed_merge_side_by_side_with_chosen_fields_and_audit(app, client):
    a, b = make_event(), make_event()
    one = make_person(a, "Amina Diallo", Gender.WOMAN, email="amina@example.org", organisation="Green Bank")
    two = make_person(b, "Amina  Diallo", organisation="Green Bank SA")
    keep, other = record_of(one), record_of(two)
    assert keep.id != other.id
    login(client, make_user(admin=True))
    page = client.get(f"/manage/people/merge?keep={keep.id}&other={other.id}").get_data(as_text=True)
    assert "Green Bank SA" in page and "Green Bank" in page and a.title in page and b.title in page
    response = client.post(
        f"/manage/people/merge?keep={keep.id}&other={other.id}",
        data={"name": "keep", "email": "keep", "organisation": "other"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    merged = db.session.get(DirectoryPerson, keep.id)
    assert db.session.get(DirectoryPerson, other.id) is None
    assert (merged.name, merged.email, merged.organisation) == (
        "Amina Diallo",
        "amina@example.org",
        "Green Bank SA",
    )
    assert {p.id for p in merged.people} == {one.id, two.id}
    assert db.session.get(Person, two.id).gender == Gender.UNDISCLOSED  # nothing copied between events
    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "directory.merge"))
    assert entry.changes["merged_record"] == [other.id, None]


def test_organisers_cannot_merge_records_of_events_they_do_not_organise(app, client):
    a, b = make_event(), make_event()
    one = make_person(a, "Amina Diallo", email="amina@example.org")
    also_b = make_person(b, "Amina", email="amina@example.org")
    two = make_person(a, "Amina D.")
    login(client, make_organiser(a))
    keep, other = record_of(one), record_of(two)
    response = client.post(
        f"/manage/people/merge?keep={keep.id}&other={other.id}",
        data={"name": "keep", "email": "keep", "organisation": "keep"},
    )
    assert response.status_code == 403
    assert "ask a site administrator" in response.get_data(as_text=True)
    assert db.session.get(DirectoryPerson, other.id) is not None and record_of(also_b).id == keep.id


def test_migration_on_a_copy_of_the_demo_merges_only_exact_email_matches(fresh_database_url):  # noqa: F811
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=fresh_database_url))
    with app.app_context():
        upgrade()
        load_demo(actor="test")
        # The next DT4E edition, as the contract describes it: the same panels and speakers.
        package = export_event(event_by_slug("dt4e-2024"))
        package["event"].update(slug="dt4e-next", title="DT4E, next edition", published=False)
        package["event"]["start_date"] = "2030-09-10"
        package["event"]["end_date"] = "2030-09-11"
        for session in package["sessions"]:
            for field in ("start", "end"):
                session[field] = (
                    session[field].replace("2024-09-11", "2030-09-10").replace("2024-09-12", "2030-09-11")
                )
        next_edition = import_package(package, actor="test")
        shared_woman = next(p for p in next_edition.people if p.email and p.gender == Gender.WOMAN)
        shared_woman.gender = Gender.UNDISCLOSED  # her answer for this edition is her own
        db.session.commit()
        people = {
            p.id: (p.event_id, (p.email or "").lower() or None, p.gender)
            for p in db.session.scalars(sa.select(Person))
        }
        # The demo data as it was before the directory, then the migration's data step.
        with db.engine.begin() as conn:
            conn.execute(sa.update(Person).values(directory_id=None))
            conn.execute(sa.delete(DirectoryPerson))
            MIGRATION.link_existing_people(conn)
        db.session.expire_all()
        rows = list(db.session.scalars(sa.select(Person)))
        assert all(p.directory_id is not None for p in rows)
        emails = {e for _ev, e, _g in people.values() if e}
        without = sum(1 for _ev, e, _g in people.values() if not e)
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(DirectoryPerson))
            == len(emails) + without
        )
        # A person who speaks at two demo events is one record, with her gender per event.
        by_record: dict[int, list[Person]] = {}
        for p in rows:
            by_record.setdefault(p.directory_id, []).append(p)
        shared = [ps for ps in by_record.values() if len({p.event_id for p in ps}) >= 2]
        assert shared, "the demo has people at two events"
        for ps in shared:
            assert len({(p.email or "").lower() for p in ps}) == 1
            assert all(p.gender == people[p.id][2] for p in ps)
        assert any(len({p.gender for p in ps}) == 2 for ps in shared)  # consent does not travel
        db.session.remove()
