"""Authentication: 401/403 before anything else, and revocation reaching every worker in seconds."""

import time

import requests

from locator.tenants import service
from tests.conftest import start_gunicorn, stop_gunicorn
from tests.workers import served_per_worker, spread_over_workers

PARIS = "/v1/stores?lat=48.8566&lon=2.3522"
PROBLEM = "application/problem+json"


def test_missing_unknown_and_oversized_keys_are_401(client):
    for headers in ({}, {"X-Api-Key": ""}, {"X-Api-Key": "pk_unknown"}, {"X-Api-Key": "pk_" + "x" * 5000}):
        response = client.get(PARIS, headers=headers)
        assert response.status_code == 401, headers
        assert response.mimetype == PROBLEM
        assert response.json["type"].endswith("/unauthorized")


def test_key_is_checked_before_the_input(client, tenant):
    # Without a key, bad input is still a 401: nothing about the endpoint is revealed.
    assert client.get("/v1/availability?lat=999").status_code == 401
    assert client.get("/v1/availability?lat=999", headers=tenant.headers()).status_code == 400


def test_wrong_kind_is_403(client, tenant):
    response = client.put("/v1/stock", json={"rows": []}, headers=tenant.headers("publishable"))
    assert response.status_code == 403
    assert response.mimetype == PROBLEM
    assert "secret" in response.json["detail"]


def test_revoked_key_is_refused(client, es, config, tenant):
    assert client.get(PARIS, headers=tenant.headers()).status_code == 200
    service.revoke_key(es, config, tenant.publishable_key)
    assert client.get(PARIS, headers=tenant.headers()).status_code == 401  # test cache TTL is 0


def test_revocation_reaches_every_worker_within_the_cache_time(config, es, tenant, tmp_path):
    ttl = 1.0
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    # Sync workers take one request at a time, so concurrent calls spread over both.
    server = start_gunicorn(config, tmp_path, workers=2, KEY_CACHE_SECONDS=str(ttl),
                            PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
                            GUNICORN_CMD_ARGS="--worker-class sync")
    try:
        def call(_):
            return requests.get(f"{server.url}{PARIS}", headers=tenant.headers(), timeout=30).status_code

        # Every worker has answered with the key, so every worker has it cached.
        assert set(spread_over_workers(call, metrics_dir, "/v1/stores")) == {200}
        # Every entry was cached before this moment (the workers are idle: no lookup in flight),
        # so each has expired `ttl` later, on the clock the workers' caches use (monotonic, one
        # per machine). The contract itself, not a guessed margin: no sleep that a busy machine
        # could outrun.
        revoked_at = time.monotonic()
        service.revoke_key(es, config, tenant.publishable_key)
        while time.monotonic() < revoked_at + ttl:  # ends at a fixed moment
            time.sleep(0.05)
        before = served_per_worker(metrics_dir, "/v1/stores")
        statuses = spread_over_workers(call, metrics_dir, "/v1/stores", since=before)
        assert set(statuses) == {401}
    finally:
        stop_gunicorn(server)
