"""The demo events, as event packages ("wid-event/1", see packages/package.py).

Built from the public pages in ``shared/seeds/``: titles, descriptions, dates, venue and
"how to get there" come from the seeds. Every speaker is INVENTED (fictional names and
organisations, ``example.org`` emails); the names deliberately cover several scripts and
diacritics (Arabic, Cyrillic, Portuguese, Irish, Polish …) so that pages, exports and
badges are exercised with them. Every panel has at least one woman among its panelists
(moderators not counted), as the "No Women No Panel" policy asks.

The package text is demo content, imported as data (like an organiser's own event);
it is not UI text, so it is not translated.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from babel.dates import format_date

FORMAT = "wid-event/1"

#: The next DT4E edition: a stable slug (the README links to it), dated relative to the day
#: ``demo load`` runs, so the demo always has an open registration.
DT4E_NEXT_SLUG = "dt4e-next"
#: The series both DT4E editions belong to.
DT4E_SERIES = {
    "title": "Displaced Talent for Europe (DT4E)",
    "description": "The DT4E conferences on labour mobility pathways for refugees, in Brussels and online.",
}

#: The series the "Newcomers in Germany" workshop belongs to (the package format has no
#: series field; the demo service attaches it after the import).
NEWCOMERS_SERIES = {
    "title": "Newcomers in Germany and their Perspectives on the German Job Market",
    "description": (
        "A workshop series by IOM Germany that brings together diaspora organisations, employers, "
        "embassies, educational and research institutes and NGOs to discuss how newcomers find their "
        "place in the German job market."
    ),
}
NEWCOMERS_SLUG = "newcomers-germany-7"
NEWCOMERS_EDITION = 7


def _person(
    key: str,
    name: str,
    gender: str,
    organisation: str,
    job_title: str,
    *,
    email: bool = True,
    pronouns: str | None = None,
    bio: str = "",
) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "email": f"{key}@example.org" if email else None,
        "organisation": organisation,
        "pronouns": pronouns,
        "gender": gender,
        "job_title": job_title,
        "bio": bio,
        "gender_self_description": None,
    }


def _session(  # noqa: PLR0917 - reads like an agenda line
    key: str,
    title: str,
    type_: str,
    day: str,
    start: str,
    end: str,
    *,
    room: str | None,
    track: str | None = None,
    description: str = "",
    speakers: list[tuple[str, str]] = (),
    capacity: int | None = None,
    requires_signup: bool = False,
) -> dict[str, Any]:
    return {
        "key": key,
        "title": title,
        "type": type_,
        "start": f"{day}T{start}:00",
        "end": f"{day}T{end}:00",
        "room": room,
        "track": track,
        "capacity": capacity,
        "requires_signup": requires_signup,
        "description": description,
        "status": "confirmed",
        "speakers": [{"person": p, "role": r} for p, r in speakers],
    }


def _policy() -> dict[str, Any]:
    return {
        "min_women_per_panel": 1,
        "count_moderators": False,
        "count_non_binary": False,
        "target_share_women": 0.4,
    }


# --------------------------------------------------------------------------- DT4E 2024

DT4E_TRAVEL = """The DT4E conference will be held at The Faculty Brussels. The exact address of the venue is the following: Rue des Vétérinaires 47, 1070 Anderlecht, Belgium.

If you arrive by air at Zaventem airport, you can make use of the various trains and buses directed to Brussels which depart frequently from the airport or you can take a taxi.

If you arrive by air at Charleroi airport, you can take the shuttle bus (or the Door 2 Gate taxi) managed by Flibco – see their website for more information, prices, and bookings.

If you arrive by train at Gare du Midi, you can make use of the various busses, trams and metro lines that depart/go through the station, or you can take a taxi.

**Getting around Brussels.** Brussels is very simple to navigate and easily accessible. If you want to travel around the capital, it’s better to choose soft mobility and public transport. Public transport in Brussels is operated by STIB/MIVB, and consists of metro, tram and bus.

**Where to buy your ticket.** In public transport with contactless payment: you can pay for your trip using your contactless bank card (debit or credit), smartphone or smartwatch. Every STIB/MIVB bus, tram and metro station is equipped with a contactless payment device. Tickets are also sold in the metro stations and at the STIB/MIVB information offices; see www.stib-mivb.be for ticket prices."""  # noqa: E501

DT4E_DESCRIPTION = """The Displaced Talent for Europe (DT4E) conference takes place in Brussels and online on 11 and 12 September 2024. It brings together stakeholders and policymakers from across Europe to discuss and shape the future of labour mobility pathways for refugees.

Over the course of two dynamic days, participants will have an opportunity to delve into the learnings and insights of the EU-funded and IOM-led DT4E programme, paving the way for robust discussion on advancing refugee labour mobility in Europe and beyond.

