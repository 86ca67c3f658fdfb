"""The registrations list at the scale of a real conference (issue 14): 1,500 registrations,
70 workshops, pages of 50, a search that ignores case and accents, confirmation and bulk."""

from __future__ import annotations

import datetime as dt
import re

from tests.factories import login, make_event, make_organiser, make_registration, make_session
from wid_events.core.web import hash_token
from wid_events.enums import Attendance, RegistrationStatus, SessionType
from wid_events.extensions import db
from wid_events.registration.models import Registration, RegistrationSession

FIRST = ["Anna", "Jan", "Олена", "Fatima", "Pierre", "Sofia", "Luca", "Marie", "Omar", "Eva"]
LAST = [
    "Janssens",
    "Peeters",
    "Dubois",
    "Коваленко",
    "El Amrani",
    "Rossi",
    "Nowak",
    "Smith",
    "Haddad",
    "Lambert",
]


def _conference(n=1500, workshops=70):
    event = make_event(capacity_in_person=None, capacity_online=None)
    start = dt.datetime.combine(event.start_date, dt.time(9))
    sessions = [
        make_session(
            event,
            f"Workshop {i:02d}",
            type=SessionType.WORKSHOP,
            requires_signup=True,
            capacity=30,
            start=start + dt.timedelta(minutes=i),
        )
        for i in range(workshops)
    ]
    rows = []
    for i in range(n):
        name = f"{FIRST[i % 10]} {LAST[(i // 10) % 10]} {i}"
        reg = Registration(
            event=event,
            token_hash=hash_token(f"scale-token-{i}-{'x' * 20}"),
            name=name,
            email=f"person{i}@example{i % 7}.org",
            email_normalised=f"person{i}@example{i % 7}.org",
            organisation=f"Organisation {i % 40}",
            attendance=Attendance.ONLINE if i % 3 == 0 else Attendance.IN_PERSON,
        )
        reg.set_status(RegistrationStatus.CONFIRMED)
        reg.choices.append(RegistrationSession(session_id=sessions[i % workshops].id))
        rows.append(reg)
    db.session.add_all(rows)
    db.session.commit()
    return event


def test_1500_registrations_page_is_small_paged_and_finds_muller_from_muller(client):
    event = _conference()
    muller = make_registration(
        event, "Jürgen Müller", email="j.mueller@example.de", organisation="Bäckerei Kühn"
    )
    login(client, make_organiser(event))
    url = f"/manage/events/{event.slug}/registrations"

    response = client.get(url)
    assert response.status_code == 200
    assert len(response.data) < 200_000, len(response.data)
    html = response.get_data(as_text=True)
    assert "1501 registrations" in html and "showing 1–50" in html
    assert html.count('name="ids"') == 50
    assert "<details" in html and "Workshop 69" in html  # the 70 workshops, collapsed
    assert "Page 1 of 31" in html

    last = client.get(url, query_string={"page": 31}).get_data(as_text=True)
    assert last.count('name="ids"') == 1
    assert client.get(url, query_string={"page": 999}).status_code == 200  # past the end: the last page

    for query in ("muller", "MÜLLER", "jurgen", "backerei kuhn", "j.mueller@"):
        found = client.get(url, query_string={"q": query}).get_data(as_text=True)
        assert "Jürgen Müller" in found, query
        assert "1 registration" in found, query
    assert muller.name_key == "jurgen muller"

    cyrillic = client.get(url, query_string={"q": "олена коваленко"}).get_data(as_text=True)
    assert "Олена Коваленко" in cyrillic
    assert "15 registrations" in cyrillic


def test_filters_combine_with_search_and_sorting(client):
    event = _conference(n=120, workshops=3)
    login(client, make_organiser(event))
    url = f"/manage/events/{event.slug}/registrations"
    html = client.get(url, query_string={"q": "anna", "attendance": "online"}).get_data(as_text=True)
    names = re.findall(r"<td>(Anna [^<]+)", html)
    assert names and all(int(n.rsplit(" ", 1)[1]) % 3 == 0 for n in names)
    by_name = client.get(url, query_string={"sort": "name"}).get_data(as_text=True)
    first = re.findall(r"<td>([^<]+?)(?: <span|<br|</td>)", by_name.split("<tbody>")[1])[0]
    assert first.startswith("Anna")
    desc = client.get(url, query_string={"sort": "-name"}).get_data(as_text=True)
    assert "Олена" in desc.split("<tbody>")[1][:600]  # Cyrillic sorts after Latin


