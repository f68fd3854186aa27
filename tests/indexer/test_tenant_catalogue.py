"""Stores and products are kept per tenant: one tenant's full load or rollback never touches another's."""

from indexer import aliases
from indexer.rollback import rollback
from locator import indices
from locator.es import index_name
from locator.mappings import entity_id
from tests.conftest import make_tenant
from tests.indexer.conftest import SAMPLES, count, get_store

SMALLER = ("store_id,name,city,country,lat,lon,timezone\n"
           "P01,Boutique Opéra,Paris,FR,48.8719,2.3316,Europe/Paris\n")


def _placement(es, config, tenant: str, store_id: str) -> tuple[str, int, int]:
    """Return (index, _seq_no, _primary_term) of a store document, read through the shared alias."""
    alias = index_name(config, "stores")
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, query={"ids": {"values": [entity_id(tenant, store_id)]}},
                     seq_no_primary_term=True)["hits"]["hits"]
    assert len(hits) == 1
    return hits[0]["_index"], hits[0]["_seq_no"], hits[0]["_primary_term"]


def test_a_full_stores_load_of_one_tenant_leaves_another_tenants_stores_where_they_are(es, config, load,
                                                                                       tmp_path):
    a, b = make_tenant(es, config), make_tenant(es, config)
    load("stores", SAMPLES / "stores.csv", a.id)
    load("stores", SAMPLES / "stores.csv", b.id)
    before = _placement(es, config, a.id, "P01")
    smaller = tmp_path / "smaller.csv"
    smaller.write_text(SMALLER, encoding="utf-8")
    summary, _ = load("stores", smaller, b.id, full=True)
    assert summary.ok and summary.removed == 5
    # A's document was neither copied nor rewritten: same index, same sequence number.
    assert _placement(es, config, a.id, "P01") == before
    assert aliases.live_index(es, indices.tenant_alias(config, "stores", a.id)) == before[0]
    assert count(es, config, "stores", a.id) == 6 and count(es, config, "stores", b.id) == 1


def test_two_tenants_full_stores_loads_at_the_same_time_both_succeed(es, config, load, tmp_path,
                                                                    monkeypatch):
    a, b = make_tenant(es, config), make_tenant(es, config)
    load("stores", SAMPLES / "stores.csv", a.id)
    load("stores", SAMPLES / "stores.csv", b.id)
    smaller = tmp_path / "smaller.csv"
    smaller.write_text(SMALLER, encoding="utf-8")
    finish_build = aliases.finish_build
    inner: list = []

    def finish_while_b_loads(es_, config_, kind, tenant, name):
        finish_build(es_, config_, kind, tenant, name)
        if tenant == a.id and not inner:  # B's whole full load runs between A's build and A's swap
            inner.append(load("stores", smaller, b.id, full=True)[0])

    monkeypatch.setattr(aliases, "finish_build", finish_while_b_loads)
    outer, _ = load("stores", smaller, a.id, full=True)
    assert inner and inner[0].ok and outer.ok, (inner, outer)
    assert count(es, config, "stores", a.id) == 1 and count(es, config, "stores", b.id) == 1


def test_rolling_back_one_tenants_stores_leaves_another_tenants_stores_as_they_are(es, config, load,
                                                                                  tmp_path):
    a, b = make_tenant(es, config), make_tenant(es, config)
    load("stores", SAMPLES / "stores.csv", b.id, full=True)
    smaller = tmp_path / "smaller.csv"
    smaller.write_text(SMALLER, encoding="utf-8")
    load("stores", smaller, b.id, full=True)
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(SMALLER.replace("Boutique Opéra", "Opéra rénovée"), encoding="utf-8")
    load("stores", renamed, a.id, full=True)

    done = rollback(es, config, "stores", b.id)
    assert done.from_index != done.to_index
    es.indices.refresh(index=index_name(config, "stores"))
    assert count(es, config, "stores", b.id) == 6  # B's previous stores are served again
    assert get_store(es, config, a.id, "P01")["name"] == "Opéra rénovée"  # A's last load stays
    assert count(es, config, "stores", a.id) == 1


def test_a_full_products_load_of_one_tenant_leaves_another_tenants_products_where_they_are(es, config,
                                                                                           load, tmp_path):
    a, b = make_tenant(es, config), make_tenant(es, config)
    load("products", SAMPLES / "products.csv", a.id)
    load("products", SAMPLES / "products.csv", b.id)
    alias = index_name(config, "products")
    es.indices.refresh(index=alias)

    def placement() -> tuple[str, int]:
        hit = es.search(index=alias, query={"ids": {"values": [entity_id(a.id, "SKU-1")]}},
                        seq_no_primary_term=True)["hits"]["hits"][0]
        return hit["_index"], hit["_seq_no"]

    before = placement()
    one = tmp_path / "one.csv"
    one.write_text("sku,name\nSKU-1,Chaise\n", encoding="utf-8")
    assert load("products", one, b.id, full=True)[0].ok
    es.indices.refresh(index=alias)
    assert placement() == before
    assert count(es, config, "products", a.id) == 3 and count(es, config, "products", b.id) == 1
