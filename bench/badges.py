"""Benchmark: badges for 1,000 registrations (seconds and peak memory).

    .venv/bin/python -m bench.badges                 # 1,000 badges, every layout
    .venv/bin/python -m bench.badges -n 2000 --layout a4-8up

Builds a throw-away SQLite database in a temporary folder (names in Latin with diacritics,
Arabic and Cyrillic), then renders the PDF exactly as ``flask badges render`` does: one shared
FontConfiguration and parsed CSS, chunks of ``badges.CHUNK`` badges joined into one PDF.
Each layout is rendered twice: "cold", as ``flask badges render`` does in a fresh process
(it starts the pool's forkserver, which imports WeasyPrint while the badges are read from the
database), then "warm", as a running ``flask jobs worker`` does (it started the forkserver when
it booted). Both times include reading the badges (``collect_badges``). Reports wall
time, the CPU seconds of this process and of its rendering pool, the PDF's size, the peak
memory of the whole process tree (this process and its rendering pool: proportional
set sizes, sampled from /proc every 100 ms, with this process's share) and, with
``--tracemalloc``, the peak of Python allocations per layout.

``--plain`` also lays out a plain document of as many A6 pages, one name each, in one
WeasyPrint call in a child process: the yardstick of the issue ("1,000 badges within 1.5x a
plain 1,000-page document, measured in the same run"), printed as a ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

FIRST = [
    "Amira",
    "Olena",
    "Inês",
    "Siobhán",
    "Ngozi",
    "Zoë",
    "Chloé",
    "Agnieszka",
    "Мирослава",
    "نور",
    "أمل",
    "Ольга",
    "Björk",
    "Łucja",
    "Jean-Baptiste",
    "Karim",
    "Mehmet",
    "Ana",
    "Dũng",
    "Élodie",
]
LAST = [
    "Haddad",
    "Lefèvre-Ñúñez",
    "Kowalczyk",
    "Петрова",
    "الحداد",
    "Nguyễn",
    "Ó Briain",
    "Dubois",
    "Yılmaz",
    "Van den Broeck",
    "Okafor",
    "Sørensen",
    "Müller",
    "García",
    "Janssens",
]
ORGS = [
    "IOM Belgium",
    "Digital Belgium",
    "منظمة الهجرة الدولية",
    "ULB",
    "KU Leuven",
    "Interface3",
    "BeCode",
    None,
    None,
]


def _pss_kib(pid: int) -> int:
    """Proportional set size: pages shared after the fork count once in the sum, not per process."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (its own, not its children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PeakMemory:
    """Peak of the summed PSS of this process and all its descendants, sampled in a thread.

    Also kept: this process's share of that peak (``parent_kib``) and the CPU seconds of the
    descendants (``children_cpu``, last sample of each; a pool worker's final ~100 ms may be
    missed): on a shared machine CPU seconds move much less than wall time. Every 100 ms, not
    20: reading /proc for five processes every 20 ms took ~2 s of CPU from the two cores measured;
    the rendering processes hold their memory for seconds, so the peak is not missed."""

    def __init__(self, every: float = 0.1) -> None:
        self.every, self.peak_kib, self.parent_kib = every, 0, 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def children_cpu(self) -> float:
        return sum(self._cpu.values())

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            pss = {p: _pss_kib(p) for p in _tree(me)}
            if sum(pss.values()) > self.peak_kib:
                self.peak_kib, self.parent_kib = sum(pss.values()), pss.get(me, 0)
            for pid in pss:
                if pid != me:
                    self._cpu[pid] = max(self._cpu.get(pid, 0.0), _cpu_seconds(pid))
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


_PLAIN = """
import sys, time
from weasyprint import HTML
html = sys.stdin.read()
start = time.perf_counter()
HTML(string=html).write_pdf()
print(time.perf_counter() - start)
"""