Various expert panels will reflect on themes such as private sector and employer engagement, barriers to mobility and the European legal framework on refugee labour mobility. Attendees will also get to hear from DT4E participants about their experiences with coming to Europe through DT4E. Workshops will aim to spark discussion on crucial thematic areas, including sustainable finance; language and skills recognition; integration; and healthcare pathways."""  # noqa: E501


def dt4e_2024() -> dict[str, Any]:
    d1, d2 = "2024-09-11", "2024-09-12"
    people = [
        _person(
            "maryam-alhassan",
            "مريم الحسن",
            "woman",
            "Levant Skills Network",
            "Programme lead",
            bio="Works on skills profiling with refugee candidates before departure.",
        ),
        _person(
            "olena-kovalenko",
            "Олена Коваленко",
            "woman",
            "Kyiv–Brussels Talent Exchange",
            "Founder",
            pronouns="she/her",
        ),
        _person("joao-goncalves", "João Gonçalves", "man", "Lisbon Hospitality Guild", "HR director"),
        _person(
            "siobhan-ni-bhriain",
            "Siobhán Ní Bhriain",
            "woman",
            "Irish Care Employers Forum",
            "Policy officer",
        ),
        _person("lukas-vermeulen", "Lukas Vermeulen", "man", "Flanders Tech Employers", "Talent manager"),
        _person(
            "amira-haddad",
            "Amira Haddad",
            "woman",
            "DT4E alumni network",
            "Software engineer",
            bio="Moved to Europe through a complementary labour pathway and now mentors new candidates.",
        ),
        _person("kwame-mensah", "Kwame Mensah", "man", "Fair Mobility Finance Lab", "Economist"),
        _person("ines-carvalho", "Inês Carvalho", "woman", "Porto Integration Council", "Coordinator"),
        _person(
            "tomasz-wisniewski",
            "Tomasz Wiśniewski",
            "man",
            "Central Europe Migration Institute",
            "Researcher",
        ),
        _person("dmytro-shevchuk", "Дмитро Шевчук", "man", "DT4E alumni network", "Nurse"),
        _person(
            "ngozi-okafor",
            "Ngozi Okafor",
            "woman",
            "Pan-European Health Workforce Alliance",
            "Senior adviser",
            pronouns="she/her",
        ),
        _person("yusuf-demir", "Yusuf Demir", "man", "Refugee Talent Mobility Coalition", "Legal adviser"),
        _person("emilie-dubois", "Émilie Dubois", "woman", "Brussels Labour Mobility Lab", "Moderator"),
        _person(
            "sam-de-smet",
            "Sam De Smet",
            "non_binary",
            "Inclusive Workplaces Belgium",
            "Trainer",
            pronouns="they/them",
        ),
        _person(
            "fatima-benali", "Fatima Zahra Benali", "woman", "Maghreb–Europe Skills Partnership", "Director"
        ),
        _person(
            "rafael-costa", "Rafael Costa", "undisclosed", "Atlantic Language Academy", "Trainer", email=False
        ),
    ]
    panel1 = "Reflect on DT4E, discuss outcomes, challenges and solutions, and share best practices and key learnings from Belgium, Ireland, Portugal and UK."  # noqa: E501
    panel2 = "Explore building a business case, storytelling for impact, cost-benefit analysis and securing employer commitment."  # noqa: E501
    panel3 = "Examine challenges from candidates' perspectives, including pre-departure issues, overcoming exit permits and mobility barriers."  # noqa: E501
    legal = "Explore current immigration pathways and solutions in EU Member States and the EU's role in facilitating refugee labour mobility in Europe."  # noqa: E501
    sessions = [
        _session("d1-arrival", "Registration and welcome coffee", "break", d1, "08:30", "09:15", room="hall"),
        _session(
            "d1-welcome",
            "Welcome and opening keynote",
            "keynote",
            d1,
            "09:15",
            "09:45",
            room="hall",
            track="plenary",
            speakers=[("fatima-benali", "speaker")],
            description="Opening of the conference and the DT4E programme in numbers.",
        ),
        _session(
            "d1-panel-1",
            "Panel 1: Putting Complementary Labour Pathways to Europe into Practice",
            "panel",
            d1,
            "09:45",
            "11:00",
            room="hall",
            track="plenary",
            description=panel1,
            speakers=[
                ("emilie-dubois", "moderator"),
                ("siobhan-ni-bhriain", "panelist"),
                ("joao-goncalves", "panelist"),
                ("ines-carvalho", "panelist"),
                ("lukas-vermeulen", "panelist"),
            ],
        ),
        _session("d1-coffee", "Coffee break", "break", d1, "11:00", "11:30", room="hall"),
        _session(
            "d1-panel-2",
            "Panel 2: Focus on the private sector",
            "panel",
            d1,
            "11:30",
            "12:45",
            room="hall",
            track="plenary",
            description=panel2,
            speakers=[
                ("kwame-mensah", "moderator"),
                ("olena-kovalenko", "panelist"),
                ("lukas-vermeulen", "panelist"),
                ("ngozi-okafor", "panelist"),
            ],
        ),
        _session("d1-lunch", "Lunch", "break", d1, "12:45", "13:45", room="hall"),
        _session(
            "d1-voices",
            "Voices of DT4E participants",
            "talk",
            d1,
            "13:45",
            "14:15",
            room="hall",
            track="plenary",
            speakers=[("amira-haddad", "speaker"), ("dmytro-shevchuk", "speaker")],
            description="DT4E participants share their experiences of coming to Europe through DT4E.",
        ),
        _session(
            "d1-panel-3",
            "Panel 3: View from the Source",
            "panel",
            d1,
            "14:15",
            "15:30",
            room="hall",
            track="plenary",
            description=panel3,
            speakers=[
                ("ines-carvalho", "moderator"),
                ("maryam-alhassan", "panelist"),
                ("yusuf-demir", "panelist"),
                ("amira-haddad", "panelist"),
            ],
        ),
        _session(
            "d1-networking",
            "Networking reception",
            "networking",
            d1,
            "16:00",
            "18:00",
            room="hall",
            description="Drinks and conversation with speakers, employers and DT4E participants.",
        ),
        _session("d2-arrival", "Welcome coffee", "break", d2, "08:45", "09:15", room="hall"),
        _session(
            "d2-panel-legal",
            "Panel 1: The legal framework for Displaced Talent Mobility in Europe: "
            "Challenges and Perspectives",
            "panel",
            d2,
            "09:15",
            "10:30",
            room="hall",
            track="plenary",
            description=legal,
            speakers=[
                ("emilie-dubois", "moderator"),
                ("yusuf-demir", "panelist"),
                ("fatima-benali", "panelist"),
                ("tomasz-wisniewski", "panelist"),
                ("maryam-alhassan", "panelist"),
            ],
        ),
        _session("d2-break", "Coffee break", "break", d2, "10:30", "11:00", room="hall"),
        _session(
            "ws-finance",
            "Sustainable Finance",
            "workshop",
            d2,
            "11:00",
            "12:30",
            room="ws-a",
            track="workshops",
            capacity=30,
            requires_signup=True,
            description="Parallel workshop sessions 1. An interactive session aimed at examining and developing innovative financing models for scaling labour mobility pathways, with a focus on co-financing successes and challenges.",  # noqa: E501
            speakers=[("kwame-mensah", "facilitator"), ("olena-kovalenko", "facilitator")],
        ),
        _session(
            "ws-talent",
            "Bridging the Gap between Talent and Employment",
            "workshop",
            d2,
            "11:00",
            "12:30",
            room="ws-b",
            track="workshops",
            capacity=35,
            requires_signup=True,
            description="Parallel workshop sessions 1. Identify gaps and opportunities in talent and employment, focusing on language and vocational training, the hire-train-move model and diploma and skills recognition.",  # noqa: E501
            speakers=[("rafael-costa", "facilitator"), ("siobhan-ni-bhriain", "facilitator")],
        ),
        _session("d2-lunch", "Lunch", "break", d2, "12:30", "13:30", room="hall"),
        _session(
            "ws-integration",
            "Integration",
            "workshop",
            d2,
            "13:30",
            "15:00",
            room="ws-a",
            track="workshops",
            capacity=30,
            requires_signup=True,
            description="Parallel workshop sessions 2. An interactive session aimed at discussing effective integration practices and identifying potential gaps, with a view to ensure security, orientation and community belonging for relocating displaced talent.",  # noqa: E501
            speakers=[("ines-carvalho", "facilitator"), ("sam-de-smet", "facilitator")],
        ),
        _session(
            "ws-health",
            "Healthcare Pathways",
            "workshop",
            d2,
            "13:30",
            "15:00",
            room="ws-b",
            track="workshops",
            capacity=35,
            requires_signup=True,
            description="Parallel workshop sessions 2. Analyse healthcare pathways through candidate, employer and stakeholder case studies to understand diverse perspectives and collaborative solutions.",  # noqa: E501
            speakers=[("ngozi-okafor", "facilitator"), ("dmytro-shevchuk", "facilitator")],
        ),
        _session(
            "d2-closing",
            "Workshop report-back and closing remarks",
            "talk",
            d2,
            "15:30",
            "16:30",
            room="hall",
            track="plenary",
            speakers=[("maryam-alhassan", "speaker"), ("tomasz-wisniewski", "speaker")],
            description="Rapporteurs of the four workshops share key takeaways; closing of the conference.",
        ),
    ]
    return {
        "format": FORMAT,
        "event": {
            "slug": "dt4e-2024",
            "title": "Displaced Talent for Europe (DT4E) conference",
            "description": DT4E_DESCRIPTION,
            "timezone": "Europe/Brussels",
            "start_date": d1,
            "end_date": d2,
            "mode": "hybrid",
            "venue": {
                "name": "The Faculty Brussels",
                "address": "Rue des Vétérinaires 47, 1070 Anderlecht, Belgium",
            },
            "livestream_url": "https://stream.example.org/dt4e-2024",
            "capacity_in_person": 130,
            "capacity_online": 160,
            "registration_open": True,
            "published": True,
            "balance_policy": _policy(),
            "travel_info": DT4E_TRAVEL,
            "online_info": (
                "The plenary sessions are livestreamed for online attendees; the link is sent to registered "
                "online participants closer to the date. The workshops are in person only."
            ),
        },
        "rooms": [
            {"key": "hall", "name": "Main hall (plenary)", "capacity": 150},
            {"key": "ws-a", "name": "Workshop room A", "capacity": 40},
            {"key": "ws-b", "name": "Workshop room B", "capacity": 45},
        ],
        "tracks": [
            {"key": "plenary", "name": "Plenary"},
            {"key": "workshops", "name": "Workshops"},
        ],
        "people": people,
        "sessions": sessions,
    }


# --------------------------------------------------------------------------- Job Day

JOBDAY_DESCRIPTION = """An inclusive job fair for girls and women in the digital sector, organised under Belgium's "Women in Digital" strategy.

