"""The outbox of deliveries: each webhook POST or email recorded once, sent with retries.

A delivery is a document of the `webhook-deliveries` index whose id its producer derives from
what it reports (created with `op_type=create`: recording it again changes nothing). Sending
one attempt takes a lease (a compare-and-set write pushing `next_attempt_at` past any attempt's
longest duration), sends, then records the attempt with a compare-and-set write against the
lease, so two workers never both record an attempt. A crash after sending and before that write
sends it again when the lease ends (at least once; receivers dedupe on the delivery id, mail
clients on the Message-ID, which is the delivery id).
"""

from __future__ import annotations

import json
import logging
import smtplib
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from elasticsearch import ConflictError, Elasticsearch, NotFoundError, helpers

from locator.config import Config
from locator.es import index_name
from locator.metrics import record_delivery
from locator.notifications import http_post, mail, signing, smtp, windows

WEBHOOK, EMAIL = "webhook", "email"
PENDING, DELIVERED, FAILED, SKIPPED = "pending", "delivered", "failed", "skipped"
STATUSES = (PENDING, DELIVERED, FAILED, SKIPPED)
MAX_BACKOFF = timedelta(hours=6)
PERSONAL = ("to", "context")  # cleared purge_days after a delivery ends
log = logging.getLogger(__name__)
# Told about every delivery recorded in this process: the worker's sender pool sends it at once.
_wakeups: list[Callable[[str], None]] = []
SecretLookup = Callable[[str], str | None]  # tenant -> webhook secret


def register_wakeup(callback: Callable[[str], None]) -> None:
    """Be told about every delivery recorded in this process."""
    if callback not in _wakeups:
        _wakeups.append(callback)


def lease(config: Config) -> timedelta:
    """Return how long one attempt may own a delivery: longer than any attempt can last."""
    # An SMTP exchange is about six round trips, each bounded by the SMTP timeout.
    longest = max(config.webhook_deadline_seconds, 6 * config.smtp_timeout_seconds)
    return timedelta(seconds=3 * longest)


def _alias(config: Config) -> str:
    return index_name(config, "webhook-deliveries")


def record(es: Elasticsearch, config: Config, delivery_id: str, fields: dict,
           not_before: datetime | None = None) -> bool:
    """Record a delivery once; return False when it was recorded already."""
    now = datetime.now(UTC)
    doc = {"status": PENDING, "attempts": [], "attempt_count": 0,
           "next_attempt_at": max(now, not_before or now).isoformat(),
           "created_at": now.isoformat(), "updated_at": now.isoformat(), **fields}
    try:
        es.create(index=_alias(config), id=delivery_id, document=doc)
    except ConflictError:
        return False
    for wakeup in list(_wakeups):
        wakeup(delivery_id)
    return True


def enqueue_webhook(es: Elasticsearch, config: Config, *, delivery_id: str, tenant: str, url: str,
                    event: str, payload: dict, reservation_id: str | None = None) -> bool:
    """Record a signed POST of `{"id", "type", "created_at", "data": payload}` to `url`."""
    body = json.dumps({"id": delivery_id, "type": event, "created_at": datetime.now(UTC).isoformat(),
                       "data": payload}, separators=(",", ":"))
    return record(es, config, delivery_id, {"tenant": tenant, "channel": WEBHOOK, "event": event,
                                            "reservation_id": reservation_id, "url": url, "body": body})


def enqueue_email(es: Elasticsearch, config: Config, *, delivery_id: str, tenant: str, to: str,
                  sender: str, template: str, lang: str, context: dict, event: str | None = None,
                  recipient: str = "shopper", reservation_id: str | None = None, qr: str | None = None,
                  window: dict | None = None) -> bool:
    """Record "send template `template` in `lang` to `to`" once per `delivery_id`.

    `window` (see `windows`) holds it back outside the store's hours or at night; its `until`
    (ISO time) skips it when no allowed time comes before then.
    """
    not_before = windows.earliest(window, datetime.now(UTC))
    return record(es, config, delivery_id, {
        "tenant": tenant, "channel": EMAIL, "event": event or template, "recipient": recipient,
        "reservation_id": reservation_id, "to": to, "sender": sender, "template": template,
        "lang": lang, "context": context, "qr": qr, "window": window}, not_before)


