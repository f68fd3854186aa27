"""Stock on several shards: every read and write passes the sku's routing, and an availability
query reads one shard. The layout comes from INDEX_SHARDS / INDEX_REPLICAS."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import BadRequestError

from locator import indices
from locator.availability.queries import StockSearch, stock_search_body
from locator.config import Config
from locator.geo import Point
from locator.mappings import stock_id, stock_routing
from locator.reservations import holds
from locator.stock.service import StockRow, apply_stock_batch
from tests.conftest import make_tenant
from tests.factories import get_stock_doc, product_doc, seed, store_doc

SKUS = [f"SKU-{n}" for n in range(12)]


@pytest.fixture
def sharded(es, config):
    """A prefix of its own whose stock indices have 3 shards."""
    layout = dataclasses.replace(config, index_prefix=f"{config.index_prefix}-r{uuid.uuid4().hex[:4]}",
                                 index_shards="1,stock=3")
    indices.ensure_all(es, layout)
    yield layout
    indices.delete_all(es, layout)


def test_layout_reads_a_default_a_kind_and_one_tenant():
    config = Config.from_env(index_shards="2,stock=6,stock.acme=12", index_replicas="stock=2")
    assert (config.shards("stores"), config.shards("stock"), config.shards("stock", "acme")) == (2, 6, 12)
    assert config.shards("stock", "other") == 6
    assert config.replicas("stock", "acme") == 2
    assert config.replicas("stores") == (0 if config.uses_local_node else 1)
    with pytest.raises(ValueError, match="INDEX_SHARDS"):
        Config.from_env(index_shards="stock=many").shards("stock")


def test_one_sku_is_one_shard_and_every_path_finds_its_documents(es, sharded):
    tenant = make_tenant(es, sharded).id
    alias = indices.stock_alias(sharded, tenant)
    (settings,) = es.indices.get_settings(index=alias, name="index.number_of_shards").values()
    assert settings["settings"]["index"]["number_of_shards"] == "3"
    seed(es, sharded, [store_doc(tenant, f"S{n}", 48.85 + n / 100, 2.35) for n in range(4)],
         [product_doc(tenant, sku) for sku in SKUS])
    now = datetime.now(UTC)
    rows = [StockRow(f"S{n}", sku, 5, now) for n in range(4) for sku in SKUS]
    assert {o.outcome for o in apply_stock_batch(es, sharded, tenant, rows, refresh=True)} == {"created"}
    # The skus are spread over the shards, and each one's documents sit together on one.
    shards = {sku: {h["_shard"] for h in es.search(index=alias, query={"term": {"sku": sku}}, explain=True,
                                                    size=10)["hits"]["hits"]} for sku in SKUS}
    assert all(len(found) == 1 for found in shards.values())
    assert len({next(iter(found)) for found in shards.values()}) > 1

    search = StockSearch(skus=("SKU-1",), point=Point(48.85, 2.35), radius_km=50,
                         min_on_hand=1)
    one = es.search(index=alias, **stock_search_body(search, 10))
    assert one["_shards"]["total"] == 1 and len(one["hits"]["hits"]) == 4
    basket = dataclasses.replace(search, skus=("SKU-1", "SKU-2"))
    two = es.search(index=alias, **stock_search_body(basket, 10))
    assert two["_shards"]["total"] <= 2 and len(two["hits"]["hits"]) == 8

    expires = now + timedelta(hours=1)
    assert holds.place(es, sharded, tenant, "S1", "r1", [{"sku": "SKU-3", "qty": 2}], expires, 0) == []
    assert holds.availability(es, sharded, tenant, "S1", "SKU-3", 0) == 3
    assert get_stock_doc(es, sharded, tenant, "S1", "SKU-3")["_source"]["held"] == 2
    holds.release(es, sharded, tenant, "S1", "r1", ["SKU-3"])
    assert holds.availability(es, sharded, tenant, "S1", "SKU-3", 0) == 5


def test_a_write_without_routing_is_refused_rather_than_misplaced(es, sharded):
    tenant = make_tenant(es, sharded).id
    with pytest.raises(BadRequestError, match="routing"):
        es.index(index=indices.stock_alias(sharded, tenant), id=stock_id(tenant, "S1", "A"),
                 document={"tenant": tenant, "store_id": "S1", "sku": "A"})
    assert stock_routing("A,B") != stock_routing("A")  # a comma in a sku stays one routing value
    assert "," not in stock_routing("A,B")


def test_setup_says_which_tenant_index_has_another_shard_count(es, sharded):
    tenant = make_tenant(es, sharded).id
    assert not [n for n in indices.layout_notes(es, sharded) if tenant in n]
    bigger = dataclasses.replace(sharded, index_shards=f"1,stock=3,stock.{tenant}=6")
    (note,) = [n for n in indices.layout_notes(es, bigger) if tenant in n]
    assert "3 shard(s), INDEX_SHARDS asks 6" in note and f"--tenant {tenant} --full" in note
