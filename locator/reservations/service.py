"""Click & reserve: creating a reservation with its holds, its life cycle, the store's list.

Creation writes the reservation first (status `pending`, document id derived from the tenant
and the Idempotency-Key, `op_type=create`), then claims a pick-up code, then places the holds
(all or none, see `holds.place`), then marks it `held`. A crash in between leaves a `pending`
reservation whose holds expire on their own and which the sweeper removes; a retry with the same
key finds it and finishes or restarts it (after `PENDING_GRACE`: it abandons the old attempt and
starts again). Every attempt has its own id, stored in the reservation and in each of its holds:
an attempt undoes only its own holds, and one that was taken over (its compare-and-set on the
reservation fails) releases what it placed before giving up; when that release fails, a
marker (`_release_attempt`) gets the sweeper to release them. Status changes are compare-and-set
writes on the reservation; the matching change of the holds follows, flagged by `holds_pending`
so that the sweeper completes it if the process dies in between, except for a collect, whose
holds are marked before (a collected unit must never become available again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from elasticsearch import ConflictError, Elasticsearch, NotFoundError

from locator.alerts.mailer import notify_released
from locator.config import Config
from locator.errors import NotFound, Unprocessable
from locator.es import index_name
from locator.indices import tenant_alias
from locator.mappings import entity_id
from locator.notifications.windows import reminder_time
from locator.reservations import codes, events, holds, states
from locator.reservations.errors import (
    IdempotencyInProgress,
    InsufficientStock,
    InvalidTransition,
    StoreClosed,
    TokenUnavailable,
)
from locator.reservations.queries import store_list_query
from locator.reservations.tokens import token_secrets
from locator.stock.model import parse_time
from locator.tenants.service import Tenant

log = logging.getLogger(__name__)
PENDING_GRACE = timedelta(seconds=60)  # a creation still running is never taken over
MAX_STATUS_RETRIES = 20
PAST = {states.READY_ACTION: "marked ready", states.COLLECT: "collected",
        states.CANCEL: "cancelled", states.EXPIRE: "expired"}


@dataclass(frozen=True)
class Created:
    """A reservation as created (or found again for a repeated request) and its shopper token."""

    doc: dict
    token: str
    replayed: bool


def reservation_id(tenant: str, idempotency_key: str) -> str:
    """Return the reservation id of a (tenant, Idempotency-Key): a repeat finds the same one."""
    digest = hashlib.sha256(f"{tenant}\x1f{idempotency_key}".encode()).digest()[:15]
    return "r_" + base64.b32encode(digest).decode().lower()


def request_hash(body: dict) -> str:
    """Return a fingerprint of the validated request body (key order does not matter)."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def shopper_token(secret: str, tenant: str, idempotency_key: str, rid: str) -> str:
    """Return the shopper's token: an HMAC under a server secret, stored only hashed.

    Deriving it lets a repeated request (same key, same body) get the token again although only
    its hash is stored; the server secret keeps whoever learns a key from computing it.
    """
    message = f"token\x1f{tenant}\x1f{rid}\x1f{idempotency_key}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def replayed_token(config: Config, tenant: str, idempotency_key: str, doc: dict) -> str:
    """Return the token of a reservation made earlier with this key, under whichever secret made it."""
    for secret in token_secrets(config):
        token = shopper_token(secret, tenant, idempotency_key, doc["reservation_id"])
        if token_matches(doc, token):
            return token
    raise TokenUnavailable("This reservation exists, but its token was made with a secret this "
                           "server no longer has; use the token received at creation.")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(doc: dict, token: str | None) -> bool:
    """Check a shopper's token against the stored hash in constant time."""
    return bool(token) and hmac.compare_digest(doc.get("token_hash", ""), hash_token(token))


