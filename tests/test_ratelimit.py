"""Rate limits per key and per client address, shared by every gunicorn worker through Redis."""

import dataclasses
import shutil
import subprocess
import time

import pytest
import requests

from locator.app import create_app
from tests.conftest import free_port, start_gunicorn, stop_gunicorn
from tests.workers import served_per_worker, spread_over_workers

PARIS = "/v1/stores?lat=48.8566&lon=2.3522"
# Hourly windows: the sliding-window counter weighs the previous window in, so a test that
# crossed a window boundary could see one request more allowed.


@pytest.fixture
def redis_url(tmp_path):
    """A private Redis on a free port for this test (installed by `make system-deps`)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing: run `make system-deps` (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            if client.ping():
                break
        except redis.ConnectionError:
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def _app(config, **changes):
    return create_app(dataclasses.replace(config, **changes)).test_client()


def test_per_key_limit_shared_by_two_workers(config, es, tenant, redis_url, tmp_path):
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    # Sync workers take one request at a time, so concurrent calls spread over both.
    server = start_gunicorn(config, tmp_path, workers=2, RATELIMIT_STORAGE_URI=redis_url,
                            RATELIMIT_DEFAULT="10/hour", RATELIMIT_PER_ADDRESS="1000/hour",
                            RATELIMIT_PER_CLIENT="1000/hour",
                            PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
                            GUNICORN_CMD_ARGS="--worker-class sync")
    try:
        # A secret key's budget is exact (a publishable key's ceiling is tested, then spent after
        # the answer, so concurrent calls can pass it by a few).
        def call(_):
            return requests.get(f"{server.url}{PARIS}", headers=tenant.headers("secret"), timeout=30)

        responses = spread_over_workers(call, metrics_dir, "/v1/stores", minimum=11)
        served = served_per_worker(metrics_dir, "/v1/stores")
        statuses = [r.status_code for r in responses]
        # Counted per worker, each worker would let its own first 10 through: more than 10 in all.
        assert statuses.count(200) == 10, (statuses, served)
        assert statuses.count(429) == len(responses) - 10
        ok = [r for r in responses if r.status_code == 200]
        assert {r.headers["X-RateLimit-Limit"] for r in ok} == {"10"}
        # Read after the hit, so concurrent calls may see the same figure.
        assert all(0 <= int(r.headers["X-RateLimit-Remaining"]) <= 9 for r in ok)
        assert all("Retry-After" not in r.headers for r in ok)
        limited = next(r for r in responses if r.status_code == 429)
        assert limited.headers["Content-Type"] == "application/problem+json"
        assert 0 < int(limited.headers["Retry-After"]) <= 3600
        assert limited.headers["X-RateLimit-Remaining"] == "0"
        assert limited.json()["status"] == 429
        # Another key of the same tenant, from the same address, has its own budget.
        other = requests.get(f"{server.url}{PARIS}", headers=tenant.headers(), timeout=30)
        assert other.status_code == 200
        # Not the public API: never limited.
        assert requests.get(f"{server.url}/healthz", timeout=30).status_code == 200
    finally:
        stop_gunicorn(server)


def test_one_address_cannot_spend_a_publishable_keys_budget(config, es, tenant, redis_url):
    # Shoppers of a site share its publishable key: each (key, address) has its own budget, and
    # what one address is refused does not count against the key's ceiling.
    client = _app(config, ratelimit_storage_uri=redis_url, ratelimit_default="10/hour",
                  ratelimit_per_client="4/hour", ratelimit_per_address="1000/hour")

    def statuses(address: str, n: int) -> list[int]:
        return [client.get(PARIS, headers=tenant.headers(), environ_base={"REMOTE_ADDR": address}).status_code
                for _ in range(n)]

    assert statuses("192.0.2.1", 30) == [200] * 4 + [429] * 26
    assert statuses("192.0.2.2", 4) == [200] * 4
    assert statuses("192.0.2.3", 3) == [200, 200, 429]  # the key's ceiling: 10 in all
    limited = client.get(PARIS, headers=tenant.headers(), environ_base={"REMOTE_ADDR": "192.0.2.4"})
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"
    # A retailer's back-end (a secret key, or any key kind that is not publishable) counts per key.
    assert [client.get(PARIS, headers=tenant.headers("secret")).status_code for _ in range(12)] == \
        [200] * 10 + [429] * 2


def test_per_address_limit_counts_keyless_and_unknown_keys(config, es, tenant, redis_url):
    client = _app(config, ratelimit_storage_uri=redis_url, ratelimit_default="1000/minute",
                  ratelimit_per_address="5/hour")
    statuses = [client.get(PARIS, headers={"X-Api-Key": f"pk_guess_{i}"}).status_code for i in range(4)]
    statuses += [client.get(PARIS).status_code for _ in range(3)]
    assert statuses == [401] * 5 + [429] * 2
    # The same limit for a publishable key from that address ...
    assert client.get(PARIS, headers=tenant.headers()).status_code == 429
    # ... but another address has its own budget ...
    elsewhere = client.get(PARIS, headers=tenant.headers(), environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 200
    # ... and a retailer's back-end with a valid secret key is limited per key only.
    assert [client.get(PARIS, headers=tenant.headers("secret")).status_code for _ in range(8)] == [200] * 8


def test_refused_keys_are_limited_per_address_before_the_general_budget(config, es, tenant, redis_url):
    client = _app(config, ratelimit_storage_uri=redis_url, ratelimit_default="1000/minute",
                  ratelimit_per_address="1000/hour", ratelimit_failed_keys="3/hour")
    # Good requests spend nothing from it.
    assert [client.get(PARIS, headers=tenant.headers()).status_code for _ in range(5)] == [200] * 5
    guesses = [client.get("/v1/desk", headers={"X-Api-Key": f"st_guess_{i}"}).status_code for i in range(5)]
    assert guesses == [401] * 3 + [429] * 2
    blocked = client.get("/v1/desk", headers={"X-Api-Key": "st_guess_x"})
    assert blocked.mimetype == "application/problem+json" and int(blocked.headers["Retry-After"]) > 0
    # The guessing address waits, with any key but a valid secret one; other addresses do not.
    assert client.get(PARIS, headers=tenant.headers()).status_code == 429
    assert client.get(PARIS, headers=tenant.headers("secret")).status_code == 200
    elsewhere = client.get(PARIS, headers=tenant.headers(), environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert elsewhere.status_code == 200


def test_forged_secret_prefix_does_not_escape_the_address_limit(config, es, redis_url):
    client = _app(config, ratelimit_storage_uri=redis_url, ratelimit_default="1000/minute",
                  ratelimit_per_address="3/hour")
    statuses = [client.get(PARIS, headers={"X-Api-Key": f"sk_forged_{i}"}).status_code for i in range(5)]
    assert statuses == [401] * 3 + [429] * 2


def test_storage_outage_fails_open(config, es, tenant):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    client = _app(config, ratelimit_storage_uri=dead, ratelimit_default="2/hour")
    statuses = [client.get(PARIS, headers=tenant.headers()).status_code for _ in range(4)]
    # Limits still apply, counted in this process, and the API keeps answering.
    assert statuses == [200, 200, 429, 429]


def test_disabled(config, es, tenant):
    client = _app(config, ratelimit_enabled=False, ratelimit_default="1/minute")
    responses = [client.get(PARIS, headers=tenant.headers()) for _ in range(3)]
    assert [r.status_code for r in responses] == [200] * 3
    assert "X-RateLimit-Limit" not in responses[-1].headers


def test_errors_keep_their_own_retry_after(config, es):
    dead_es = dataclasses.replace(config, elasticsearch_url=f"http://127.0.0.1:{free_port()}",
                                  ratelimit_default="100/minute")
    response = create_app(dead_es).test_client().get(PARIS, headers={"X-Api-Key": "pk_any"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


def test_forwarded_addresses_count_only_behind_trusted_proxies(config, es, redis_url):
    def statuses(client, forwarded_for: str) -> list[int]:
        return [client.get(PARIS, headers={"X-Forwarded-For": forwarded_for}).status_code for _ in range(3)]

    direct = _app(config, ratelimit_storage_uri=redis_url, ratelimit_per_address="2/hour")
    # Without a trusted proxy a client cannot pick its own address.
    assert statuses(direct, "198.51.100.1") + statuses(direct, "198.51.100.2") == [401, 401] + [429] * 4
    proxied = _app(config, ratelimit_storage_uri=redis_url, ratelimit_per_address="2/hour", proxy_hops=1)
    assert statuses(proxied, "203.0.113.1") == [401, 401, 429]
    assert statuses(proxied, "203.0.113.2") == [401, 401, 429]