def plain_document_seconds(n: int) -> float:
    """A plain n-page A6 document, one name per page, laid out and written by WeasyPrint.

    In a child process (WeasyPrint imported before the clock starts): laid out here, its ~90 MB
    of leftovers would count in the badges' peak memory, which `flask badges render` never has.
    """
    pages = "".join(f'<p style="page-break-after: always">{FIRST[i % len(FIRST)]} {i}</p>' for i in range(n))
    html = f"<html><head><style>@page {{ size: A6 }}</style></head><body>{pages}</body></html>"
    child = subprocess.run(
        [sys.executable, "-c", _PLAIN], input=html, capture_output=True, text=True, check=True
    )
    return float(child.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=1000, help="registrations (default 1000)")
    parser.add_argument("--layout", choices=["a6", "a4-4up", "a4-8up"], action="append")
    parser.add_argument("-o", "--output", type=Path, help="keep the last PDF here")
    parser.add_argument("--plain", action="store_true", help="also time a plain n-page document (ratio)")
    parser.add_argument("--processes", type=int, default=None, help="rendering processes (default: cores)")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (slows rendering ~2x)"
    )
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="wid-bench-badges-"))
    os.environ["WID_INSTANCE_PATH"] = str(tmp / "instance")
    os.environ.setdefault("SECRET_KEY", "bench")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from wid_events import create_app
    from wid_events.core.web import hash_token
    from wid_events.enums import Attendance
    from wid_events.events.models import Event
    from wid_events.exports import badges, pdf_pool
    from wid_events.extensions import db
    from wid_events.registration.models import Registration

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}", "TESTING": True})
    rng = random.Random(7)
    with app.app_context():
        db.create_all()
        event = Event(
            slug="bench-badges",
            title="Girls & Women in Digital Job Day",
            timezone="Europe/Brussels",
            start_date=dt.date(2025, 3, 8),
            end_date=dt.date(2025, 3, 8),
            published=True,
        )
        db.session.add(event)
        db.session.flush()
        for i in range(args.n):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            db.session.add(
                Registration(
                    event_id=event.id,
                    token_hash=hash_token(f"bench-{i}"),
                    name=name,
                    organisation=rng.choice(ORGS),
                    pronouns=rng.choice([None, "she/her", "they/them"]),
                    attendance=Attendance.IN_PERSON,
                )
            )
        db.session.commit()

        items = badges.collect_badges(event)
        print(f"{len(items)} badges, chunks of {badges.CHUNK}, processes {args.processes or 'all cores'}")
        plain = plain_document_seconds(len(items)) if args.plain else None
        if plain is not None:
            print(f"plain    {plain:6.1f} s wall  ({len(items)} one-name A6 pages, one WeasyPrint call)")
        for layout in args.layout or ["a4-8up", "a6"]:
            # First as the CLI renders (the pool's forkserver starts with the batch), then again
            # as a running `flask jobs worker` does: it starts the forkserver when it boots.
            for when in ("cold", "warm"):
                if args.tracemalloc:
                    tracemalloc.start()
                start, cpu = time.perf_counter(), time.process_time()
                with PeakMemory() as memory:
                    # What `flask badges render` does after the app is up: it starts the pool's
                    # forkserver first (a no-op once running), then reads the badges and renders.
                    if args.processes != 1:
                        pdf_pool.warm_up()
                    items = badges.collect_badges(event)
                    pdf = badges.render_badges(event, items, layout=layout, processes=args.processes)
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
                line = (
                    f"{layout:8s} {when}  {seconds:5.1f} s wall  {cpu:5.1f} s CPU (this process)  "
                    f"{memory.children_cpu:5.1f} s CPU (its pool)  {len(pdf) / 1e6:4.1f} MB PDF  "
                    f"peak memory {memory.peak_kib / 1024:4.0f} MB (all processes; this one "
                    f"{memory.parent_kib / 1024:.0f} MB of it, peak RSS "
                    f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
                )
                if plain:
                    line += f"  ratio to the plain document {seconds / plain:.2f}"
                if args.tracemalloc:
                    _current, peak = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
                    line += f"  peak Python allocations {peak / 1e6:6.0f} MB"
                print(line, flush=True)
            if args.output:
                args.output.write_bytes(pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
