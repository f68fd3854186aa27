"""Helpers for the indexer tests: load a file for a tenant and read back what was stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.context import LoadOptions, Summary
from indexer.loader import load_file
from locator.es import index_name
from locator.indices import stock_alias, tenant_alias
from locator.mappings import entity_id, stock_id, stock_routing

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture
def load(es, config, tmp_path):
    """Load a file (rejects into tmp_path unless told) and return the summary and screen output."""

    def run(kind: str, path: Path | str, tenant: str, **options) -> tuple[Summary, list[str]]:
        messages: list[str] = []
        options.setdefault("rejects_path", tmp_path / f"{Path(path).stem}.rejects")
        summary = load_file(es, config, kind, path, LoadOptions(tenant=tenant, progress=False, **options),
                            echo=messages.append)
        es.indices.refresh(index=index_name(config, kind), ignore_unavailable=True)
        return summary, messages

    return run


def get_store(es, config, tenant: str, store_id: str) -> dict | None:
    found = es.options(ignore_status=404).get(index=tenant_alias(config, "stores", tenant),
                                              id=entity_id(tenant, store_id))
    return found["_source"] if found.get("found") else None


def get_stock(es, config, tenant: str, store_id: str, sku: str) -> dict | None:
    found = es.options(ignore_status=404).get(index=stock_alias(config, tenant),
                                              id=stock_id(tenant, store_id, sku), routing=stock_routing(sku))
    return found["_source"] if found.get("found") else None


def count(es, config, kind: str, tenant: str, **terms) -> int:
    filters = [{"term": {"tenant": tenant}}] + [{"term": {k: v}} for k, v in terms.items()]
    es.indices.refresh(index=index_name(config, kind))
    return es.count(index=index_name(config, kind), query={"bool": {"filter": filters}})["count"]
