"""Fixtures: a real Elasticsearch (started if needed), per-session indices, per-test tenants.

Every session works under its own index prefix (`test-<random>`), deleted at the end; every test
that needs data gets its own tenant, so tests never see each other's documents.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from locator import indices
from locator.app import create_app
from locator.config import Config
from locator.es import make_client
from locator.localnode import LocalNode
from locator.tenants import service
from locator.tenants.settings import TenantSettings

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLES = Path(__file__).resolve().parent / "samples"
TEST_ES_PORT = 9250
# Tests on licence-restricted real files read them from ../shared/data and skip without them;
# the end of the run lists them (`pytest_unconfigure`), so a green run says what it did not test.
SHARED_SKIP = "needs ../shared/data/"
_skipped_for_shared_data: list[str] = []


def shared_data(name: str) -> Path:
    """Return a file of ../shared/data, or skip the test (listed at the end of the run)."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{SHARED_SKIP}{name}")
    return path


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and isinstance(report.longrepr, tuple) and SHARED_SKIP in report.longrepr[2]:
        _skipped_for_shared_data.append(f"{report.nodeid}: {report.longrepr[2].removeprefix('Skipped: ')}")


def pytest_unconfigure(config: pytest.Config) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not _skipped_for_shared_data:
        return
    reporter.write_sep("-", f"{len(_skipped_for_shared_data)} tests skipped for lack of ../shared data")
    for line in _skipped_for_shared_data:
        reporter.write_line(line)


@pytest.fixture(scope="session")
def config() -> Config:
    """Configuration of this test session: its own index prefix on the test node."""
    port = int(os.environ.get("ES_PORT", TEST_ES_PORT))
    # Rate limits high enough for any test; tests/test_ratelimit.py sets its own small ones.
    # Webhook receivers of the tests listen on 127.0.0.1 (tests/notifications checks the refusal).
    return Config.from_env(es_port=port, index_prefix=f"test-{uuid.uuid4().hex[:8]}",
                           log_level="WARNING", key_cache_seconds=0.0, webhook_allow_private=True,
                           ratelimit_default="100000/minute", ratelimit_per_address="100000/minute",
                           ratelimit_failed_keys="100000/day", ratelimit_per_client="50000/minute",
                           # No background sweeper in this process: an app a test makes without
                           # TESTING would otherwise sweep, for the rest of the session and with
                           # its settings, the deliveries other tests record. Servers that need
                           # one pass RESERVATION_SWEEP_SECONDS themselves.
                           reservation_sweep_seconds=0)


@pytest.fixture(scope="session")
def es(config: Config) -> Iterator[Elasticsearch]:
    """A client to the real node, started here when it is not running; indices made once."""
    if config.uses_local_node:
        LocalNode(config).start(echo=lambda _msg: None)
    client = make_client(config)
    indices.ensure_all(client, config)
    yield client
    indices.delete_all(client, config)
    client.close()


@pytest.fixture
def app(config: Config, es: Elasticsearch):
    app = create_app(config)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(config: Config, es: Elasticsearch) -> CliRunner:
    """A CLI runner whose environment points at this session's node and prefix."""
    return CliRunner(env=_env_for(config))


def _env_for(config: Config) -> dict[str, str]:
    env = {"ES_PORT": str(config.es_port), "INDEX_PREFIX": config.index_prefix,
           "ES_HOME": str(config.es_home), "LOG_LEVEL": "WARNING",
           "RATELIMIT_DEFAULT": config.ratelimit_default,
           "RATELIMIT_PER_ADDRESS": config.ratelimit_per_address,
           "RATELIMIT_FAILED_KEYS": config.ratelimit_failed_keys,
           "RATELIMIT_PER_CLIENT": config.ratelimit_per_client,
           "WEBHOOK_ALLOW_PRIVATE": "1" if config.webhook_allow_private else "0"}
    if config.elasticsearch_url:
        env["ELASTICSEARCH_URL"] = config.elasticsearch_url
    return env


@dataclass(frozen=True)
class TestTenant:
    id: str
    publishable_key: str
    secret_key: str
    store_key: str | None = None  # see with_store_key: a store key needs a store first

    def headers(self, kind: str = "publishable") -> dict[str, str]:
        keys = {"publishable": self.publishable_key, "secret": self.secret_key, "store": self.store_key}
        if keys[kind] is None:
            raise AssertionError("this tenant has no store key: use with_store_key()")
        return {"X-Api-Key": keys[kind]}


def with_store_key(es: Elasticsearch, config: Config, tenant: TestTenant, store_id: str) -> TestTenant:
    """Return the tenant with a store key for one of its (existing) stores."""
    key, _ = service.create_key(es, config, tenant.id, "store", store_id=store_id)
    return replace(tenant, store_key=key)


def make_tenant(es: Elasticsearch, config: Config, **settings) -> TestTenant:
    """Create a fresh tenant with one key of each kind."""
    tenant_id = f"t{uuid.uuid4().hex[:10]}"
    service.create_tenant(es, config, tenant_id, f"Test {tenant_id}", TenantSettings(**settings))
    pk, _ = service.create_key(es, config, tenant_id, "publishable")
    sk, _ = service.create_key(es, config, tenant_id, "secret")
    return TestTenant(tenant_id, pk, sk)


@pytest.fixture
def tenant(es: Elasticsearch, config: Config) -> TestTenant:
    """A new tenant for this test, with a publishable and a secret key."""
    return make_tenant(es, config)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log_path: Path


def start_gunicorn(config: Config, tmp_dir: Path, workers: int = 2, app: str = "wsgi:app",
                   **env_extra: str) -> LiveServer:
    """Start the service (or the WSGI `app` named) under gunicorn on a free port; wait until it answers."""
    port = free_port()
    env = {**os.environ, **_env_for(config), "PORT": str(port), "WEB_CONCURRENCY": str(workers),
           **env_extra}
    log_path = tmp_dir / f"gunicorn-{port}.log"
    with log_path.open("wb") as log_file:  # the child keeps its own handle
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), app],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return LiveServer(url, process, log_path)
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not answer:\n{log_path.read_text()[-3000:]}")


def stop_gunicorn(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def live_server(config: Config, es: Elasticsearch, tmp_path_factory) -> Iterator[LiveServer]:
    """The service under a real gunicorn (2 workers), for tests where HTTP matters.

    Without its sweeper: it serves the whole session, and would otherwise send, with its own
    settings (no SMTP server), the deliveries other tests record under the same index prefix.
    """
    server = start_gunicorn(config, tmp_path_factory.mktemp("gunicorn"), RESERVATION_SWEEP_SECONDS="0")
    yield server
    stop_gunicorn(server)
