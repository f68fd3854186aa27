"""Back-in-stock alerts: create (double opt-in), confirm, cancel, expire, match crossed rows.

One alert per (email, sku, place): its id is derived from them (`model.alert_id`), so a repeat
finds it. Status changes are compare-and-set writes, so an alert ends once: one email per alert.
The email address is deleted when an alert ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from elasticsearch import ConflictError, Elasticsearch, NotFoundError

from locator.alerts import model
from locator.alerts.delivery import AlertMailer
from locator.config import Config
from locator.errors import Conflict, NotFound, Unprocessable
from locator.es import index_name
from locator.geo import Point
from locator.indices import tenant_alias
from locator.mappings import entity_id
from locator.stores.queries import StoreSearch
from locator.stores.service import store_hits
from locator.tenants.service import Tenant

MATCH_BATCH = 500  # crossed (store, sku) rows per alerts query
MATCH_PAGE = 1000


@dataclass(frozen=True)
class AlertRequest:
    email: str
    sku: str
    lang: str
    store_id: str | None = None
    point: Point | None = None
    radius_km: float | None = None


def _alias(config: Config) -> str:
    return index_name(config, "alerts")


def public(doc: dict, now: datetime) -> dict:
    """Return an alert as the API shows it (never its email or token hashes)."""
    return {"id": doc["alert_id"], "status": model.effective_status(doc, now), "sku": doc["sku"],
            "store_ids": doc["store_ids"], "radius_km": doc.get("radius_km"),
            "created_at": doc["created_at"], "confirmed_at": doc.get("confirmed_at"),
            "expires_at": doc["expires_at"], "ended_at": doc.get("ended_at")}


def _stores(es: Elasticsearch, config: Config, tenant: str, req: AlertRequest) -> list[str]:
    if req.store_id is not None:
        try:
            es.get(index=tenant_alias(config, "stores", tenant), id=entity_id(tenant, req.store_id),
                   source=False)
        except NotFoundError as exc:
            raise Unprocessable(f"Unknown store_id {req.store_id!r}.",
                                errors={"store_id": [f"Unknown store {req.store_id!r}."]}) from exc
        return [req.store_id]
    search = StoreSearch(tenant=tenant, point=req.point, radius_km=req.radius_km)
    hits = store_hits(es, tenant_alias(config, "stores", tenant), search, model.MAX_STORES)
    if not hits:
        raise Unprocessable(f"No store within {req.radius_km:g} km: nothing could end this alert.",
                            errors={"radius_km": ["No store within this radius."]})
    return [hit["_source"]["store_id"] for hit in hits]


def create(es: Elasticsearch, config: Config, tenant: Tenant, req: AlertRequest,
           now: datetime, mailer: AlertMailer) -> tuple[dict, bool]:
    """Create a pending alert and ask for its confirmation; return (alert, created).

    A repeat while the same alert is open returns it unchanged (created False, no new email).
    """
    products = tenant_alias(config, "products", tenant.tenant)
    if not es.exists(index=products, id=entity_id(tenant.tenant, req.sku)):
        raise Unprocessable(f"Unknown sku {req.sku!r}.", errors={"sku": [f"Unknown sku {req.sku!r}."]})
    store_ids = _stores(es, config, tenant.tenant, req)
    aid = model.alert_id(tenant.tenant, req.email, req.sku, store_ids)
    try:
        current = es.get(index=_alias(config), id=aid)
    except NotFoundError:
        current = None
    if current is not None and model.effective_status(current["_source"], now) in model.OPEN:
        return current["_source"], False
    confirm, cancel = model.new_token(tenant.tenant), model.new_token(tenant.tenant)
    doc = {
        "tenant": tenant.tenant, "alert_id": aid, "sku": req.sku, "store_ids": store_ids,
        "radius_km": req.radius_km, "status": model.PENDING, "email": req.email.strip(),
        "lang": req.lang, "confirm_token_hash": model.hash_token(confirm),
        "cancel_token_hash": model.hash_token(cancel), "consent_at": now.isoformat(),
        "created_at": now.isoformat(), "confirmed_at": None,
        "expires_at": (now + timedelta(days=tenant.settings.alert_days)).isoformat(),
        "ended_at": None, "ended_store_id": None, "updated_at": now.isoformat(),
    }
    try:
        if current is None:
            es.create(index=_alias(config), id=aid, document=doc, refresh="wait_for")
        else:  # an ended alert of the same email, sku and place starts again
            es.index(index=current["_index"], id=aid, document=doc, refresh="wait_for",
                     if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
    except ConflictError as exc:
        raise Conflict("The same alert is being created by another request; retry.") from exc
    mailer.confirmation_requested(doc, confirm, cancel)
    return doc, True


def _by_token(es: Elasticsearch, config: Config, tenant: str, field: str, token: str) -> dict:
    hits = es.search(index=_alias(config), size=1, seq_no_primary_term=True, query={"bool": {"filter": [
        {"term": {"tenant": tenant}}, {"term": {field: model.hash_token(token)}}]}})["hits"]["hits"]
    if not hits:
        raise NotFound("No alert has this link: it may have been replaced by a newer one.")
    return hits[0]


def _change(es: Elasticsearch, hit: dict, changes: dict, refresh: bool | str = "wait_for") -> dict:
    es.update(index=hit["_index"], id=hit["_id"], doc=changes, refresh=refresh,
              if_seq_no=hit["_seq_no"], if_primary_term=hit["_primary_term"])
    return {**hit["_source"], **changes}


def confirm(es: Elasticsearch, config: Config, tenant: str, token: str, now: datetime) -> dict:
    """Activate a pending alert (double opt-in); confirming twice changes nothing."""
    hit = _by_token(es, config, tenant, "confirm_token_hash", token)
    status = model.effective_status(hit["_source"], now)
    if status == model.ACTIVE:
        return hit["_source"]
    if status != model.PENDING:
        raise Conflict(f"This alert is {status}: it cannot be confirmed any more.", alert_status=status)
    return _change(es, hit, {"status": model.ACTIVE, "confirmed_at": now.isoformat(),
                             "updated_at": now.isoformat()})


def _ended(status: str, now: datetime, store_id: str | None = None) -> dict:
    # The address goes with the alert: nothing is kept that no longer serves the shopper.
    return {"status": status, "email": None, "ended_at": now.isoformat(), "ended_store_id": store_id,
            "updated_at": now.isoformat()}


def cancel(es: Elasticsearch, config: Config, tenant: str, token: str, now: datetime) -> dict:
    """End an open alert at the shopper's request (the link in every email)."""
    hit = _by_token(es, config, tenant, "cancel_token_hash", token)
    status = model.effective_status(hit["_source"], now)
    if status == model.CANCELLED:
        return hit["_source"]
    if status not in model.OPEN:
        raise Conflict(f"This alert is {status} already.", alert_status=status)
    return _change(es, hit, _ended(model.CANCELLED, now))