Meet employers that are committed to inclusive recruitment, hear from women who built a career in ICT and STEM — including women who did not start with a STEM degree — and get practical coaching: how to adapt the description of your past career to a specific digital profile, and how to perform well in a job interview. Extra attention goes to women who face discrimination on several grounds."""  # noqa: E501


def women_in_digital_job_day(day: dt.date) -> dict[str, Any]:
    """The Job Day (a Thursday), dated relative to the load day."""
    day = day.isoformat()
    people = [
        _person("nadia-el-amrani", "Nadia El Amrani", "woman", "Brussels Data Collective", "Data engineer"),
        _person(
            "hanna-peeters",
            "Hanna Peeters",
            "woman",
            "Women in Digital Belgium (demo)",
            "Coordinator",
            pronouns="she/her",
        ),
        _person("laila-rahimi", "لیلا رحیمی", "woman", "CloudBridge Antwerp", "Site reliability engineer"),
        _person("marc-lambert", "Marc Lambert", "man", "Federation of Digital Employers (demo)", "HR lead"),
        _person("aisha-yusuf", "Aisha Mohammed Yusuf", "woman", "ReSkill Brussels", "Career coach"),
        _person("kateryna-bondar", "Катерина Бондар", "woman", "UX Guild Ghent", "UX researcher"),
        _person("pedro-almeida", "Pedro Almeida", "man", "Liège Cyber Campus", "Security analyst"),
        _person("chloe-martin", "Chloé Martin", "woman", "Inclusive Recruitment Lab", "Recruiter"),
        _person(
            "alex-janssens",
            "Alex Janssens",
            "non_binary",
            "Open Source Brussels",
            "Developer advocate",
            pronouns="they/them",
        ),
        _person(
            "sofia-nowak", "Sofia Nowak", "undisclosed", "Interview Practice Network", "Coach", email=False
        ),
    ]
    sessions = [
        _session("doors", "Doors open and welcome coffee", "break", day, "09:00", "09:30", room="auditorium"),
        _session(
            "opening",
            "Opening: why Belgium needs more women in digital",
            "keynote",
            day,
            "09:30",
            "10:00",
            room="auditorium",
            track="talks",
            speakers=[("hanna-peeters", "speaker")],
            description="The goals of the Women in Digital strategy and what this Job Day is for.",
        ),
        _session(
            "job-fair",
            "Job fair: meet inclusive digital employers",
            "job_fair",
            day,
            "10:00",
            "16:30",
            room="expo",
            track="jobs",
            description="Employers committed to inclusive recruitment present their digital jobs, "
            "traineeships and reskilling programmes. Bring your CV.",
        ),
        _session(
            "talk-no-stem",
            "From a non-STEM degree to a job in data",
            "talk",
            day,
            "10:15",
            "10:45",
            room="auditorium",
            track="talks",
            speakers=[("nadia-el-amrani", "speaker")],
            description="A role-model talk on switching careers into digital.",
        ),
        _session(
            "talk-cloud",
            "A day in the life of a site reliability engineer",
            "talk",
            day,
            "11:00",
            "11:30",
            room="auditorium",
            track="talks",
            speakers=[("laila-rahimi", "speaker")],
        ),
        _session(
            "cv-1",
            "CV coaching (morning group)",
            "workshop",
            day,
            "10:30",
            "12:00",
            room="coach-1",
            track="coaching",
            capacity=18,
            requires_signup=True,
            speakers=[("aisha-yusuf", "facilitator")],
            description="How to adapt the description of your past career to a specific digital profile. "
            "Bring a printed or digital CV.",
        ),
        _session(
            "interview-1",
            "Interview coaching (morning group)",
            "workshop",
            day,
            "10:30",
            "12:00",
            room="coach-2",
            track="coaching",
            capacity=15,
            requires_signup=True,
            speakers=[("sofia-nowak", "facilitator"), ("chloe-martin", "facilitator")],
            description="Practise a job interview for a digital role and get feedback from a recruiter.",
        ),
        _session("lunch", "Lunch", "break", day, "12:00", "13:00", room=None),
        _session(
            "panel",
            "Inclusive workplaces: what digital employers can do",
            "panel",
            day,
            "13:00",
            "14:00",
            room="auditorium",
            track="talks",
            description="Job adverts, interviews, onboarding and promotion: what actually changes "
            "the share of women in digital teams.",
            speakers=[
                ("hanna-peeters", "moderator"),
                ("marc-lambert", "panelist"),
                ("kateryna-bondar", "panelist"),
                ("pedro-almeida", "panelist"),
                ("chloe-martin", "panelist"),
            ],
        ),
        _session(
            "cv-2",
            "CV coaching (afternoon group)",
            "workshop",
            day,
            "14:00",
            "15:30",
            room="coach-1",
            track="coaching",
            capacity=18,
            requires_signup=True,
            speakers=[("aisha-yusuf", "facilitator")],
            description="How to adapt the description of your past career to a specific digital profile. "
            "Bring a printed or digital CV.",
        ),
        _session(
            "interview-2",
            "Interview coaching (afternoon group)",
            "workshop",
            day,
            "14:00",
            "15:30",
            room="coach-2",
            track="coaching",
            capacity=15,
            requires_signup=True,
            speakers=[("sofia-nowak", "facilitator"), ("alex-janssens", "facilitator")],
            description="Practise a job interview for a digital role and get feedback from a recruiter.",
        ),
        _session(
            "talk-security",
            "Getting into cybersecurity without a computer-science degree",
            "talk",
            day,
            "14:15",
            "14:45",
            room="auditorium",
            track="talks",
            speakers=[("pedro-almeida", "speaker")],
        ),
        _session(
            "speed-networking",
            "Speed networking with women in tech",
            "networking",
            day,
            "15:30",
            "16:30",
            room="auditorium",
            description="Short conversations with women working in digital.",
        ),
    ]
    return {
        "format": FORMAT,
        "event": {
            "slug": "women-in-digital-job-day",
            "title": "Girls & Women in Digital Job Day",
            "description": JOBDAY_DESCRIPTION,
            "timezone": "Europe/Brussels",
            "start_date": day,
            "end_date": day,
            "mode": "in_person",
            "venue": {"name": "BeCentral", "address": "Cantersteen 10, 1000 Brussels, Belgium"},
            "livestream_url": None,
            "capacity_in_person": 400,
            "capacity_online": None,
            "registration_open": True,
            "published": True,
            "balance_policy": _policy(),
            "travel_info": (
                "BeCentral is inside Brussels Central station: trains from all over Belgium and from "
                "Brussels Airport stop there, as do metro lines 1 and 5 (Gare Centrale)."
            ),
            "online_info": "",
            "default_language": "en",
            "translations": {
                "fr": {
                    "title": "Job Day « Girls & Women in Digital »",
                    "travel_info": (
                        "BeCentral se trouve dans la gare de Bruxelles-Central : les trains de toute la "
                        "Belgique et de Brussels Airport s’y arrêtent, ainsi que les métros 1 et 5 "
                        "(Gare Centrale)."
                    ),
                },
                "nl": {
                    "title": "Girls & Women in Digital Jobdag",
                    "travel_info": (
                        "BeCentral ligt in het station Brussel-Centraal: treinen uit heel België en van "
                        "Brussels Airport stoppen er, net als metrolijnen 1 en 5 (Centraal Station)."
                    ),
                },
            },
            "questions": [
                {
                    "key": "looking_for",
                    "label": "What are you looking for?",
                    "type": "multiple_choice",
                    "required": False,
                    "options": ["A job", "An internship", "A traineeship", "Advice and contacts"],
                    "attendance": None,
                    "help_text": "It helps exhibitors prepare. Choose all that apply.",
                    "translations": {
                        "fr": {
                            "label": "Que recherchez-vous ?",
                            "options": [
                                "Un emploi",
                                "Un stage",
                                "Une formation en entreprise",
                                "Des conseils et des contacts",
                            ],
                        },
                        "nl": {
                            "label": "Wat zoekt u?",
                            "options": ["Een baan", "Een stage", "Een traineeship", "Advies en contacten"],
                        },
                    },
                },
                {
                    "key": "country",
                    "label": "Which country do you live in?",
                    "type": "country",
                    "required": False,
                    "options": None,
                    "attendance": None,
                    "help_text": "",
                    "translations": {
                        "fr": {"label": "Dans quel pays habitez-vous ?"},
                        "nl": {"label": "In welk land woont u?"},
                    },
                },
            ],
        },
        "rooms": [
            {"key": "expo", "name": "Expo hall", "capacity": 400},
            {"key": "auditorium", "name": "Auditorium", "capacity": 200},
            {"key": "coach-1", "name": "Coaching room 1", "capacity": 24},
            {"key": "coach-2", "name": "Coaching room 2", "capacity": 20},
        ],
        "tracks": [
            {"key": "talks", "name": "Talks and panel"},
            {"key": "coaching", "name": "Coaching"},
            {"key": "jobs", "name": "Job fair"},
        ],
        "people": people,
        "sessions": sessions,
    }


# --------------------------------------------------------------------------- Newcomers in Germany #7

NEWCOMERS_DESCRIPTION = """The seventh event in the series “Newcomers in Germany and their Perspectives on the German Job Market”, hosted by IOM Germany in collaboration with a language-learning partner, is themed “Bridging Gaps: Integration and Empowerment of Migrant Women”.

