"""Real-time stock updates from store systems: `PUT /v1/stock`."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime

from elastic_transport import TransportError
from elasticsearch import ApiError
from flask import current_app

from locator.alerts import model as alerts
from locator.alerts.service import notify_matches
from locator.alerts.views import request_mailer
from locator.config import Config
from locator.errors import ServiceUnavailable
from locator.http.apidoc import ServiceBlueprint
from locator.http.auth import current_tenant, require_key, require_store_scope
from locator.http.es import get_es
from locator.metrics import record_stock_outcomes
from locator.stock import model, visibility
from locator.stock.schemas import InvalidRow, StockBatchArgs, StockBatchResultSchema, StockBatchSchema
from locator.stock.service import APPLIED, RowOutcome, StockRow, apply_stock_batch

blp = ServiceBlueprint("stock", __name__, url_prefix="/v1", description="Stock updates")
log = logging.getLogger(__name__)


def _end_alerts(config: Config, crossed: list[tuple[str, str]]) -> None:
    """Hand the back-in-stock alerts these rows end to the mailer (rows are applied already)."""
    if not crossed:
        return
    try:
        notify_matches(get_es(), config, current_tenant().tenant, crossed, datetime.now(UTC),
                       request_mailer())
    except (ApiError, TransportError) as exc:  # the counts stand; this write ends no alert
        log.warning("back-in-stock matching failed: %s", type(exc).__name__)


def _result(index: int, row: dict, outcome: RowOutcome) -> dict:
    result = {"index": index, "store_id": row["store_id"], "sku": row["sku"]}
    if outcome.outcome in APPLIED:
        return {**result, "result": "applied", "outcome": outcome.outcome}
    if outcome.outcome in (model.UNCHANGED, model.STALE):
        return {**result, "result": outcome.outcome}
    return {**result, "result": "rejected", "reason": outcome.reason}


@blp.route("/stock", methods=["PUT"])
@blp.arguments(StockBatchArgs, location="query")
@blp.arguments(StockBatchSchema)
@blp.response(200, StockBatchResultSchema)
@blp.alt_response(503, description="Elasticsearch failed during the batch: rows not reported "
                  "`applied` may or may not be stored; send the same batch again (it is idempotent).")
@require_key("secret", "store")
def put_stock(args: dict, batch: dict):
    """Apply up to 1,000 counts `{store_id, sku, on_hand, as_of}` from a store system.

    Each row is `applied` (stored durably: Elasticsearch acknowledged it after its translog
    fsync), `unchanged` (this count is stored already: sending a batch twice changes nothing),
    `stale` (older than the stored count; stock never goes back in time) or `rejected` with a
    reason. Searches see an applied count well within one second: the worker refreshes the
    stock index 0.2 s after a write (writes meanwhile share the refresh). A store key counts its
    own store only: a batch naming another store is refused whole (403), nothing applied.
    """
    config = current_app.config["LOCATOR"]
    tenant = current_tenant().tenant
    rows = batch["rows"]
    for row in rows:
        raw = row.raw if isinstance(row, InvalidRow) else row
        require_store_scope(_text(raw.get("store_id")) if isinstance(raw, dict) else None)
    valid = [(i, r) for i, r in enumerate(rows) if not isinstance(r, InvalidRow)]
    try:
        outcomes = apply_stock_batch(
            get_es(), config, tenant, [StockRow(r["store_id"], r["sku"], r["on_hand"], r["as_of"])
                                       for _, r in valid],
            refresh="wait_for" if args["wait_for_visible"] else False)
    except ApiError as exc:
        if exc.meta.status != 429 and exc.meta.status < 500:
            raise
        raise ServiceUnavailable("Elasticsearch failed during the batch; send it again.") from exc
    except TransportError as exc:
        raise ServiceUnavailable("Elasticsearch cannot be reached; send the batch again.") from exc
    results: list[dict | None] = [None] * len(rows)
    for (i, row), outcome in zip(valid, outcomes, strict=True):
        results[i] = _result(i, row, outcome)
    for i, row in enumerate(rows):
        if isinstance(row, InvalidRow):
            raw = row.raw if isinstance(row.raw, dict) else {}
            results[i] = {"index": i, "store_id": _text(raw.get("store_id")), "sku": _text(raw.get("sku")),
                          "result": "rejected", "reason": "invalid row", "errors": row.messages}
    summary = {name: 0 for name in ("applied", "unchanged", "stale", "rejected")}
    for result in results:
        summary[result["result"]] += 1
    record_stock_outcomes(Counter(r.get("outcome") or r["result"] for r in results))
    if summary["applied"]:
        visibility.request_refresh(current_app.config["LOCATOR"])
        _end_alerts(config, [(r["store_id"], r["sku"]) for (_, r), o in zip(valid, outcomes, strict=True)
                             if alerts.came_back(o.unheld_before, o.unheld_after,
                                                 current_tenant().settings.safety_stock)])
    if any(o.retryable for o in outcomes):
        # Rows the cluster could not take must not look like bad data: the client retries.
        raise ServiceUnavailable("Elasticsearch could not take every row; send the batch again.",
                                 results=results, summary=summary)
    return {"results": results, "summary": summary}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
