"""Counting misses from the real search endpoints, and GET /v1/reports/unmet-demand."""

import csv
import io
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from locator.geo import Point
from locator.reports import links
from locator.reports.areas import area_of
from locator.reports.schemas import ReportSchema
from locator.reservations import service as reservations
from locator.reservations import sweeper
from locator.tenants.service import get_tenant, update_settings
from tests.reports.helpers import BORDEAUX, NOW, PARIS, counters, flush_all, make_world

NOVEMBER = "from=2026-11-01&to=2026-11-30"
AT_PARIS = f"lat={PARIS[0]}&lon={PARIS[1]}"
AT_BORDEAUX = f"lat={BORDEAUX[0]}&lon={BORDEAUX[1]}"


@pytest.fixture
def pinned(app):
    app.config["CLOCK"] = lambda: NOW
    return app


def _misses(client, tenant):
    """Two unmet searches, one found search, one unmet basket line, one refused reservation."""
    pk = tenant.headers()
    assert client.get(f"/v1/availability?sku=SOFA&{AT_BORDEAUX}", headers=pk).status_code == 200
    # The widget's badge repeats the shopper's search as an automatic check: not counted again.
    badge = client.get(f"/v1/availability?sku=SOFA&{AT_BORDEAUX}&count_unmet=false", headers=pk)
    assert badge.status_code == 200
    with_out = client.get(f"/v1/availability?sku=SOFA&{AT_PARIS}&include_out_of_stock=true&limit=1",
                          headers=pk).get_json()
    assert [r["level"] for r in with_out["results"]] == ["out_of_stock"]
    found = client.get(f"/v1/availability?sku=LAMP&{AT_PARIS}", headers=pk).get_json()
    assert found["results"]  # found: not counted
    if with_out["next_cursor"]:  # a later page is never counted again
        client.get(f"/v1/availability?sku=SOFA&{AT_PARIS}&include_out_of_stock=true&limit=1"
                   f"&cursor={with_out['next_cursor']}", headers=pk)
    basket = client.post("/v1/availability/basket", headers=pk, json={
        "items": [{"sku": "LAMP", "qty": 1}, {"sku": "SOFA", "qty": 1}],
        "lat": PARIS[0], "lon": PARIS[1]})
    assert basket.status_code == 200
    refused = client.post("/v1/reservations", headers={**pk, "Idempotency-Key": str(uuid.uuid4())},
                          json={"store_id": "PAR", "items": [{"sku": "SOFA", "qty": 1}],
                                "customer": {"name": "Ada Lovelace", "email": "ada@example.org"}})
    assert refused.status_code == 409


def test_misses_are_counted_by_kind_area_and_local_day(client, es, config, pinned):
    tenant = make_world(es, config)
    _misses(client, tenant)
    flush_all(es, config)
    paris, bordeaux = area_of(Point(*PARIS)), area_of(Point(*BORDEAUX))
    assert [(d["kind"], d["sku"], d["area"], d["day"], d["count"]) for d in counters(es, config, tenant.id)] \
        == [("basket", "SOFA", paris, "2026-11-25", 1),
            ("reservation_refused", "SOFA", paris, "2026-11-25", 1),
            ("search", "SOFA", bordeaux, "2026-11-25", 1),
            ("search", "SOFA", paris, "2026-11-25", 1)]
    # Nothing about the shopper: no position, no contact detail.
    stored = str(counters(es, config, tenant.id))
    assert "lovelace" not in stored.lower() and "example.org" not in stored and str(PARIS[0]) not in stored


def test_the_report_ranks_products_and_areas_with_nearest_store_and_trend(client, es, config, pinned):
    tenant = make_world(es, config)
    _misses(client, tenant)
    flush_all(es, config)
    r = client.get(f"/v1/reports/unmet-demand?{NOVEMBER}", headers=tenant.headers("secret"))
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert ReportSchema().validate(report) == {}
    assert report["totals"] == {"unmet": 4, "searches": 2, "basket_lines": 1, "reservations_refused": 1,
                                "alerts_created": 0, "reservations_expired": 0}
    [sofa] = report["products"]
    assert (sofa["sku"], sofa["name"], sofa["unmet"], sofa["areas"]) == ("SOFA", "Sofa", 4, 2)
    first, second = report["areas"]
    assert first["area"] == area_of(Point(*PARIS)) and first["unmet"] == 3
    assert first["nearest_store"]["id"] == "PAR" and first["top_skus"] == ["SOFA"]
    assert len(first["boundary"]) == 6 and first["town"] == "Paris"
    assert second["area"] == area_of(Point(*BORDEAUX)) and second["town"] == "Bordeaux"
    assert second["nearest_store"]["id"] == "LYO" and second["nearest_store"]["distance_km"] > 400
    assert [w["week"] for w in report["trend"]] == ["2026-10-26", "2026-11-02", "2026-11-09",
                                                   "2026-11-16", "2026-11-23", "2026-11-30"]
    assert [w["unmet"] for w in report["trend"]] == [0, 0, 0, 0, 4, 0]
    assert report["rows"][0] == {**report["rows"][0], "week": "2026-11-23", "sku": "SOFA", "unmet": 3}
    only_lamp = client.get(f"/v1/reports/unmet-demand?{NOVEMBER}&sku=LAMP",
                           headers=tenant.headers("secret")).get_json()
    assert only_lamp["totals"]["unmet"] == 0 and only_lamp["products"] == []
    october = client.get("/v1/reports/unmet-demand?from=2026-10-01&to=2026-10-31",
                         headers=tenant.headers("secret")).get_json()
    assert october["totals"]["unmet"] == 0


