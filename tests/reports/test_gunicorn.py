"""Under a real gunicorn: counting adds nothing to the search's answer, and a clean stop flushes."""

import requests

from tests.conftest import start_gunicorn, stop_gunicorn
from tests.reports.helpers import BORDEAUX, counters, make_world


def test_a_clean_stop_writes_what_the_workers_still_hold(es, config, tmp_path):
    tenant = make_world(es, config)
    # A flush interval far beyond the test: only the flush at exit can write the counts.
    server = start_gunicorn(config, tmp_path, workers=2, UNMET_DEMAND_FLUSH_SECONDS="3600")
    try:
        for _ in range(10):
            r = requests.get(f"{server.url}/v1/availability", headers=tenant.headers(), timeout=30,
                             params={"sku": "SOFA", "lat": BORDEAUX[0], "lon": BORDEAUX[1]})
            assert r.status_code == 200 and r.json()["results"] == []
        assert counters(es, config, tenant.id) == []  # still in the workers' memory
    finally:
        stop_gunicorn(server)  # SIGTERM: gunicorn's graceful stop
    assert [(d["kind"], d["count"]) for d in counters(es, config, tenant.id)] == [("search", 10)]