def backoff(config: Config, attempt: int) -> timedelta:
    """Return the wait after failed attempt number `attempt` (1-based): doubling, capped."""
    return min(timedelta(seconds=config.webhook_retry_seconds * 2 ** (attempt - 1)), MAX_BACKOFF)


def deliver(es: Elasticsearch, config: Config, delivery_id: str, secret_of: SecretLookup) -> str | None:
    """Make one attempt if the delivery is due and nobody else is on it; return its status."""
    try:
        current = es.get(index=_alias(config), id=delivery_id)
    except NotFoundError:
        return None
    doc = current["_source"]
    now = datetime.now(UTC)
    if doc["status"] != PENDING or datetime.fromisoformat(doc["next_attempt_at"]) > now:
        return doc["status"]
    held_back = _held_back(doc, now)
    if held_back is not None:
        return _finish(es, config, current, held_back)
    try:  # the lease: only the worker whose write wins sends this attempt
        leased = es.update(index=current["_index"], id=delivery_id,
                           doc={"next_attempt_at": (now + lease(config)).isoformat()},
                           if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
    except ConflictError:
        return None
    attempt = _send_email(config, doc, delivery_id) if doc.get("channel") == EMAIL \
        else _send_webhook(config, doc, delivery_id, secret_of(doc["tenant"]))
    attempts = [*doc.get("attempts", []), attempt]
    if attempt["error"] is None:
        status, next_at = DELIVERED, None
    elif len(attempts) >= config.webhook_max_attempts or attempt.get("final"):
        status, next_at = FAILED, None
    else:
        status, next_at = PENDING, (datetime.now(UTC) + backoff(config, len(attempts))).isoformat()
    attempt.pop("final", None)
    record_delivery(doc.get("channel") or WEBHOOK, status)
    changes = {"status": status, "attempts": attempts, "attempt_count": len(attempts),
               "next_attempt_at": next_at, "updated_at": datetime.now(UTC).isoformat()}
    return _finish(es, config, {**current, "_seq_no": leased["_seq_no"],
                                "_primary_term": leased["_primary_term"]}, changes)


def _finish(es: Elasticsearch, config: Config, version: dict, changes: dict) -> str | None:
    try:  # compare-and-set: a lease lost meanwhile must not overwrite the newer attempt
        es.update(index=version["_index"], id=version["_id"], doc=changes,
                  if_seq_no=version["_seq_no"], if_primary_term=version["_primary_term"])
    except ConflictError:
        log.warning("delivery changed during its attempt; keeping the newer record",
                    extra={"delivery_id": version["_id"]})
        return None
    return changes.get("status", PENDING)


def _held_back(doc: dict, now: datetime) -> dict | None:
    """Return the changes that postpone or skip an email outside its window, else None."""
    if doc.get("channel") != EMAIL:
        return None
    if not doc.get("to"):
        return {"status": SKIPPED, "next_attempt_at": None, "updated_at": now.isoformat(),
                "attempts": [*doc.get("attempts", []), _attempt(now, None, "recipient purged")]}
    allowed = windows.earliest(doc.get("window"), now)
    until = (doc.get("window") or {}).get("until")
    if until and allowed >= datetime.fromisoformat(until):
        return {"status": SKIPPED, "next_attempt_at": None, "updated_at": now.isoformat(),
                "attempts": [*doc.get("attempts", []), _attempt(now, None, "no allowed time left")]}
    if allowed > now:
        return {"next_attempt_at": allowed.isoformat(), "updated_at": now.isoformat()}
    return None


def _attempt(at: datetime, code: int | None, error: str | None) -> dict:
    return {"at": at.isoformat(), "status_code": code, "error": error, "duration_ms": 0.0}


def _send_webhook(config: Config, doc: dict, delivery_id: str, secret: str | None) -> dict:
    body = doc["body"].encode()
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", signing.EVENT_HEADER: doc["event"],
               signing.DELIVERY_HEADER: delivery_id, signing.TIMESTAMP_HEADER: str(timestamp),
               "User-Agent": "store-locator-webhooks/1"}
    if secret:
        headers[signing.SIGNATURE_HEADER] = signing.sign(secret, timestamp, body)
    started = time.perf_counter()
    attempt = _attempt(datetime.now(UTC), None, None)
    answer = http_post.post(doc["url"], body, headers, timeout=config.webhook_timeout_seconds,
                            deadline=config.webhook_deadline_seconds,
                            max_bytes=config.webhook_max_response_bytes,
                            allow_private=config.webhook_allow_private)
    attempt.update(status_code=answer.status_code, error=answer.error,
                   duration_ms=round((time.perf_counter() - started) * 1000, 1))
    if answer.truncated:
        attempt["truncated"] = True
    return attempt