def public(doc: dict, now: datetime | None = None) -> dict:
    """Return the reservation as the API shows it, with its status as of now."""
    now = now or datetime.now(UTC)
    return {
        "id": doc["reservation_id"], "status": states.effective_status(doc, now),
        "store_id": doc["store_id"], "items": doc["items"], "pickup_code": doc.get("pickup_code"),
        "customer": doc.get("customer"), "created_at": doc["created_at"],
        "expires_at": doc["expires_at"], "updated_at": doc.get("updated_at"),
        "ready_at": doc.get("ready_at"), "collected_at": doc.get("collected_at"),
        "closed_at": doc.get("closed_at"), "cancelled_by": doc.get("cancelled_by"),
        "cancel_reason": doc.get("cancel_reason"),
        "lang": doc.get("lang") or "en",
    }


def _alias(config: Config) -> str:
    return index_name(config, "reservations")


def _check_store(es: Elasticsearch, config: Config, tenant: str, store_id: str) -> dict:
    try:
        store = es.get(index=tenant_alias(config, "stores", tenant), id=entity_id(tenant, store_id),
                       source_includes=["status", "timezone"])["_source"]
    except NotFoundError as exc:
        raise Unprocessable(f"Unknown store_id {store_id!r}.",
                            errors={"store_id": [f"Unknown store {store_id!r}."]}) from exc
    if store.get("status") == "temporarily_closed":
        # Availability shows such a store as supplying nothing; a hold there could not be collected.
        raise StoreClosed(f"Store {store_id!r} is temporarily closed; nothing was held.")
    return store


def create(es: Elasticsearch, config: Config, tenant: Tenant, idempotency_key: str, body: dict) -> Created:
    """Hold every item of `body` at its store for the tenant's hold time, or nothing (409)."""
    rid = reservation_id(tenant.tenant, idempotency_key)
    fingerprint = request_hash(body)
    token = shopper_token(token_secrets(config)[0], tenant.tenant, idempotency_key, rid)
    store = _check_store(es, config, tenant.tenant, body["store_id"])
    now = datetime.now(UTC)
    expires_at = now + timedelta(hours=tenant.settings.hold_hours)
    remind_at = reminder_time(now, expires_at, tenant.settings.reminder_hours_before, store.get("timezone"))
    doc = {
        "tenant": tenant.tenant, "reservation_id": rid, "store_id": body["store_id"],
        "status": states.PENDING, "items": body["items"], "customer": body["customer"],
        "lang": body.get("lang") or "en", "remind_at": remind_at.isoformat() if remind_at else None,
        "idempotency_key": hashlib.sha256(idempotency_key.encode()).hexdigest(),
        "request_hash": fingerprint, "token_hash": hash_token(token), "created_at": now.isoformat(),
        "expires_at": expires_at.isoformat(), "updated_at": now.isoformat(), "holds_pending": False,
        "purged": False, "attempt": secrets.token_hex(8),
    }
    attempt = doc["attempt"]
    for _try in range(3):
        try:
            mine = es.create(index=_alias(config), id=rid, document=doc)
            break
        except ConflictError:
            existing = es.get(index=_alias(config), id=rid)
            found = existing["_source"]
            if found.get("attempt") == attempt:
                mine = existing  # our create landed; the client retried it after a lost answer
                break
            if found["request_hash"] != fingerprint:
                raise Unprocessable("This Idempotency-Key was used with a different request body; "
                                    "use a new key for a new reservation.") from None
            if found["status"] != states.PENDING:
                return Created(found, replayed_token(config, tenant.tenant, idempotency_key, found),
                               replayed=True)
            if now - parse_time(found["created_at"]) < PENDING_GRACE:
                raise IdempotencyInProgress("A request with this Idempotency-Key is being processed; "
                                            "retry in a few seconds.") from None
            abandon(es, config, existing)
    else:
        raise IdempotencyInProgress("A request with this Idempotency-Key is being processed; retry.")

    try:
        code = codes.claim(es, config, tenant.tenant, body["store_id"], rid, now)
        shorts = holds.place(es, config, tenant.tenant, body["store_id"], rid, body["items"],
                             expires_at, tenant.settings.safety_stock, attempt)
        if shorts:
            codes.release(es, config, tenant.tenant, body["store_id"], code, rid)
            # Deleted, so that the key may be used again once stock is back.
            es.delete(index=mine["_index"], id=rid, if_seq_no=mine["_seq_no"],
                      if_primary_term=mine["_primary_term"])
            listed = ", ".join(f"{s.sku} ({s.available} of {s.requested})" for s in shorts)
            raise InsufficientStock(f"Not enough stock at store {body['store_id']}: {listed}. "
                                    "Nothing was held.", items=[s.to_dict() for s in shorts])
        # The event goes in the same write as the change it reports (see `events`).
        changes = {"status": states.HELD, "pickup_code": code, "updated_at": datetime.now(UTC).isoformat(),
                   "outbox": events.with_event(doc, "reservation.created")}
        # Compare-and-set against our own creation: if a repeat (or the sweeper) took this
        # creation over (it ran past PENDING_GRACE), the repeat owns the reservation now.
        try:
            es.update(index=mine["_index"], id=rid, doc=changes,
                      if_seq_no=mine["_seq_no"], if_primary_term=mine["_primary_term"])
        except (ConflictError, NotFoundError):
            if not _landed(es, config, rid, attempt):
                _give_up(es, config, doc, code)
                raise
    except InsufficientStock:
        raise
    except (ConflictError, NotFoundError) as exc:
        raise IdempotencyInProgress("A repeat of this request took it over; retry to read it.") from exc
    except Exception:
        _abandon_quietly(es, config, rid, mine)
        raise
    doc.update(changes)
    events.dispatch_quietly(es, config, tenant, rid)
    return Created(doc, token, replayed=False)


