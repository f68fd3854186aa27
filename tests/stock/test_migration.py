"""Upgrading data from shared stores, products and stock indices: `locator setup` splits them per tenant."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from elasticsearch import helpers

from locator import indices, mappings, tenantsplit
from locator.areas import area_of
from locator.availability.queries import StockSearch, stock_search_body
from locator.cli.main import main
from locator.es import index_name
from locator.geo import Point
from locator.mappings import entity_id, stock_id
from locator.reservations import holds
from locator.stock.service import StockRow, apply_stock_batch
from locator.stores.queries import StoreSearch
from locator.stores.service import search_stores
from locator.tenants.settings import TenantSettings
from tests.conftest import _env_for, make_tenant
from tests.factories import get_stock_doc, product_doc, store_doc

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)


@pytest.fixture
def upgraded(es, config):
    """A prefix of its own, set up as the versions with one shared stock index left it."""
    old = dataclasses.replace(config, index_prefix=f"{config.index_prefix}-m{uuid.uuid4().hex[:4]}")
    indices.ensure_shared(es, old)
    shared = index_name(old, "stock")
    legacy_mapping = {k: v for k, v in mappings.STOCK.items() if k != "_routing"}
    legacy_mapping["properties"] = {k: v for k, v in legacy_mapping["properties"].items()
                                    if k not in ("loaded_by", "area")}
    es.indices.create(index=f"{shared}-20261101000000000000", mappings=legacy_mapping,
                      settings={"number_of_shards": 1, "number_of_replicas": 0},
                      aliases={shared: {"is_write_index": True}})
    for kind in ("stores", "products"):  # one index for every tenant, as ensure_index made them
        kind_mapping = {**indices.MAPPINGS[kind], "properties": {
            k: v for k, v in indices.MAPPINGS[kind]["properties"].items() if k != "area"}}
        es.indices.create(index=f"{index_name(old, kind)}-20261101000000000000",
                          mappings=kind_mapping,
                          settings={"number_of_shards": 1, "number_of_replicas": 0},
                          aliases={index_name(old, kind): {"is_write_index": True}})
    yield old
    indices.delete_all(es, old)


def _legacy_stock(es, config, tenant: str, sku: str, on_hand: int) -> dict:
    return {"_index": index_name(config, "stock"), "_id": stock_id(tenant, "S1", sku),
            "tenant": tenant, "store_id": "S1", "sku": sku, "location": {"lat": 48.85, "lon": 2.35},
            "store_status": "open", "services": [], "on_hand": on_hand, "as_of": T0.isoformat(),
            "holds": [], "held": 0, "updated_at": T0.isoformat()}


def _legacy_store(tenant: str) -> dict:
    """A store as the versions before areas wrote it."""
    doc = store_doc(tenant, "S1", 48.85, 2.35, name=f"Shop of {tenant}")
    del doc["area"]
    return doc


def _stores_near(es, config, tenant: str) -> list[str]:
    search = StoreSearch(tenant=tenant, point=Point(48.86, 2.36), radius_km=25)
    page = search_stores(es, config, search, limit=10, cursor=None, now=T0)
    return [store["id"] for store in page.results]


def test_setup_splits_the_shared_stock_index_and_everything_reads_and_writes_after(es, upgraded):
    # Tenants as the old versions wrote them: no stock index of their own.
    a, b = (f"t{uuid.uuid4().hex[:10]}" for _ in range(2))
    for tenant in (a, b):
        es.index(index=index_name(upgraded, "tenants"), id=tenant, refresh=True,
                 document={"tenant": tenant, "name": tenant, "settings": TenantSettings().to_dict(),
                           "created_at": T0.isoformat(), "updated_at": T0.isoformat()})
    # Stores and products as the old versions wrote them: through the shared alias.
    helpers.bulk(es, [{"_index": index_name(upgraded, "stores"), "_id": entity_id(t, "S1"),
                       **_legacy_store(t)} for t in (a, b)]
                 + [{"_index": index_name(upgraded, "products"), "_id": entity_id(t, sku),
                     **product_doc(t, sku)} for t in (a, b) for sku in ("A", "B")], refresh=True)
    helpers.bulk(es, [_legacy_stock(es, upgraded, a, "A", 4), _legacy_stock(es, upgraded, a, "B", 2),
                      _legacy_stock(es, upgraded, b, "A", 9)], refresh=True)
    with pytest.raises(indices.LayoutOutdated, match="locator setup"):
        indices.ensure_all(es, upgraded)

    result = CliRunner(env=_env_for(upgraded)).invoke(main, ["setup"])
    assert result.exit_code == 0, result.output
    assert "Stock split into one index per tenant" in result.output and "delete it" in result.output
    assert "Stores split into one index per tenant" in result.output
    assert "Products split into one index per tenant" in result.output
    # Stock written before areas existed gets its store's area, so area-narrowed searches find it.
    assert "Stock documents given their store's area: 3" in result.output
    assert "Store documents given their area: 2" in result.output
    assert _stores_near(es, upgraded, a) == ["S1"] and _stores_near(es, upgraded, b) == ["S1"]
    for kind in ("stores", "products"):
        # No document lost; the old index is kept, write-blocked, and no longer served.
        es.indices.refresh(index=index_name(upgraded, kind))
        assert es.count(index=index_name(upgraded, kind))["count"] == (2 if kind == "stores" else 4)
        assert indices.shared_layout(es, upgraded, kind) == []
        old = f"{index_name(upgraded, kind)}-20261101000000000000"
        assert es.indices.get_settings(index=old)[old]["settings"]["index"]["blocks"]["write"] == "true"
        for tenant in (a, b):
            alias = indices.tenant_alias(upgraded, kind, tenant)
            assert len(es.indices.get_alias(name=alias)) == 1  # a get by id works through it
    # Reads by id go through each tenant's own alias, and see only that tenant's documents.
    for tenant in (a, b):
        store = es.get(index=indices.tenant_alias(upgraded, "stores", tenant), id=entity_id(tenant, "S1"))
        assert store["_source"]["name"] == f"Shop of {tenant}"
        found = es.count(index=indices.tenant_alias(upgraded, "products", tenant))["count"]
        assert found == 2
    indices.ensure_all(es, upgraded)  # the layout is current: no LayoutOutdated

    assert get_stock_doc(es, upgraded, a, "S1", "A")["_source"]["on_hand"] == 4
    assert get_stock_doc(es, upgraded, a, "S1", "A")["_source"]["area"] == area_of(
        {"lat": 48.85, "lon": 2.35})
    near = StockSearch(skus=("A",), point=Point(48.86, 2.36), radius_km=25, min_on_hand=1)
    hits = es.search(index=indices.stock_alias(upgraded, b), **stock_search_body(near, 10))["hits"]["hits"]
    assert [h["_source"]["on_hand"] for h in hits] == [9]
    assert get_stock_doc(es, upgraded, b, "S1", "A")["_source"]["on_hand"] == 9
    es.indices.refresh(index=index_name(upgraded, "stock"))
    assert es.count(index=index_name(upgraded, "stock"))["count"] == 3
    later = [StockRow("S1", "B", 7, T0 + timedelta(hours=1))]
    assert apply_stock_batch(es, upgraded, a, later)[0].outcome == "updated"
    expires = datetime.now(UTC) + timedelta(hours=1)
    assert holds.place(es, upgraded, a, "S1", "r1", [{"sku": "A", "qty": 3}], expires, 0) == []
    assert holds.availability(es, upgraded, a, "S1", "A", 0) == 1
    # Running it again changes nothing.
    again = CliRunner(env=_env_for(upgraded)).invoke(main, ["setup"])
    assert again.exit_code == 0 and "split" not in again.output and "area" not in again.output


def test_every_setup_path_gives_old_store_and_stock_documents_their_area(es, config):
    # `locator demo load` (what `make run` calls) sets up through the same function as
    # `locator setup`: stores and stock written before areas existed must be found after either.
    tenant = make_tenant(es, config)
    alias = indices.stock_alias(config, tenant.id)
    old = {"tenant": tenant.id, "store_id": "S1", "sku": "A", "location": {"lat": 48.85, "lon": 2.35},
           "store_status": "open", "services": [], "on_hand": 4, "as_of": T0.isoformat(), "holds": [],
           "held": 0, "updated_at": T0.isoformat()}
    es.index(index=alias, id=stock_id(tenant.id, "S1", "A"), routing=mappings.stock_routing("A"),
             document=old, refresh=True)
    es.index(index=indices.tenant_alias(config, "stores", tenant.id), id=entity_id(tenant.id, "S1"),
             document=_legacy_store(tenant.id), refresh=True)
    assert _stores_near(es, config, tenant.id) == []  # what a search narrowed to areas misses
    said: list[str] = []
    tenantsplit.setup_all(es, config, echo=said.append)
    assert get_stock_doc(es, config, tenant.id, "S1", "A")["_source"]["area"] == area_of(old["location"])
    assert any("given their store's area" in line for line in said)
    assert any("Store documents given their area: 1" in line for line in said)
    assert _stores_near(es, config, tenant.id) == ["S1"]