def test_only_spaces_or_symbols_is_a_clear_message(client):
    event = _conference(n=3, workshops=1)
    login(client, make_organiser(event))
    response = client.get(f"/manage/events/{event.slug}/registrations", query_string={"q": "  %_ "})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "at least one letter or digit" in html
    assert "No registration matches." in html


def test_cancel_asks_for_confirmation_and_bulk_cancel_too(client):
    event = make_event()
    regs = [make_registration(event, name) for name in ("Émilie Dubois", "Jan Peeters", "Sara El Amrani")]
    login(client, make_organiser(event))
    base = f"/manage/events/{event.slug}/registrations"
    html = client.get(base).get_data(as_text=True)
    assert f'href="{base}/{regs[0].id}/cancel' in html  # a link to a confirmation, not a one-click POST
    confirm = client.get(f"{base}/{regs[0].id}/cancel")
    assert confirm.status_code == 200
    assert "Cancel 1 registration?" in confirm.get_data(as_text=True)
    assert db.session.get(Registration, regs[0].id).status == RegistrationStatus.CONFIRMED
    assert client.post(f"{base}/{regs[0].id}/cancel", data={"confirmed": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Registration, regs[0].id).status == RegistrationStatus.CANCELLED

    ids = [str(regs[1].id), str(regs[2].id)]
    ask = client.post(f"{base}/bulk", data={"action": "reject", "ids": ids})
    assert ask.status_code == 200
    page = ask.get_data(as_text=True)
    assert "Reject 2 registrations?" in page and "Jan Peeters" in page and "Sara El Amrani" in page
    db.session.expire_all()
    assert db.session.get(Registration, regs[1].id).status == RegistrationStatus.CONFIRMED
    done = client.post(f"{base}/bulk", data={"action": "reject", "ids": ids, "confirmed": "1"})
    assert done.status_code == 303
    db.session.expire_all()
    assert {db.session.get(Registration, int(i)).status for i in ids} == {RegistrationStatus.REJECTED}
    nothing = client.post(f"{base}/bulk", data={"action": "cancel"}, follow_redirects=True)
    assert "Select at least one registration." in nothing.get_data(as_text=True)


def test_xlsx_has_real_local_dates_and_names_as_text(client):
    import io

    from openpyxl import load_workbook

    event = make_event(timezone="Europe/Brussels")
    reg = make_registration(event, "-Anne =Marie", organisation='=HYPERLINK("x")', email="anne@example.org")
    reg.created_at = dt.datetime(2030, 7, 1, 8, 30, tzinfo=dt.UTC)
    make_registration(event, "Émilie Dubois")
    make_registration(event, "Zoe Adams")
    db.session.commit()
    login(client, make_organiser(event))
    response = client.get(f"/manage/events/{event.slug}/registrations.xlsx", query_string={"email": "1"})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    names = [r[header.index("Name")] for r in rows[1:]]
    assert names == ["-Anne =Marie", "Émilie Dubois", "Zoe Adams"]  # as typed, in collation order
    first = dict(zip(header, rows[1], strict=True))
    assert first["Organisation"] == '=HYPERLINK("x")'
    assert first["Email"] == "anne@example.org"
    assert first["Registered (Europe/Brussels)"] == dt.datetime(2030, 7, 1, 10, 30)  # CEST, a real date
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"


def test_csv_for_excel_uses_semicolons_and_local_time(client):
    event = make_event(timezone="Europe/Brussels")
    reg = make_registration(event, "Jan Peeters", organisation="KU Leuven, ICTS")
    reg.created_at = dt.datetime(2030, 1, 15, 9, 0, tzinfo=dt.UTC)
    db.session.commit()
    login(client, make_organiser(event))
    body = client.get(f"/manage/events/{event.slug}/registrations.csv", query_string={"excel": "1"}).data
    text = body.decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.startswith("id;name;organisation;")
    assert "2030-01-15 10:00:00" in row and "KU Leuven, ICTS" in row
    scripts = client.get(f"/manage/events/{event.slug}/registrations.csv").data.decode("utf-8-sig")
    assert "2030-01-15T09:00:00" in scripts and scripts.startswith("id,name,")
