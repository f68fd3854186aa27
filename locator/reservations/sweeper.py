"""Periodic upkeep: expire holds, finish interrupted changes, remind, dispatch events, purge.

Correctness never waits for the sweeper: an expired hold stops counting the moment it expires
(`model.hold_counts`), and a cancellation releases its holds in the request. The sweeper turns
expired reservations into `expired` (with their webhook), removes their holds, repairs what a
crash interrupted, adds the "hold ends soon" events, records the deliveries of events a crash
left in an outbox (`events.dispatch`) and hands due deliveries to the sender pool. Every step
is a compare-and-set write, so several workers sweeping at once do each thing once. Runs from
`locator reservations sweep` and in a daemon thread of every service worker, started on its
first request.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from elasticsearch import ConflictError, Elasticsearch, NotFoundError

from locator.alerts.service import expire_due
from locator.config import Config
from locator.es import index_name, make_client
from locator.metrics import record_reservation
from locator.notifications import deliveries
from locator.notifications.pool import SenderPool
from locator.process import PerProcess
from locator.reports.flush import flush_pending
from locator.reports.misses import record_expired
from locator.reservations import events, queries, service, states, webhooks
from locator.reservations.errors import InvalidTransition
from locator.tenants.service import Tenant, get_tenant, list_tenants

STALE_PENDING = timedelta(minutes=2)
UNFINISHED_AFTER = timedelta(seconds=30)
BATCH = 500
log = logging.getLogger(__name__)


def _ids(es: Elasticsearch, config: Config, query: dict) -> list[str]:
    hits = es.search(index=index_name(config, "reservations"), query=query, size=BATCH,
                     sort=[{"updated_at": "asc"}], source=False)["hits"]["hits"]
    return [h["_id"] for h in hits]


def sweep(es: Elasticsearch, config: Config, now: datetime | None = None) -> dict[str, int]:
    """Expire due reservations, clean abandoned creations, finish interrupted hold changes."""
    now = now or datetime.now(UTC)
    counts = {"expired": 0, "abandoned": 0, "repaired": 0, "reminded": 0, "dispatched": 0}
    tenants: dict[str, Tenant] = {}
    alias = index_name(config, "reservations")
    for rid in _ids(es, config, queries.due_expiry_query(now)):
        try:
            doc = es.get(index=alias, id=rid)["_source"]
            tenant = tenants.get(doc["tenant"]) or get_tenant(es, config, doc["tenant"])
            tenants[doc["tenant"]] = tenant
            service.transition(es, config, tenant, rid, states.EXPIRE)
            counts["expired"] += 1
            record_expired(config, tenant, doc)
        except (InvalidTransition, NotFoundError):
            pass  # collected, cancelled or expired by someone else meanwhile
    if counts["expired"]:
        flush_pending(es, config)  # the unmet-demand report counts expired reservations
    for rid in _ids(es, config, queries.stale_pending_query(now, STALE_PENDING)):
        try:
            current = es.get(index=alias, id=rid)
        except NotFoundError:
            continue
        if current["_source"]["status"] == states.PENDING and service.abandon(es, config, current):
            counts["abandoned"] += 1
    for rid in _ids(es, config, queries.unfinished_holds_query(now, UNFINISHED_AFTER)):
        doc = es.get(index=alias, id=rid)["_source"]
        if not doc.get("holds_pending"):
            continue
        try:
            service.finish_holds(es, config, doc)
            counts["repaired"] += 1
        except Exception as exc:  # noqa: BLE001 - it stays flagged: the next sweep tries again
            # One tenant's stock index refusing writes must not stop the others' repairs.
            log.warning("finishing a hold change failed (%s); retried next sweep", type(exc).__name__,
                        extra={"reservation_id": rid})
    for rid in _ids(es, config, queries.due_reminder_query(now)):
        if _remind(es, config, rid, now):
            counts["reminded"] += 1
    for rid in _ids(es, config, queries.outbox_query()):
        doc = es.get(index=alias, id=rid)["_source"]
        tenant = tenants.get(doc["tenant"]) or get_tenant(es, config, doc["tenant"])
        tenants[doc["tenant"]] = tenant
        counts["dispatched"] += events.dispatch(es, config, tenant, rid)
    return counts


def _remind(es: Elasticsearch, config: Config, rid: str, now: datetime) -> bool:
    """Add the "hold ends soon" event to a reservation still open, once (compare-and-set)."""
    current = es.get(index=index_name(config, "reservations"), id=rid)
    doc = current["_source"]
    if doc.get("reminded") or states.effective_status(doc, now) not in states.OPEN:
        return False
    try:
        es.update(index=current["_index"], id=rid,
                  doc={"reminded": True, "outbox": events.with_event(doc, events.REMINDER)},
                  if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
    except ConflictError:
        return False  # changed meanwhile: the next sweep decides again
    return True


def purge(es: Elasticsearch, config: Config, now: datetime | None = None) -> dict[str, int]:
    """Delete the customer details of reservations closed more than `purge_days` ago, per tenant."""
    now = now or datetime.now(UTC)
    alias = index_name(config, "reservations")
    purged: dict[str, int] = {}
    for tenant in list_tenants(es, config):
        while True:
            hits = es.search(index=alias, query=queries.purge_query(tenant.tenant, now,
                                                                    tenant.settings.purge_days),
                             size=BATCH, source=False)["hits"]["hits"]
            if not hits:
                break
            operations: list[dict] = []
            for hit in hits:
                operations += [{"update": {"_index": hit["_index"], "_id": hit["_id"]}},
                               {"doc": {"customer": None, "purged": True,
                                        "updated_at": now.isoformat()}}]
            response = es.bulk(operations=operations, refresh="wait_for")
            if response["errors"]:
                raise RuntimeError("purge: some reservations could not be updated")
            purged[tenant.tenant] = purged.get(tenant.tenant, 0) + len(hits)
        deliveries.purge_personal(es, config, tenant.tenant, tenant.settings.purge_days, now)
    return purged


class BackgroundWorker:
    """A daemon thread per service worker that sweeps every interval, and a pool that sends.

    The sweeper's thread never sends: it hands due deliveries to the sender pool, whose threads
    each spend at most one attempt's deadline on a receiver, so a stalled receiver delays
    neither the sweep, the purge nor the other tenants' deliveries.
    """

    PURGE_EVERY = 60  # sweeps between two purges

    def __init__(self, config: Config) -> None:
        self.config = config
        self._es = make_client(config)
        self.pool = SenderPool(self._es, config, webhooks.secret_lookup(self._es, config),
                               config.notify_threads)
        self._thread = threading.Thread(target=self._run, name="reservations-worker", daemon=True)

    def start(self) -> None:
        deliveries.register_wakeup(self.pool.submit)
        self._thread.start()

    def _run(self) -> None:
        passes = 0
        while True:
            try:
                for outcome, count in sweep(self._es, self.config).items():
                    if count:
                        record_reservation(outcome, count)
                for delivery_id in deliveries.due_ids(self._es, self.config, limit=self.pool.capacity):
                    self.pool.submit(delivery_id)
                if passes % self.PURGE_EVERY == 0:
                    purge(self._es, self.config)
                    expire_due(self._es, self.config, datetime.now(UTC))  # alerts' addresses go too
                passes += 1
            except Exception as exc:  # noqa: BLE001 - keep sweeping; the next pass retries
                log.warning("reservations upkeep failed: %s", type(exc).__name__)
            time.sleep(self.config.reservation_sweep_seconds)


def _started(config: Config) -> BackgroundWorker:
    worker = BackgroundWorker(config)
    worker.start()
    return worker


_workers: PerProcess[BackgroundWorker] = PerProcess(_started)


def ensure_background_worker(config: Config) -> None:
    """Start this process's worker for this deployment once (not when disabled)."""
    if config.reservation_sweep_seconds > 0:
        _workers.get(config)
