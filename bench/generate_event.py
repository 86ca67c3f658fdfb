"""Generate a big, realistic event package ("wid-event/1") for load tests and benchmarks.

    python -m bench.generate_event -o /tmp/big.json            # 300 sessions, 3 days, 8 rooms
    python -m bench.generate_event --sessions 600 --days 4 --rooms 10 --seed 7 -o /tmp/huge.json
    flask --app wsgi events import /tmp/big.json

The grid is filled day by day, slot by slot, room by room: every slot has parallel
sessions in every room. Keynotes open each day in the first room, workshops need a
sign-up and have fewer places than their room, panels have a moderator and 3–4 panelists
with at least one woman among the panelists, and nobody speaks in two rooms at once.
The output depends only on the arguments (same seed, same package).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

FORMAT = "wid-event/1"

FIRST_NAMES_WOMEN = [
    "Amira", "Olena", "Inês", "Siobhán", "Ngozi", "Fatima", "Hanna", "Chloé", "Agnieszka", "Maryam",
    "Leila", "Sofia", "Aisha", "Kateryna", "Nadia", "Marta", "Yuki", "Priya", "Zeynep", "Élodie",
    "Мирослава", "نور", "Joana", "Björk", "Ana",
]  # fmt: skip
FIRST_NAMES_MEN = [
    "João", "Lukas", "Kwame", "Tomasz", "Yusuf", "Dmytro", "Marc", "Pedro", "Samir", "Jonas",
    "Rafael", "Arjun", "Mehmet", "Pieter", "Олег", "كريم", "Luca", "Emeka", "Hiroshi", "Søren",
]  # fmt: skip
FIRST_NAMES_NEUTRAL = ["Alex", "Sam", "Robin", "Charlie", "Noa", "Kim", "Jules", "Eden"]
LAST_NAMES = [
    "Haddad", "Kovalenko", "Gonçalves", "Ní Bhriain", "Okafor", "Benali", "Peeters", "Martin",
    "Zielińska", "Al-Hassan", "Mensah", "Wiśniewski", "Demir", "Shevchuk", "Lambert", "Almeida",
    "Janssens", "Costa", "Dubois", "Nowak", "Rahimi", "Yilmaz", "Vermeulen", "Müller", "Ivanova",
    "Sato", "Patel", "Nguyen", "Rossi", "Dupont", "Коваль", "منصور", "Van den Broeck", "O'Connor",
]  # fmt: skip
ORGANISATIONS = [
    "Brussels Data Collective", "Flanders Tech Employers", "Fair Mobility Finance Lab",
    "Porto Integration Council", "Open Source Brussels", "ReSkill Brussels", "Liège Cyber Campus",
    "Inclusive Recruitment Lab", "Ghent UX Guild", "Talent Bridge Lisbon", "Digital Skills Wallonia",
    "Antwerp Cloud Meetup", "European Women in AI", "Refugee Talent Mobility Coalition",
]  # fmt: skip
JOB_TITLES = [
    "Data engineer", "Product manager", "Researcher", "HR director", "Software engineer",
    "Policy officer", "Career coach", "Security analyst", "Founder", "UX researcher", "CTO",
]  # fmt: skip

TOPICS = [
    "artificial intelligence", "cybersecurity", "cloud infrastructure", "open data", "digital skills",
    "inclusive hiring", "reskilling", "accessibility", "data protection", "remote work", "green IT",
    "e-government", "STEM education", "entrepreneurship", "labour mobility", "skills recognition",
]  # fmt: skip
TALK_TEMPLATES = [
    "What {topic} means for the next generation of digital jobs",
    "Lessons learned: {topic} in a small organisation",
    "From zero to production: a practical guide to {topic}",
    "Myths and facts about {topic}",
    "{Topic} without a computer-science degree",
    "How we measure success in {topic}",
]
PANEL_TEMPLATES = [
    "Panel: the future of {topic} in Europe",
    "Panel: who gets a seat at the table in {topic}?",
    "Panel: {topic} and the gender gap",
]
WORKSHOP_TEMPLATES = [
    "Hands-on workshop: getting started with {topic}",
    "Workshop: designing for {topic}",
    "Coaching clinic: your career in {topic}",
]
KEYNOTE_TEMPLATES = ["Keynote: {topic} for everyone", "Opening keynote: why {topic} matters"]
TRACKS = [
    ("ai", "AI and data"),
    ("security", "Security"),
    ("careers", "Careers and skills"),
    ("policy", "Policy"),
    ("inclusion", "Inclusion"),
    ("infra", "Infrastructure"),
]


def _people(rng: random.Random, count: int) -> list[dict[str, Any]]:
    people = []
    used: set[str] = set()
    for i in range(count):
        roll = rng.random()
        if roll < 0.5:
            gender, first = "woman", rng.choice(FIRST_NAMES_WOMEN)
        elif roll < 0.88:
            gender, first = "man", rng.choice(FIRST_NAMES_MEN)
        elif roll < 0.93:
            gender, first = "non_binary", rng.choice(FIRST_NAMES_NEUTRAL)
        else:
            gender, first = "undisclosed", rng.choice(FIRST_NAMES_NEUTRAL + FIRST_NAMES_WOMEN)
        name = f"{first} {rng.choice(LAST_NAMES)}"
        while name in used:
            name = f"{first} {rng.choice(LAST_NAMES)}-{rng.choice(LAST_NAMES)}"
        used.add(name)
        key = f"p{i + 1:04d}"
        people.append(
            {
                "key": key,
                "name": name,
                "email": f"{key}@example.org" if rng.random() < 0.9 else None,
                "organisation": rng.choice(ORGANISATIONS),
                "pronouns": {"woman": "she/her", "man": "he/him", "non_binary": "they/them"}.get(gender)
                if rng.random() < 0.4
                else None,
                "gender": gender,
            }
        )
    return people


def _title(rng: random.Random, templates: list[str]) -> str:
    topic = rng.choice(TOPICS)
    return rng.choice(templates).format(topic=topic, Topic=topic[0].upper() + topic[1:])


def generate(
    sessions: int = 300,
    days: int = 3,
    rooms: int = 8,
    seed: int = 1,
    *,
    slug: str | None = None,
    start_date: dt.date = dt.date(2030, 5, 14),
    timezone: str = "Europe/Brussels",
) -> dict[str, Any]:
    """A valid event package with ``sessions`` sessions over ``days`` days in ``rooms`` rooms."""
    if sessions < 1 or days < 1 or rooms < 1:
        raise ValueError("sessions, days and rooms must be at least 1")
    rng = random.Random(seed)
    per_day = math.ceil(sessions / days)
    slots = math.ceil(per_day / rooms)
    slot_minutes, gap_minutes = 40, 10
    # Fit the slots into a day starting at 08:30 (shorter slots for very dense grids).
    while slots * (slot_minutes + gap_minutes) > 14 * 60 and slot_minutes > 20:
        slot_minutes -= 5
        gap_minutes = 5
    if slots * (slot_minutes + gap_minutes) > 15 * 60:
        raise ValueError("too many sessions for that many days and rooms (more than 15 hours a day)")

    room_list = []
    for r in range(rooms):
        capacity = 250 if r == 0 else rng.choice([40, 60, 80, 120])
        name = "Main auditorium" if r == 0 else f"Room {chr(ord('A') + r - 1) if r <= 26 else r}"
        room_list.append({"key": f"room-{r + 1}", "name": name, "capacity": capacity})
    tracks = [{"key": k, "name": n} for k, n in TRACKS]
    people = _people(rng, max(12, int(sessions * 0.9)))
    people[0]["gender"] = "woman"  # so that even a tiny package has a woman for its panels
    women = [p["key"] for p in people if p["gender"] == "woman"]

    out_sessions: list[dict[str, Any]] = []
    n = 0
    for day in range(days):
        date = start_date + dt.timedelta(days=day)
        for slot in range(slots):
            start = dt.datetime.combine(date, dt.time(8, 30)) + dt.timedelta(
                minutes=slot * (slot_minutes + gap_minutes)
            )
            end = start + dt.timedelta(minutes=slot_minutes)
            busy: set[str] = set()  # nobody in two rooms at once

            def pick(count: int, pool: list[str], busy: set[str] = busy) -> list[str]:
                free = [k for k in pool if k not in busy]
                chosen = rng.sample(free, min(count, len(free)))
                busy.update(chosen)
                return chosen

            for r, room in enumerate(room_list):
                if n >= sessions or slot * rooms + r >= per_day:
                    break
                n += 1
                all_keys = [p["key"] for p in people]
                if slot == 0 and r == 0:
                    kind = "keynote"
                else:
                    kind = rng.choices(["talk", "panel", "workshop"], weights=[55, 20, 25])[0]
                capacity, signup, speakers = None, False, []
                if kind == "keynote":
                    title = _title(rng, KEYNOTE_TEMPLATES)
                    speakers = [{"person": k, "role": "speaker"} for k in pick(1, all_keys)]
                elif kind == "talk":
                    title = _title(rng, TALK_TEMPLATES)
                    speakers = [
                        {"person": k, "role": "speaker"} for k in pick(rng.choice([1, 1, 2]), all_keys)
                    ]
                elif kind == "panel":
                    title = _title(rng, PANEL_TEMPLATES)
                    woman = pick(1, women)
                    others = pick(rng.choice([2, 3]), all_keys)
                    moderator = pick(1, all_keys)
                    speakers = [{"person": k, "role": "moderator"} for k in moderator]
                    speakers += [{"person": k, "role": "panelist"} for k in woman + others]
                else:
                    title = _title(rng, WORKSHOP_TEMPLATES)
                    signup = True
                    capacity = max(5, (room["capacity"] or 40) - rng.choice([5, 10, 20]))
                    speakers = [
                        {"person": k, "role": "facilitator"} for k in pick(rng.choice([1, 2]), all_keys)
                    ]
                out_sessions.append(
                    {
                        "key": f"s{n:04d}",
                        "title": title,
                        "type": kind,
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                        "room": room["key"],
                        "track": None if kind == "keynote" else rng.choice(tracks)["key"],
                        "capacity": capacity,
                        "requires_signup": signup,
                        "description": f"{title}. A generated session for load tests.",
                        "status": "confirmed",
                        "speakers": speakers,
                    }
                )
    slug = slug or f"bench-{sessions}-{days}d-{rooms}r"
    return {
        "format": FORMAT,
        "event": {
            "slug": slug,
            "title": f"Digital Futures Summit (generated: {sessions} sessions, {days} days, {rooms} rooms)",
            "description": "A generated event for benchmarks and load tests.",
            "timezone": timezone,
            "start_date": start_date.isoformat(),
            "end_date": (start_date + dt.timedelta(days=days - 1)).isoformat(),
            "mode": "hybrid",
            "venue": {
                "name": "Generated Conference Centre",
                "address": "Rue de l'Exemple 1, 1000 Brussels, Belgium",
            },
            "livestream_url": "https://stream.example.org/" + slug,
            "capacity_in_person": 1500,
            "capacity_online": 5000,
            "registration_open": True,
            "published": True,
            "balance_policy": {
                "min_women_per_panel": 1,
                "count_moderators": False,
                "count_non_binary": False,
                "target_share_women": 0.4,
            },
        },
        "rooms": room_list,
        "tracks": tracks,
        "people": people,
        "sessions": out_sessions,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--rooms", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--slug")
    args = parser.parse_args(argv)
    package = generate(args.sessions, args.days, args.rooms, args.seed, slug=args.slug)
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}: {len(package['sessions'])} sessions", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