The four-hour workshop is an interactive space for exchanging ideas, spotlighting the challenges faced by migrant women, and sharing best practices for fostering inclusion. It brings together diaspora organizations, private sector, embassies, educational and research institutes and NGOs."""  # noqa: E501


def newcomers_germany_7(day: dt.date) -> dict[str, Any]:
    """The seed's workshop (26 November 2024, a Tuesday), dated relative to the load day."""
    day = day.isoformat()
    people = [
        _person("carla-mendes", "Carla Mendes", "woman", "Intercultural Bridges (demo)", "Founder"),
        _person(
            "agnieszka-zielinska",
            "Agnieszka Zielińska",
            "woman",
            "Community Wellbeing Programme (demo)",
            "Psychologist",
        ),
        _person("tariq-mansour", "طارق منصور", "man", "Diaspora Professionals Berlin", "Chair"),
        _person("halyna-melnyk", "Галина Мельник", "woman", "Ukrainian Women in Berlin (demo)", "Engineer"),
        _person("bukola-adeyemi", "Bukola Adeyemi", "woman", "Berlin Employers for Diversity", "HR manager"),
        _person(
            "julia-becker",
            "Julia Becker",
            "woman",
            "IOM Germany (demo)",
            "Project officer",
            pronouns="sie/ihr",
        ),
    ]
    sessions = [
        _session(
            "welcome",
            "Welcome and introduction",
            "talk",
            day,
            "13:00",
            "13:15",
            room="room",
            speakers=[("julia-becker", "speaker")],
        ),
        _session(
            "cultural-intelligence",
            "Cultural Intelligence in inclusive workplaces",
            "talk",
            day,
            "13:15",
            "13:45",
            room="room",
            speakers=[("carla-mendes", "speaker")],
            description="How embracing diversity and practising respect unlock individual potential and "
            "drive societal and economic progress.",
        ),
        _session(
            "mhpss",
            "Mental health, psychosocial support and integration",
            "talk",
            day,
            "13:45",
            "14:15",
            room="room",
            speakers=[("agnieszka-zielinska", "speaker")],
            description="Insights from a community-based mental health and psychosocial support (MHPSS) "
            "programme: mental well-being as both a prerequisite and an outcome of employment.",
        ),
        _session(
            "panel",
            "Entering the German labour market: migrant women's experiences",
            "panel",
            day,
            "14:15",
            "15:00",
            room="room",
            description="Lack of support systems, recognition of qualifications acquired abroad, "
            "isolation, and the stereotypes to tackle.",
            speakers=[
                ("julia-becker", "moderator"),
                ("halyna-melnyk", "panelist"),
                ("tariq-mansour", "panelist"),
                ("bukola-adeyemi", "panelist"),
            ],
        ),
        _session("break", "Coffee break", "break", day, "15:00", "15:20", room="room"),
        _session(
            "groups",
            "Small-group discussions: practical solutions",
            "workshop",
            day,
            "15:20",
            "16:40",
            room="room",
            description="Best practices for integrating migrant women, outreach about support and "
            "services, job opportunities, legal frameworks before migration and in Germany, "
            "and platforms for migrant women's voices.",
            speakers=[("carla-mendes", "facilitator"), ("bukola-adeyemi", "facilitator")],
        ),
        _session(
            "closing",
            "Wrap-up: “When women meet, magic happens”",
            "talk",
            day,
            "16:40",
            "17:00",
            room="room",
            speakers=[("julia-becker", "speaker")],
        ),
    ]
    return {
        "format": FORMAT,
        "event": {
            "slug": NEWCOMERS_SLUG,
            "title": "Bridging Gaps: Integration and Empowerment of Migrant Women",
            "description": NEWCOMERS_DESCRIPTION,
            "timezone": "Europe/Berlin",
            "start_date": day,
            "end_date": day,
            "mode": "in_person",
            "venue": {"name": "IOM Germany, Berlin office", "address": "Berlin, Germany"},
            "livestream_url": None,
            "capacity_in_person": 45,
            "capacity_online": None,
            "registration_open": True,
            "published": True,
            "balance_policy": _policy(),
            "travel_info": "",
            "online_info": "",
        },
        "rooms": [{"key": "room", "name": "Workshop room", "capacity": 50}],
        "tracks": [],
        "people": people,
        "sessions": sessions,
    }


