"""Fuzz every operation of the live `/openapi.json` with schemathesis against a real gunicorn.

No answer may be a 5xx, and every answer must match what the document says (status, content
type, headers, body schema). Bounded by examples per operation, so it takes a few minutes at most.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
import requests

from tests import factories
from tests.conftest import ROOT, make_tenant, with_store_key

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"))
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance", "ignored_auth",
])


@pytest.fixture(scope="module")
def seeded(es, config, live_server):
    """A tenant with a store, a product, stock and a reservation, so that requests reach data."""
    tenant = make_tenant(es, config, expose_quantities=True)
    factories.seed(es, config, [factories.store_doc(tenant.id, "S1", 48.8566, 2.3522)],
                   [factories.product_doc(tenant.id, "SKU1")])
    base = live_server.url
    rows = [{"store_id": "S1", "sku": "SKU1", "on_hand": 50, "as_of": datetime.now(UTC).isoformat()}]
    assert requests.put(f"{base}/v1/stock", json={"rows": rows}, headers=tenant.headers("secret"),
                        timeout=30).status_code == 200
    body = {"store_id": "S1", "items": [{"sku": "SKU1", "qty": 1}],
            "customer": {"name": "Fuzz", "email": "fuzz@example.com"}}
    headers = {**tenant.headers("publishable"), "Idempotency-Key": uuid.uuid4().hex}
    created = requests.post(f"{base}/v1/reservations", json=body, headers=headers, timeout=30)
    assert created.status_code == 201, created.text
    return with_store_key(es, config, tenant, "S1")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["secret", "publishable", "store"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, seeded, kind, tmp_path):
    key = seeded.headers(kind)["X-Api-Key"]
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{live_server.url}/openapi.json",
        "--header", f"X-Api-Key: {key}",
        "--checks", CHECKS,
        "--max-examples", str(MAX_EXAMPLES),
        "--phases", "examples,coverage,fuzzing",
        "--seed", "20261125",
        "--workers", "2",
        "--request-timeout", "30",
        "--suppress-health-check", "all",
        "--no-shrink",
        "--report", "junit", "--report-dir", str(tmp_path),
    ]
    # Run from a scratch folder (schemathesis keeps a cache in its working directory).
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=tmp_path,
                            timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-12000:]
