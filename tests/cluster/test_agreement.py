"""The three-node cluster answers searches exactly as the single test node does, on the same data.

The demo data (422 real IKEA stores, 24 products, their simulated stock: about 10,000 stock
documents) is loaded through the indexer into both, for a tenant of each; the same requests go
to an app on each.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from indexer.context import LoadOptions
from indexer.demo import product_skus, write_files
from indexer.loader import load_file
from locator.app import create_app
from locator.es import index_name
from tests.conftest import make_tenant

pytestmark = pytest.mark.slow
POINTS = [(48.8566, 2.3522), (52.52, 13.405), (40.7128, -74.006), (59.3293, 18.0686)]


def _load(es, config, paths: dict, tmp_path) -> object:
    tenant = make_tenant(es, config, expose_quantities=True)
    for kind in ("stores", "products", "stock"):
        summary = load_file(es, config, kind, paths[kind], LoadOptions(
            tenant=tenant.id, progress=False, rejects_path=tmp_path / f"{kind}-{tenant.id}.rejects"),
            echo=lambda _msg: None)
        assert summary.rejected == 0, summary
        es.indices.refresh(index=index_name(config, kind))
    return tenant


def _pages(client, path: str, headers: dict, params: dict, pages: int = 2) -> list[dict]:
    """Return up to `pages` pages of a listing, following `next_cursor`."""
    answers = []
    for _ in range(pages):
        response = client.get(path, query_string=params, headers=headers)
        assert response.status_code == 200, response.json
        answers.append(response.json)
        if not response.json.get("next_cursor"):
            break
        params = {**params, "cursor": response.json["next_cursor"]}
    return answers


def test_search_results_agree_with_the_single_node(es, config, cluster_es, cluster_config, tmp_path):
    an_hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    paths = write_files(tmp_path / "demo", as_of=an_hour_ago)
    single_tenant = _load(es, config, paths, tmp_path)
    cluster_tenant = _load(cluster_es, cluster_config, paths, tmp_path)
    single, many = create_app(config).test_client(), create_app(cluster_config).test_client()
    skus = product_skus()[:3]
    compared = 0
    for lat, lon in POINTS:
        requests_ = [("/v1/stores", {"lat": lat, "lon": lon, "radius_km": 500, "limit": 20})]
        requests_ += [("/v1/availability", {"sku": sku, "lat": lat, "lon": lon, "radius_km": 500,
                                            "limit": 20, "include_out_of_stock": "true"}) for sku in skus]
        for path, params in requests_:
            expected = _pages(single, path, single_tenant.headers("secret"), params)
            found = _pages(many, path, cluster_tenant.headers("secret"), params)
            assert found == expected, (path, params)
            compared += sum(len(page["results"]) for page in expected)
        basket = {"items": [{"sku": sku, "qty": 2} for sku in skus], "lat": lat, "lon": lon,
                  "radius_km": 500, "include_partial": True}
        path = "/v1/availability/basket"
        expected = single.post(path, json=basket, headers=single_tenant.headers("secret"))
        found = many.post(path, json=basket, headers=cluster_tenant.headers("secret"))
        assert expected.status_code == found.status_code == 200
        assert found.json == expected.json
    assert compared > 200  # the comparison covered real answers, not empty lists