def _weekday_after(today: dt.date, weeks: int, weekday: int) -> dt.date:
    """The first ``weekday`` (0 = Monday) at least ``weeks`` weeks after ``today``."""
    day = today + dt.timedelta(weeks=weeks)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _english_days(d1: dt.date, d2: dt.date) -> str:
    """``11 and 12 September 2024`` (demo text is English, day-month order)."""
    if (d1.year, d1.month) == (d2.year, d2.month):
        return f"{d1.day} and {format_date(d2, 'd MMMM y', locale='en_GB')}"
    return f"{format_date(d1, 'd MMMM y', locale='en_GB')} and {format_date(d2, 'd MMMM y', locale='en_GB')}"


def dt4e_next(start: dt.date) -> dict[str, Any]:
    """The next DT4E edition: the 2024 programme (same panels, parallel workshops, speakers),
    moved to ``start`` (a Wednesday) and the day after, with registration open."""
    package = copy.deepcopy(dt4e_2024())
    event = package["event"]
    old_start = dt.date.fromisoformat(event["start_date"])
    shift = start - old_start
    end = dt.date.fromisoformat(event["end_date"]) + shift
    event.update(
        slug=DT4E_NEXT_SLUG,
        title=f"Displaced Talent for Europe (DT4E) conference {start.year}",
        description=event["description"].replace("11 and 12 September 2024", _english_days(start, end)),
        start_date=start.isoformat(),
        end_date=end.isoformat(),
        livestream_url=f"https://stream.example.org/{DT4E_NEXT_SLUG}",
        registration_open=True,
        published=True,
    )
    for session in package["sessions"]:
        for key in ("start", "end"):
            moment = dt.datetime.fromisoformat(session[key]) + shift
            session[key] = moment.isoformat(timespec="seconds")
    return package