def _landed(es: Elasticsearch, config: Config, rid: str, attempt: str) -> bool:
    """Tell whether this attempt's own `held` write is stored (the client retried it after a
    lost answer, and the retry met the new version)."""
    try:
        found = es.get(index=_alias(config), id=rid)["_source"]
    except NotFoundError:
        return False
    return found.get("attempt") == attempt and found["status"] != states.PENDING


def _give_up(es: Elasticsearch, config: Config, doc: dict, code: str) -> None:
    """Undo what a taken-over attempt placed: its own holds and pick-up code, nothing else."""
    log.warning("reservation creation was taken over; releasing its holds",
                extra={"reservation_id": doc["reservation_id"]})
    _release_attempt(es, config, doc, doc["attempt"])
    codes.release(es, config, doc["tenant"], doc["store_id"], code, doc["reservation_id"])


def abandon(es: Elasticsearch, config: Config, current: dict) -> bool:
    """Undo a creation that never finished: delete the reservation, then release its attempt's holds.

    The delete is a compare-and-set on the version read, and comes first: an attempt that still
    runs and writes `held` meanwhile wins, keeps its holds, and this gives up (False). Once the
    reservation is gone, that attempt's own `held` write fails and it releases what it placed
    meanwhile (`_give_up`). Also removes the markers `_release_attempt` leaves.
    """
    doc = current["_source"]
    try:
        es.delete(index=current["_index"], id=current["_id"],
                  if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
    except (ConflictError, NotFoundError):
        return False  # it finished, changed or was abandoned meanwhile: its holds are not ours
    _release_attempt(es, config, doc, doc.get("attempt"))
    return True


def _release_attempt(es: Elasticsearch, config: Config, doc: dict, attempt: str | None) -> None:
    """Release one attempt's holds; when that fails, leave a marker the sweeper repairs.

    The marker is a `pending` document `<reservation id>~<attempt>` (no customer data) dated
    from the creation: the sweeper's clean-up of abandoned creations (`abandon`) finds it after
    `sweeper.STALE_PENDING` and releases the same holds. Without it, nothing would ever look for
    holds whose reservation is gone or belongs to another attempt: they would count for nobody
    until their hold time ends.
    """
    skus = [i["sku"] for i in doc["items"]]
    try:
        holds.release(es, config, doc["tenant"], doc["store_id"], doc["reservation_id"], skus, attempt)
        return
    except Exception as exc:  # noqa: BLE001 - the marker below gets them released
        log.warning("releasing an abandoned attempt's holds failed (%s); left to the sweeper",
                    type(exc).__name__, extra={"reservation_id": doc["reservation_id"]})
    rid = doc["reservation_id"]
    try:
        es.index(index=_alias(config), id=f"{rid}~{attempt}", document={
            "tenant": doc["tenant"], "reservation_id": rid, "store_id": doc["store_id"],
            "status": states.PENDING, "items": doc["items"], "customer": None,
            "created_at": doc["created_at"], "expires_at": doc["expires_at"],
            "updated_at": datetime.now(UTC).isoformat(), "holds_pending": False, "purged": False,
            "attempt": attempt})
    except Exception as exc:
        log.error("the repair marker of an abandoned attempt could not be written (%s): its holds "
                  "count until their hold time ends", type(exc).__name__, extra={"reservation_id": rid})
        raise


def _abandon_quietly(es: Elasticsearch, config: Config, rid: str, mine: dict) -> None:
    try:
        current = es.get(index=_alias(config), id=rid)
        if current["_seq_no"] == mine["_seq_no"] and current["_source"]["status"] == states.PENDING:
            abandon(es, config, current)
    except Exception as exc:  # noqa: BLE001 - the pending reservation stays: the sweeper abandons it
        log.warning("undoing a failed creation failed (%s); left to the sweeper", type(exc).__name__,
                    extra={"reservation_id": rid})


def get(es: Elasticsearch, config: Config, tenant: str, rid: str) -> dict:
    """Return a reservation of this tenant (404 for another tenant's or a pending one)."""
    return _get(es, config, tenant, rid)["_source"]


def _get(es: Elasticsearch, config: Config, tenant: str, rid: str) -> dict:
    try:
        current = es.get(index=_alias(config), id=rid)
    except NotFoundError:
        current = None
    if current is None or current["_source"]["tenant"] != tenant \
            or current["_source"]["status"] == states.PENDING:
        raise NotFound(f"No reservation {rid!r}.")
    return current


def transition(es: Elasticsearch, config: Config, tenant: Tenant, rid: str, action: str, *,
               actor: str | None = None, reason: str | None = None) -> dict:
    """Apply `action` (ready, collect, cancel, expire) to a reservation; 409 when not allowed.

    A collect marks the holds collected before the reservation says so: a collected hold counts
    until the till's next count whatever its hold time, so the unit that left the shelf is never
    available again, even if this process stops right after the status change. (The other
    closings change the holds after the status, flagged by `holds_pending` for the sweeper: a
    cancelled unit may stay held a little longer, never sold twice.)
    """
    stamped: list[datetime] = []  # the hand-over's time, once the holds carry it
    try:
        return _transition(es, config, tenant, rid, action, actor, reason, stamped)
    except InvalidTransition:
        if stamped:
            _undo_collect_marks(es, config, tenant.tenant, rid)
        raise


def _transition(es: Elasticsearch, config: Config, tenant: Tenant, rid: str, action: str,
                actor: str | None, reason: str | None, stamped: list[datetime]) -> dict:
    for _attempt in range(MAX_STATUS_RETRIES):
        current = _get(es, config, tenant.tenant, rid)
        doc = current["_source"]
        now = datetime.now(UTC)
        status = states.effective_status(doc, now)
        if action == states.EXPIRE:
            # Only the hold time passing expires a reservation.
            new = states.next_status(doc["status"], action) if status == states.EXPIRED else None
        elif status == states.EXPIRED and doc["status"] in states.OPEN:
            # Past its hold time but not swept yet: expire it now, then refuse.
            _expire_quietly(es, config, tenant, rid)
            new = None
        else:
            new = states.next_status(status, action)
        if new is None:
            raise InvalidTransition(f"A {status} reservation cannot be {PAST[action]}.",
                                    reservation_status=status)
        changes: dict = {"status": new, "updated_at": now.isoformat(),
                         "outbox": events.with_event(doc, f"reservation.{new}")}
        if new == states.READY:
            changes["ready_at"] = now.isoformat()
        if new in states.CLOSED:
            changes.update(closed_at=now.isoformat(), holds_pending=True)
        if new == states.COLLECTED:
            stamp = stamped[0] if stamped else now
            changes["collected_at"] = stamp.isoformat()
            holds.collect(es, config, tenant.tenant, doc["store_id"], rid, doc["items"], stamp,
                          parse_time(doc["expires_at"]))
            stamped[:] = [stamp]
        if new == states.CANCELLED:
            changes["cancelled_by"] = actor or "store"
            if reason:
                changes["cancel_reason"] = reason
        try:
            es.update(index=current["_index"], id=rid, doc=changes,
                      if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
        except ConflictError:
            continue  # changed meanwhile: decide again on the fresh version
        doc = {**doc, **changes}
        if new in states.CLOSED:
            try:
                finish_holds(es, config, doc)
                doc["holds_pending"] = False
            except Exception as exc:  # noqa: BLE001 - the status change stands
                # The sweeper finishes the hold change (`holds_pending`); the caller's action
                # did happen, so it must not be told to retry it.
                log.warning("hold change deferred to the sweeper: %s", type(exc).__name__,
                            extra={"reservation_id": rid})
        events.dispatch_quietly(es, config, tenant, rid)
        return doc
    raise InvalidTransition("The reservation changed too often meanwhile; retry.")


def _undo_collect_marks(es: Elasticsearch, config: Config, tenant: str, rid: str) -> None:
    """A collect lost to a concurrent cancel or expiry: bring the holds in line with that."""
    doc = get(es, config, tenant, rid)
    if doc["status"] in states.RELEASES_HOLDS:
        try:
            finish_holds(es, config, doc)
        except Exception as exc:  # noqa: BLE001 - flagged: the sweeper finishes it
            log.warning("releasing holds after a lost collect failed (%s); left to the sweeper",
                        type(exc).__name__, extra={"reservation_id": rid})
            es.update(index=_alias(config), id=rid, doc={"holds_pending": True})


def _expire_quietly(es: Elasticsearch, config: Config, tenant: Tenant, rid: str) -> None:
    try:
        transition(es, config, tenant, rid, states.EXPIRE)
    except (InvalidTransition, NotFound):
        pass


def finish_holds(es: Elasticsearch, config: Config, doc: dict) -> None:
    """Bring the holds in line with a closed reservation and free its pick-up code (idempotent)."""
    skus = [i["sku"] for i in doc["items"]]
    if doc["status"] in states.RELEASES_HOLDS:
        released = holds.release(es, config, doc["tenant"], doc["store_id"], doc["reservation_id"], skus)
        # Units back on the shelf may end back-in-stock alerts (only skus that crossed zero).
        notify_released(es, config, doc["tenant"], doc["store_id"], released)
    elif doc["status"] in states.COLLECTS_HOLDS:
        holds.collect(es, config, doc["tenant"], doc["store_id"], doc["reservation_id"], doc["items"],
                      parse_time(doc["collected_at"]), parse_time(doc["expires_at"]))
    codes.release(es, config, doc["tenant"], doc["store_id"], doc.get("pickup_code"), doc["reservation_id"])
    es.update(index=_alias(config), id=doc["reservation_id"], doc={"holds_pending": False})


def find_by_code(es: Elasticsearch, config: Config, tenant: str, store_id: str, code: str) -> dict:
    """Return the open reservation holding a pick-up code at a store."""
    normalized = codes.normalize(code)
    rid = codes.lookup(es, config, tenant, store_id, normalized) if normalized else None
    if rid is None:
        raise NotFound(f"No open reservation with pick-up code {code!r} at store {store_id!r}.")
    doc = get(es, config, tenant, rid)
    if doc["store_id"] != store_id or doc.get("pickup_code") != normalized:
        raise NotFound(f"No open reservation with pick-up code {code!r} at store {store_id!r}.")
    return doc


def list_for_store(es: Elasticsearch, config: Config, tenant: str, store_id: str, status: str | None,
                   limit: int, offset: int = 0) -> tuple[int, list[dict]]:
    """Return (total, reservations) of a store, oldest expiry first."""
    now = datetime.now(UTC)
    result = es.search(index=_alias(config), query=store_list_query(tenant, store_id, status, now),
                       sort=[{"expires_at": "asc"}, {"reservation_id": "asc"}], size=limit, from_=offset,
                       track_total_hits=True)
    return result["hits"]["total"]["value"], [h["_source"] for h in result["hits"]["hits"]]