def _send_email(config: Config, doc: dict, delivery_id: str) -> dict:
    started = time.perf_counter()
    attempt = _attempt(datetime.now(UTC), None, None)
    try:
        if not config.smtp_url:
            raise smtp.SmtpConfigError("SMTP_URL is not set")
        message = mail.build(sender=doc["sender"], to=doc["to"], templates_dir=config.templates_dir,
                             name=doc["template"], lang=doc.get("lang") or "en",
                             context=doc.get("context") or {}, message_id=delivery_id, qr=doc.get("qr"))
        smtp.send(smtp.parse_url(config.smtp_url), message, config.smtp_timeout_seconds, config.smtp_ca_certs)
        attempt["status_code"] = 250
    except smtplib.SMTPResponseException as exc:
        # Only the code and class: the server's text may quote the address.
        attempt.update(status_code=exc.smtp_code, error=f"{type(exc).__name__} {exc.smtp_code}")
        attempt["final"] = 500 <= exc.smtp_code < 600
    except (smtplib.SMTPException, OSError, smtp.SmtpConfigError) as exc:  # ssl errors are OSErrors
        attempt["error"] = type(exc).__name__
    except Exception as exc:  # noqa: BLE001 - a broken template: recorded, retried, never lost
        attempt["error"] = f"{type(exc).__name__} (template)"
    attempt["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return attempt


def due_ids(es: Elasticsearch, config: Config, limit: int = 100) -> list[str]:
    """Return the ids of deliveries waiting for an attempt, the longest waiting first."""
    query = {"bool": {"filter": [{"term": {"status": PENDING}},
                                 {"range": {"next_attempt_at": {"lte": datetime.now(UTC).isoformat()}}}]}}
    hits = es.search(index=_alias(config), query=query, sort=[{"next_attempt_at": "asc"}], size=limit,
                     source=False)["hits"]["hits"]
    return [hit["_id"] for hit in hits]


def deliver_due(es: Elasticsearch, config: Config, secret_of: SecretLookup,
                limit: int = 100) -> dict[str, int]:
    """Attempt every due delivery here and now (the command line); return the count per status."""
    counts: dict[str, int] = {}
    for delivery_id in due_ids(es, config, limit):
        status = deliver(es, config, delivery_id, secret_of)
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts


def list_deliveries(es: Elasticsearch, config: Config, tenant: str | None = None, *,
                    status: str | None = None, reservation_id: str | None = None,
                    channel: str | None = None, limit: int = 50) -> list[dict]:
    """Return recorded deliveries, newest first, with their attempts (no body, address or context)."""
    filters: list[dict] = []
    for field, value in (("tenant", tenant), ("status", status), ("reservation_id", reservation_id),
                         ("channel", channel)):
        if value:
            filters.append({"term": {field: value}})
    hits = es.search(index=_alias(config), query={"bool": {"filter": filters}},
                     sort=[{"created_at": "desc"}], size=limit)["hits"]["hits"]
    hidden = {"body", "sender", "qr", "window", *PERSONAL}
    return [{"id": h["_id"], "channel": h["_source"].get("channel") or WEBHOOK,
             **{k: v for k, v in h["_source"].items() if k not in hidden}} for h in hits]


def purge_personal(es: Elasticsearch, config: Config, tenant: str, purge_days: float,
                   now: datetime | None = None) -> int:
    """Clear the address and context of a tenant's emails ended more than `purge_days` ago."""
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=purge_days)).isoformat()
    query = {"bool": {"filter": [{"term": {"tenant": tenant}}, {"term": {"channel": EMAIL}},
                                 {"exists": {"field": "to"}},
                                 {"range": {"updated_at": {"lte": cutoff}}}],
                      "must_not": [{"term": {"status": PENDING}}]}}
    actions = ({"_op_type": "update", "_index": hit["_index"], "_id": hit["_id"],
                "doc": dict.fromkeys(PERSONAL)}
               for hit in helpers.scan(es, index=_alias(config), query={"query": query}, _source=False))
    done, errors = helpers.bulk(es, actions, raise_on_error=False, refresh="wait_for")
    if errors:
        raise RuntimeError(f"purge: {len(errors)} deliveries could not be cleared")
    return done