def packages(today: dt.date | None = None) -> list[dict[str, Any]]:
    """All demo event packages, in load order.

    ``dt4e-2024`` keeps its real (past) dates; the next DT4E edition, the Job Day and the
    Newcomers workshop are dated some weeks after ``today`` (default: the day it runs), so
    the demo has open registrations whenever it is loaded.
    """
    today = today or dt.date.today()
    return [
        dt4e_2024(),
        dt4e_next(_weekday_after(today, 6, 2)),
        women_in_digital_job_day(_weekday_after(today, 8, 3)),
        newcomers_germany_7(_weekday_after(today, 4, 1)),
    ]


# --- Job Day exhibitors (loaded by the jobday step of ``demo load``) -------------------------

#: Fictional exhibitors of the ``women-in-digital-job-day`` demo: employers, a coding school,
#: support organisations. Offers: (title, contract, remote, level, languages, skills, description,
#: apply URL or None for "meet us at the booth"). Slots: (start, end, minutes, recruiters).
JOBDAY_SLUG = "women-in-digital-job-day"
JOBDAY_EXHIBITORS: list[dict[str, Any]] = [
    {
        "name": "Lumen Finance",
        "kind": "employer",
        "booth": "A1",
        "sectors": ["Finance", "Fintech"],
        "website": "https://lumen-finance.example",
        "description": "A Brussels payments company of 600 people building instant-payment and "
        "fraud-detection services for European banks.",
        "inclusive_statement": "Anonymised CV screening, mixed interview panels and a "
        "returnship programme for people coming back after a career break.",
        "commitments": ["commit_wid_charter", "commit_pay_equality", "commit_inclusive_hiring"],
        "contact": ("Sofie Claes", "sofie.claes@lumen-finance.example"),
        "offers": [
            (
                "Data analyst – fraud detection",
                "permanent",
                "hybrid",
                "junior",
                ["French", "English"],
                ["SQL", "Python", "Power BI"],
                "Find patterns in payment data and turn them into alerts.",
                None,
            ),
            (
                "Junior back-end developer",
                "permanent",
                "hybrid",
                "junior",
                ["English"],
                ["Java", "Spring", "SQL"],
                "Build APIs for instant payments in a team of eight.",
                "https://lumen-finance.example/jobs/backend",
            ),
            (
                "Returnship: IT business analyst",
                "fixed_term",
                "hybrid",
                "medior",
                ["French", "Dutch"],
                ["Business analysis", "Agile"],
                "Six paid months to come back to work after a career break, "
                "with a mentor and a permanent contract in view.",
                None,
            ),
        ],
        "slots": [("10:00", "12:00", 20, 2), ("13:30", "15:30", 20, 2)],
    },
    {
        "name": "Kanaal Logistics",
        "kind": "employer",
        "booth": "A2",
        "sectors": ["Logistics", "Supply chain"],
        "website": "https://kanaal-logistics.example",
        "description": "Warehousing and inland shipping along the Brussels–Charleroi canal, digitising "
        "its planning tools.",
        "inclusive_statement": "We train career changers on the job and offer flexible hours.",
        "commitments": ["commit_flexible_work"],
        "contact": ("Jan De Smet", "jan.desmet@kanaal-logistics.example"),
        "offers": [
            (
                "Planning software tester",
                "permanent",
                "on_site",
                "entry",
                ["Dutch", "French"],
                ["Testing", "Excel"],
                "Test our new route-planning tool with the planners who use it.",
                None,
            ),
            (
                "IT support technician",
                "permanent",
                "on_site",
                "junior",
                ["French"],
                ["Windows", "Networking", "Customer service"],
                "First-line support for 300 colleagues.",
                None,
            ),
        ],
        "slots": [("10:00", "12:00", 20, 1)],
    },
    {
        "name": "Zennevallei Health Tech",
        "kind": "employer",
        "booth": "A3",
        "sectors": ["Health", "Software"],
        "website": "https://zhealth.example",
        "description": "Software for hospitals and home-care nurses: scheduling, patient records, telecare.",
        "inclusive_statement": "Our engineering team is 48% women; we publish our gender pay gap yearly.",
        "commitments": ["commit_wid_charter", "commit_pay_equality", "commit_flexible_work"],
        "contact": ("Mariam Ouali", "mariam.ouali@zhealth.example"),
        "offers": [
            (
                "Front-end developer (React)",
                "permanent",
                "remote",
                "medior",
                ["English"],
                ["JavaScript", "React", "Accessibility"],
                "Make our nurse app fast and accessible.",
                "https://zhealth.example/careers/frontend",
            ),
            (
                "Clinical data engineer",
                "permanent",
                "hybrid",
                "senior",
                ["English", "Dutch"],
                ["Python", "FHIR", "SQL"],
                "Connect hospital systems through HL7 FHIR.",
                None,
            ),
            (
                "Product owner – home care",
                "permanent",
                "hybrid",
                "medior",
                ["French", "English"],
                ["Product management", "Agile", "User research"],
                "Own the roadmap of the home-care app.",
                None,
            ),
        ],
        "slots": [("10:00", "12:00", 20, 2), ("13:30", "16:00", 20, 1)],
    },
    {
        "name": "Federal Digital Services Agency (demo)",
        "kind": "employer",
        "booth": "A4",
        "sectors": ["Public sector"],
        "website": "https://digital-agency.example",
        "description": "Builds the online services citizens use to deal with the federal administration.",
        "inclusive_statement": "Equal pay scales, part-time work at every level, and reasonable "
        "accommodations for disabled candidates during selection.",
        "commitments": ["commit_pay_equality", "commit_flexible_work", "commit_inclusive_hiring"],
        "contact": ("Els Vermeulen", "els.vermeulen@digital-agency.example"),
        "offers": [
            (
                "Cloud engineer",
                "permanent",
                "hybrid",
                "medior",
                ["Dutch", "French"],
                ["Kubernetes", "Linux", "Terraform"],
                "Run the platform behind the citizen portal.",
                "https://digital-agency.example/jobs/cloud",
            ),
            (
                "Accessibility specialist",
                "permanent",
                "hybrid",
                "medior",
                ["French", "Dutch"],
                ["WCAG", "HTML", "Testing"],
                "Audit and fix public websites for WCAG 2.1 AA.",
                None,
            ),
            (
                "ICT traineeship",
                "traineeship",
                "on_site",
                "entry",
                ["French", "Dutch", "English"],
                ["Motivation"],
                "A one-year paid traineeship across four teams, open to all degrees.",
                None,
            ),
        ],
        "slots": [("13:30", "16:00", 30, 3)],
    },
    {
        "name": "CodeHarbour Brussels",
        "kind": "training",
        "booth": "B1",
        "sectors": ["Education", "Coding school"],
        "website": "https://codeharbour.example",
        "description": "A free coding school for refugees, newcomers and women without a tech degree: "
        "seven months of full-stack web development, then job matching with partner employers.",
        "inclusive_statement": "Free training, laptops on loan and childcare support during classes.",
        "commitments": ["commit_inclusive_hiring"],
        "contact": ("Yusuf Demir", "yusuf@codeharbour.example"),
        "offers": [
            (
                "Full-stack web development programme",
                "training",
                "hybrid",
                "entry",
                ["English"],
                ["JavaScript", "HTML", "CSS", "Node.js"],
                "Seven months, four days a week, free of charge.",
                "https://codeharbour.example/apply",
            ),
            (
                "Data analytics bootcamp",
                "training",
                "remote",
                "entry",
                ["English"],
                ["SQL", "Python", "Excel"],
                "Twelve evening weeks for working parents.",
                None,
            ),
        ],
        "slots": [("10:00", "12:00", 20, 3), ("13:30", "16:00", 20, 3)],
    },
    {
        "name": "Mosaic Cyber",
        "kind": "employer",
        "booth": "A5",
        "sectors": ["Cybersecurity"],
        "website": "https://mosaic-cyber.example",
        "description": "A security operations centre protecting hospitals, schools and town halls.",
        "inclusive_statement": "We hire for potential: half of our analysts came from other careers.",
        "commitments": ["commit_wid_charter", "commit_inclusive_hiring"],
        "contact": ("Pedro Almeida", "pedro@mosaic-cyber.example"),
        "offers": [
            (
                "SOC analyst (junior)",
                "permanent",
                "on_site",
                "junior",
                ["French", "English"],
                ["Networking", "Linux", "Security"],
                "Monitor alerts and respond to incidents, with training.",
                None,
            ),
            (
                "Penetration tester",
                "permanent",
                "hybrid",
                "senior",
                ["English"],
                ["Security", "Python", "Web"],
                "Test our clients' web applications and networks.",
                "https://mosaic-cyber.example/jobs/pentest",
            ),
            (
                "Cybersecurity apprenticeship",
                "apprenticeship",
                "on_site",
                "entry",
                ["French"],
                ["Motivation", "Networking"],
                "Two years combining school and work.",
                None,
            ),
        ],
        "slots": [("10:00", "12:00", 20, 1), ("13:30", "15:00", 20, 1)],
    },
    {
        "name": "Atelier UX Gent",
        "kind": "employer",
        "booth": "A6",
        "sectors": ["Design", "Software"],
        "website": "https://atelier-ux.example",
        "description": "A design studio of 25 people making public services and apps easier to use.",
        "inclusive_statement": "Four-day week available to everyone, and paid time for mentoring.",
        "commitments": ["commit_flexible_work"],
        "contact": ("Kateryna Bondar", "kateryna@atelier-ux.example"),
        "offers": [
            (
                "UX researcher",
                "permanent",
                "hybrid",
                "medior",
                ["Dutch", "English"],
                ["User research", "Interviews", "Accessibility"],
                "Plan and run research with real users.",
                None,
            ),
            (
                "UI design internship",
                "internship",
                "on_site",
                "entry",
                ["English"],
                ["Figma", "Design"],
                "Six months in a product team, paid.",
                None,
            ),
        ],
        "slots": [("13:30", "16:00", 20, 1)],
    },
    {
        "name": "Greenwatt Energy",
        "kind": "employer",
        "booth": "A7",
        "sectors": ["Energy"],
        "website": "https://greenwatt.example",
        "description": "Renewable energy cooperative with smart-meter and grid-balancing software.",
        "inclusive_statement": "Transparent salary grid and a women-in-tech mentoring circle.",
        "commitments": ["commit_pay_equality"],
        "contact": ("Chloé Martin", "chloe.martin@greenwatt.example"),
        "offers": [
            (
                "IoT developer",
                "permanent",
                "hybrid",
                "medior",
                ["French", "English"],
                ["C", "Python", "IoT"],
                "Firmware and data pipelines for 40,000 smart meters.",
                None,
            ),
            (
                "Data scientist – forecasting",
                "permanent",
                "remote",
                "senior",
                ["English"],
                ["Python", "Machine learning", "SQL"],
                "Forecast production and consumption.",
                "https://greenwatt.example/jobs/data-science",
            ),
            (
                "Student job: data entry and QA",
                "student_job",
                "remote",
                "entry",
                ["French"],
                ["Excel"],
                "Flexible hours during the academic year.",
                None,
            ),
        ],
        "slots": [("10:00", "11:40", 20, 1)],
    },
    {
        "name": "Women Reboot Network",
        "kind": "support",
        "booth": "C1",
        "sectors": ["Career coaching", "Mentoring"],
        "website": "https://womenreboot.example",
        "description": "Volunteer mentors helping women into digital jobs: CV reviews, mock interviews, "
        "LinkedIn profiles and a buddy for the first months in a new job.",
        "inclusive_statement": "Free for everyone; sessions in English, French, Dutch, Arabic and Ukrainian.",
        "commitments": [],
        "contact": ("Hanna Peeters", "hanna@womenreboot.example"),
        "offers": [
            (
                "Free CV review (20 minutes)",
                "training",
                "on_site",
                "any",
                ["English", "French", "Arabic"],
                ["CV"],
                "Bring your CV; leave with concrete improvements.",
                None,
            ),
            (
                "Mentoring programme, spring cohort",
                "training",
                "hybrid",
                "any",
                ["English", "French", "Dutch", "Ukrainian"],
                ["Mentoring"],
                "Six months with a mentor working in tech.",
                "https://womenreboot.example/mentoring",
            ),
        ],
        "slots": [("10:00", "12:00", 20, 4), ("13:30", "16:00", 20, 4)],
    },
    {
        "name": "Brussels Skills Desk (demo)",
        "kind": "support",
        "booth": "C2",
        "sectors": ["Employment services", "Training"],
        "website": "https://skillsdesk.example",
        "description": "Public job-search support: funded digital trainings, language courses and "
        "job coaches for jobseekers living in Brussels.",
        "inclusive_statement": "",
        "commitments": [],
        "contact": ("Aisha Mohammed Yusuf", "aisha@skillsdesk.example"),
        "offers": [
            (
                "Funded training: IT support technician",
                "training",
                "on_site",
                "entry",
                ["French", "Dutch"],
                ["Windows", "Networking"],
                "Four months, free for registered jobseekers.",
                None,
            ),
            (
                "Job coaching for the digital sector",
                "training",
                "hybrid",
                "any",
                ["French", "Dutch", "English"],
                ["Coaching"],
                "Personal coaching until you find a job.",
                None,
            ),
        ],
        "slots": [("13:30", "16:00", 20, 2)],
    },
]
