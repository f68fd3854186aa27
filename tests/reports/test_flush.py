"""Flushing buffered counts into the real node: increments add up across workers, nothing lost."""

import threading
from datetime import UTC, datetime

import pytest
from elastic_transport import ConnectionError as TransportConnectionError

from locator.config import Config
from locator.es import make_client
from locator.geo import Point
from locator.reports.areas import area_of
from locator.reports.counting import RESERVATION_REFUSED, SEARCH, DemandBuffer
from locator.reports.flush import flush
from tests.conftest import free_port
from tests.reports.helpers import BORDEAUX, LYON, counters, make_world

LATE = datetime(2026, 11, 25, 23, 50, tzinfo=UTC)  # already the 26th in Paris


def test_buffers_of_several_workers_add_up_in_one_document(es, config):
    tenant = make_world(es, config)
    area = area_of(Point(*BORDEAUX))
    buffers = [DemandBuffer() for _ in range(4)]
    for buffer in buffers:
        for _ in range(25):
            buffer.record(tenant.id, SEARCH, ["SOFA"], at=LATE, area=area)
    # Four "workers" flush the same counter at once: compare-and-set retries keep every count.
    threads = [threading.Thread(target=flush, args=(es, config, b)) for b in buffers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(len(b) == 0 for b in buffers)
    [doc] = counters(es, config, tenant.id)
    assert doc["count"] == 100 and doc["area"] == area and doc["kind"] == SEARCH
    assert doc["day"] == "2026-11-26"  # local day at Bordeaux (Europe/Paris)
    assert "store_id" not in doc


def test_a_second_flush_adds_to_the_stored_count(es, config):
    tenant = make_world(es, config)
    buffer = DemandBuffer()
    area = area_of(Point(*BORDEAUX))
    buffer.record(tenant.id, SEARCH, ["SOFA"], at=LATE, area=area)
    flush(es, config, buffer)
    buffer.record(tenant.id, SEARCH, ["SOFA"], at=LATE, area=area)
    result = flush(es, config, buffer)
    assert result.events == 1 and result.documents == 1
    assert [d["count"] for d in counters(es, config, tenant.id)] == [2]


def test_reservation_counts_take_the_store_area_and_time_zone(es, config):
    tenant = make_world(es, config)
    buffer = DemandBuffer()
    buffer.record(tenant.id, RESERVATION_REFUSED, ["SOFA"], at=LATE, store_id="LYO")
    buffer.record(tenant.id, RESERVATION_REFUSED, ["SOFA"], at=LATE, store_id="GONE")
    flush(es, config, buffer)
    gone, lyon = sorted(counters(es, config, tenant.id), key=lambda d: d["store_id"])
    assert lyon["area"] == area_of(Point(*LYON)) and lyon["day"] == "2026-11-26"
    assert "area" not in gone and gone["day"] == "2026-11-25"  # unknown store: UTC, no area


def test_counts_stay_buffered_while_elasticsearch_is_unreachable(es, config):
    tenant = make_world(es, config)
    down = Config.from_env(es_port=free_port(), index_prefix=config.index_prefix,
                           elasticsearch_timeout=1.0)
    buffer = DemandBuffer()
    buffer.record(tenant.id, SEARCH, ["SOFA"], at=LATE, area=area_of(Point(*BORDEAUX)))
    client = make_client(down)
    with pytest.raises(TransportConnectionError):
        flush(client, down, buffer)
    client.close()
    assert len(buffer) == 1  # kept for the next flush
    flush(es, config, buffer)
    assert [d["count"] for d in counters(es, config, tenant.id)] == [1]