def expire_due(es: Elasticsearch, config: Config, now: datetime, max_pages: int = 100) -> int:
    """Mark open alerts past their expiry as expired and delete their addresses; return how many.

    (An alert past `expires_at` already counts as expired everywhere: this deletes the address.)
    """
    query = {"bool": {"filter": [{"terms": {"status": list(model.OPEN)}},
                                 {"range": {"expires_at": {"lte": now.isoformat()}}}]}}
    expired = 0
    for _page in range(max_pages):
        hits = es.search(index=_alias(config), size=MATCH_PAGE, seq_no_primary_term=True,
                         query=query)["hits"]["hits"]
        for hit in hits:
            try:
                _change(es, hit, _ended(model.EXPIRED, now), refresh=False)
                expired += 1
            except ConflictError:
                pass  # confirmed, cancelled or ended by someone else meanwhile: the next pass sees it
        es.indices.refresh(index=_alias(config))
        if len(hits) < MATCH_PAGE:
            break
    return expired


def find_matches(es: Elasticsearch, config: Config, tenant: str, crossed: list[tuple[str, str]],
                 now: datetime) -> list[tuple[dict, str]]:
    """Return (alert hit, store) for the active alerts that these crossed (store, sku) rows end.

    Only rows whose availability crossed zero are passed in (`model.crossed_zero`), in batches
    of 500 per query, so a feed touching a million rows asks about the few that came back.
    """
    found: list[tuple[dict, str]] = []
    for i in range(0, len(crossed), MATCH_BATCH):
        batch = set(crossed[i:i + MATCH_BATCH])
        query = model.match_query(tenant, [s for s, _ in batch], [k for _, k in batch], now)
        hits = es.search(index=_alias(config), size=MATCH_PAGE, query=query,
                         seq_no_primary_term=True)["hits"]["hits"]
        by_id = {hit["_id"]: hit for hit in hits}
        for alert, store in model.pick_matches([h["_source"] for h in hits], batch):
            found.append((by_id[alert["alert_id"]], store))
    return found


def notify_matches(es: Elasticsearch, config: Config, tenant: str, crossed: list[tuple[str, str]],
                   now: datetime, mailer: AlertMailer) -> int:
    """Hand each matched alert's email to the mailer, then end the alert (compare-and-set).

    The email is recorded first, under an id derived from the alert: a crash or a failed write
    in between leaves the alert active, and the next crossing records nothing twice and ends it.
    """
    sent = 0
    for hit, store in find_matches(es, config, tenant, crossed, now):
        cancel_token = model.new_token(tenant)
        mailer.back_in_stock(hit["_source"], store, cancel_token)
        changes = {**_ended(model.SENT, now, store), "cancel_token_hash": model.hash_token(cancel_token)}
        try:
            _change(es, hit, changes, refresh=False)
        except ConflictError:
            continue  # another writer ended it first: the same delivery id, so one email
        sent += 1
    if sent:  # one refresh for the batch: shoppers reading their alert see it ended
        es.indices.refresh(index=_alias(config))
    return sent
