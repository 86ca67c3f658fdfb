"""In-process timings of the public pages of one imported event (Flask test client, one thread).

Run by ``bench.agenda`` on the database it built, with that checkout on ``PYTHONPATH``:
``python bench/inprocess.py SLUG`` prints JSON. "cold" empties the render cache and the
per-version memos first (where the checkout has them), "warm" is the next request.
"""

from __future__ import annotations

import json
import statistics
import sys
import time


def _clear(app) -> None:
    cache = app.extensions.get("wid_render_cache")
    if cache is not None:
        cache.local.clear()
    for module, name in (("wid_events.exports.ical_text", "_memo"), ("wid_events.balance.views", "_memo")):
        try:
            getattr(__import__(module, fromlist=[name]), name).clear()
        except (ImportError, AttributeError):
            pass


def main() -> int:
    slug = sys.argv[1]
    start = time.perf_counter()
    from wid_events import create_app

    app = create_app()
    create_ms = (time.perf_counter() - start) * 1000
    client = app.test_client()
    routes = {
        "event page": f"/events/{slug}/",
        "agenda": f"/events/{slug}/agenda",
        "calendar.ics": f"/events/{slug}/calendar.ics",
        "schedule.xml": f"/events/{slug}/schedule.xml",
        "schedule.json": f"/events/{slug}/schedule.json",
    }
    for url in routes.values():  # imports, templates, translations: not part of any figure
        client.get(url)
    result = {"create_app_ms": round(create_ms)}
    for name, url in routes.items():
        cold, warm = [], []
        for _ in range(3):
            _clear(app)
            t0 = time.perf_counter()
            assert client.get(url).status_code == 200, url
            cold.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            client.get(url)
            warm.append((time.perf_counter() - t0) * 1000)
        result[name] = {
            "cold_ms": round(statistics.median(cold), 1),
            "warm_ms": round(statistics.median(warm), 1),
        }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