def test_csv_has_every_row_with_the_nearest_store(client, es, config, pinned):
    tenant = make_world(es, config)
    _misses(client, tenant)
    flush_all(es, config)
    r = client.get(f"/v1/reports/unmet-demand?{NOVEMBER}&format=csv", headers=tenant.headers("secret"))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert 'filename="unmet-demand-2026-11-01-2026-11-30.csv"' in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(row["area"] == area_of(Point(*PARIS)), row["nearest_store_id"], row["unmet"]) for row in rows] \
        == [(True, "PAR", "3"), (False, "LYO", "1")]
    assert rows[0]["product_name"] == "Sofa" and rows[0]["week"] == "2026-11-23"
    assert [row["area_town"] for row in rows] == ["Paris", "Bordeaux"]


def test_a_tenant_that_turned_counting_off_is_not_counted(client, es, config, pinned):
    tenant = make_world(es, config, unmet_demand=False)
    _misses(client, tenant)
    flush_all(es, config)
    assert counters(es, config, tenant.id) == []


def test_expired_reservations_are_counted_at_their_store(client, es, config):
    tenant = make_world(es, config, hold_hours=2 / 3600)
    created = reservations.create(es, config, get_tenant(es, config, tenant.id), str(uuid.uuid4()),
                                  {"store_id": "PAR", "items": [{"sku": "LAMP", "qty": 1}],
                                   "customer": {"name": "Ada", "email": "ada@example.org"}})
    expires = datetime.fromisoformat(created.doc["expires_at"])
    while datetime.now(UTC) <= expires:  # bounded by the 2 s hold
        time.sleep(0.05)
    es.indices.refresh(index="-".join([config.index_prefix, "reservations"]))
    assert sweeper.sweep(es, config)["expired"] >= 1  # the sweep flushes the count itself
    [doc] = counters(es, config, tenant.id)
    assert (doc["kind"], doc["sku"], doc["store_id"], doc["area"], doc["count"]) \
        == ("reservation_expired", "LAMP", "PAR", area_of(Point(*PARIS)), 1)


def test_the_report_needs_a_secret_key_or_a_valid_link(client, es, config, pinned):
    tenant = make_world(es, config)
    url = f"/v1/reports/unmet-demand?{NOVEMBER}"
    assert client.get(url).status_code == 401
    assert client.get(url).mimetype == "application/problem+json"
    assert client.get(url, headers=tenant.headers()).status_code == 403
    secret = links.new_secret()
    update_settings(es, config, tenant.id, reports_link_secret=secret)
    token = links.sign(secret, tenant.id, NOW + timedelta(days=1))
    assert client.get(url, headers={"X-Report-Link": token}).status_code == 200
    expired = links.sign(secret, tenant.id, NOW - timedelta(seconds=1))
    assert client.get(url, headers={"X-Report-Link": expired}).status_code == 401
    forged = links.sign(links.new_secret(), tenant.id, NOW + timedelta(days=1))
    assert client.get(url, headers={"X-Report-Link": forged}).status_code == 401
    assert client.get(url, headers={"X-Report-Link": "nobody.1.x"}).status_code == 401
    # The key is checked before the query: a bad period without credentials is still a 401.
    assert client.get("/v1/reports/unmet-demand?from=bad").status_code == 401


@pytest.mark.parametrize("query", ["from=2026-11-30&to=2026-11-01", "from=2024-01-01&to=2026-11-01",
                                   "from=yesterday", "format=xml"])
def test_a_bad_period_or_format_is_a_clear_4xx(client, es, config, tenant, query):
    r = client.get(f"/v1/reports/unmet-demand?{query}", headers=tenant.headers("secret"))
    assert 400 <= r.status_code < 500 and r.mimetype == "application/problem+json"
    assert r.get_json()["errors"]


def test_the_report_page_is_served_with_the_pages_policy(client):
    with client.get("/reports") as r:
        assert r.status_code == 200 and r.mimetype == "text/html"
        policy = r.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy  # no inline script
        assert b'src="/static/reports.js"' in r.data
