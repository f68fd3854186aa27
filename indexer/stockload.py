"""Stock writers: incremental loads through the one stock write path, full loads into a new index.

Incremental (the default): every batch goes through `locator.stock.service.apply_stock_batch`, the
path the API's `PUT /v1/stock` uses too: unknown stores and skus are rejected, an older `as_of` than
the stored one is stale, the same count twice is unchanged, and reservation holds kept inside the
stock documents survive.

Full (`--full`): the tenant's own stock index is rebuilt with plain bulk requests (fast) and
swapped in; no other tenant's document is read or written (each tenant has its own index behind
`<prefix>-stock.<tenant>`). The same rules hold:

- within the file, the latest `as_of` of a (store, sku) wins and, among rows of the same
  `as_of`, the last one: decided before sending (within a batch, and against earlier batches by
  reading back what they wrote once their bodies are answered), so the bulk threads' order never
  matters; a beaten row is stale, or unchanged when it repeats the winning count exactly.
  Documents also carry `as_of` as an external version (`version_type=external_gte`);
- against the live index, a row older than the live document is stale and the live count is kept,
  and the live document's holds are carried into the new one;
- live documents whose row was rejected, or that hold active reservations while absent from the
  file, are carried over unchanged;
- documents the live index received during the load (counts pushed through the API, new or
  released holds: every writer sets `updated_at`) are merged into the new index in two passes,
  each from CLOCK_MARGIN before the previous one began (writers stamp before they write, and
  hosts' clocks differ). Before the last pass, writes to the live index are blocked: a writer
  refused then waits and writes again through the alias, into the new index once it is swapped
  in. So no acknowledged count or hold is left behind; the cost is that writers of this tenant
  wait for the last pass and the swap (about a second for a small tenant, longer for millions
  of documents).

Each document whose count comes from the file names the load (`loaded_by`), so a rollback can
take those counts back and keep every count written since.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from indexer import aliases
from indexer.bulk import BulkSender, action_line, source_line
from indexer.context import EmptyLoad, LoadContext, Row, Writer
from indexer.seen import SeenKeys
from locator import indices
from locator.alerts.mailer import notify_crossed
from locator.alerts.model import came_back, crossed_zero
from locator.es import index_name
from locator.mappings import stock_id, stock_ref, stock_routing
from locator.stock import model
from locator.stock.model import store_fields
from locator.stock.service import REJECTED, CatalogueCache, StockRow, apply_stock_batch
from locator.tenants.service import get_tenant

# What a stock document copies from its store (`model.store_fields`).
STORE_COPY = ("location", "area", "store_status", "services")
# How far before a catch-up pass's start its successor looks again (writers' clocks and stamps).
CLOCK_MARGIN = timedelta(seconds=120)
ALERT_CHECK_BATCH = 500  # (store, sku) rows per mget when a full load checks what came back
REPLACES = "replaces"  # a row that replaces an earlier row's count in the new index: that one is stale
_OUTCOME_FIELD = {"unknown store_id": "store_id", "unknown sku": "sku"}


def _extra_fields(ctx: LoadContext) -> dict:
    return {"demo": True, "simulated": True} if ctx.options.demo else {}


class StockWriter(Writer):
    """Incremental stock load through apply_stock_batch."""

    batch_size = 1000

    def __init__(self, ctx: LoadContext) -> None:
        super().__init__(ctx)
        self.cache = CatalogueCache()
        self.safety_stock = get_tenant(ctx.es, ctx.config, ctx.options.tenant).settings.safety_stock

    def write(self, batch: list[Row]) -> None:
        rows = [StockRow(r.data["store_id"], r.data["sku"], r.data["on_hand"], r.data["as_of"])
                for r in batch]
        outcomes = apply_stock_batch(self.ctx.es, self.ctx.config, self.ctx.options.tenant, rows,
                                     cache=self.cache, extra_fields=_extra_fields(self.ctx) or None)
        summary = self.ctx.summary
        for row, outcome in zip(batch, outcomes, strict=True):
            if outcome.outcome == model.CREATED:
                summary.indexed += 1
            elif outcome.outcome == model.UPDATED:
                summary.updated += 1
            elif outcome.outcome == model.UNCHANGED:
                summary.unchanged += 1
            elif outcome.outcome == model.STALE:
                summary.stale += 1
            else:
                reason = outcome.reason or REJECTED
                field = next((f for prefix, f in _OUTCOME_FIELD.items() if reason.startswith(prefix)), "")
                self.ctx.reject(row.line, row.raw, field, reason)
        # Back-in-stock alerts: only the rows of this batch that made a (store, sku) available
        # again are looked up, so a million-row feed of unchanged or stocked rows asks nothing.
        crossed = [(r.store_id, r.sku) for r, o in zip(rows, outcomes, strict=True)
                   if came_back(o.unheld_before, o.unheld_after, self.safety_stock)]
        self.ctx.summary.alerts_sent += notify_crossed(self.ctx.es, self.ctx.config,
                                                       self.ctx.options.tenant, crossed)

    def finish(self) -> None:
        self.ctx.es.indices.refresh(index=indices.stock_alias(self.ctx.config, self.ctx.options.tenant))


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class FullStockWriter(Writer):
    """Full stock load into a new index, carrying live holds and never going back in time."""

    batch_size = 2000

    def __init__(self, ctx: LoadContext) -> None:
        super().__init__(ctx)
        self.tenant = ctx.options.tenant
        self.alias = indices.stock_alias(ctx.config, self.tenant)
        self.readers = index_name(ctx.config, "stock")
        self.started = datetime.now(UTC)
        self.blocked = False
        self.live: str | None = None
        self.build: str | None = None
        self.stores: dict[str, dict] = {}
        self.skus: set[str] = set()
        self.has_live = False
        self.good = 0
        self.rejected_ids: set[str] = set()
        self.sender = BulkSender(ctx.es, threads=2)
        self.extra = _extra_fields(ctx)
        self.safety_stock = get_tenant(ctx.es, ctx.config, self.tenant).settings.safety_stock
        # Rows that were unavailable in the live index and available in the file: checked
        # again after the swap (a later row or a catch-up may have changed them), then matched.
        self.came_back: set[tuple[str, str]] = set()
        self.seen = SeenKeys()  # the ids this load has sent
        self.replacing: set[str] = set()  # ids of this batch that replace an earlier row's count

    def begin(self) -> None:
        es, config = self.ctx.es, self.ctx.config
        indices.ensure_tenant_indices(es, config, self.tenant)
        stores = indices.tenant_alias(config, "stores", self.tenant)
        products = indices.tenant_alias(config, "products", self.tenant)
        # A stores or products load that just ended may not be searchable yet: its rows count.
        es.indices.refresh(index=f"{stores},{products}")
        for hit in aliases.scan(es, stores, {"match_all": {}},
                                source=["store_id", "location", "status", "services"]):
            self.stores[hit["_source"]["store_id"]] = store_fields(hit["_source"])
        for hit in aliases.scan(es, products, {"match_all": {}}, source=["sku"]):
            self.skus.add(hit["_source"]["sku"])
        self.live = aliases.live_index(es, self.alias)
        self.build = aliases.create_build(es, config, "stock", self.tenant)
        if self.live:
            self.has_live = es.count(index=self.live)["count"] > 0

    def rejected(self, data: dict) -> None:
        store_id, sku = data.get("store_id"), data.get("sku")
        if isinstance(store_id, str | int) and isinstance(sku, str | int):
            self.rejected_ids.add(stock_id(self.tenant, str(store_id).strip(), str(sku).strip()))

    def write(self, batch: list[Row]) -> None:
        now = datetime.now(UTC)
        accepted: list[Row] = []
        for row in batch:
            data = row.data
            if data["store_id"] not in self.stores:
                self._reject(row, "store_id", f"unknown store_id {data['store_id']!r}")
            elif data["sku"] not in self.skus:
                self._reject(row, "sku", f"unknown sku {data['sku']!r}")
            else:
                accepted.append(row)
        accepted = self._latest_rows(accepted)
        live_docs: dict[str, dict] = {}
        if self.has_live and accepted:
            refs = [stock_ref(self.tenant, r.data["store_id"], r.data["sku"]) for r in accepted]
            for doc in self.ctx.es.mget(index=self.live, docs=refs)["docs"]:
                if doc.get("found"):
                    live_docs[doc["_id"]] = doc["_source"]
        lines: list[str] = []
        context: list[tuple[Row, str, bool]] = []
        for row in accepted:
            data = row.data
            doc_id = stock_id(self.tenant, data["store_id"], data["sku"])
            live = live_docs.get(doc_id)
            doc, outcome = self._document(data, live, now)
            if doc_id in self.replacing:
                outcome = REPLACES
            crossed = crossed_zero(live, doc, self.safety_stock, now)
            version = _millis(model.parse_time(doc["as_of"]))
            lines += [action_line("index", self.build, doc_id, routing=stock_routing(data["sku"]),
                                  version=version, version_type="external_gte"),
                      source_line(doc)]
            context.append((row, outcome, crossed))
        self.sender.submit(lines, context, self._done)

    def _latest_rows(self, rows: list[Row]) -> list[Row]:
        """Decide, before sending, between rows of one (store, sku): return the rows to write.

        The latest `as_of` wins and, among rows of the same `as_of`, the last one of the file:
        within the batch here, and against earlier batches by reading back what they wrote
        (`seen` tells which ids they had; their bodies are answered first). A beaten row is
        counted stale, or unchanged when it repeats the winning count exactly.
        """
        latest: dict[str, Row] = {}
        for row in rows:
            doc_id = stock_id(self.tenant, row.data["store_id"], row.data["sku"])
            previous = latest.get(doc_id)
            if previous is None or previous.data["as_of"] <= row.data["as_of"]:
                if previous is not None:
                    self._beaten(previous.data, row.data)
                latest[doc_id] = row
            else:
                self._beaten(row.data, previous.data)
        self.replacing = set()
        again = [doc_id for doc_id in latest if self.seen.add(doc_id)]
        if again:
            self.sender.flush()  # the earlier bodies naming these ids are answered before reading
            refs = [stock_ref(self.tenant, latest[i].data["store_id"], latest[i].data["sku"]) for i in again]
            for doc in self.ctx.es.mget(index=self.build, docs=refs)["docs"]:
                if not doc.get("found"):
                    continue
                written, row = doc["_source"], latest[doc["_id"]]
                as_of = model.parse_time(written["as_of"])
                if as_of > row.data["as_of"] or (as_of == row.data["as_of"]
                                                 and written["on_hand"] == row.data["on_hand"]):
                    self._beaten(row.data, {"as_of": as_of, "on_hand": written["on_hand"]})
                    del latest[doc["_id"]]
                else:
                    self.replacing.add(doc["_id"])
        return list(latest.values())

    def _beaten(self, data: dict, winner: dict) -> None:
        self.good += 1
        if data["as_of"] == winner["as_of"] and data["on_hand"] == winner["on_hand"]:
            self.ctx.summary.unchanged += 1
        else:
            self.ctx.summary.stale += 1

    def _document(self, data: dict, live: dict | None, now: datetime) -> tuple[dict, str]:
        merge = model.merge_count(live, data["on_hand"], data["as_of"], now)
        if live is not None and merge.outcome in (model.STALE, model.UNCHANGED):
            return {**live, **self.stores[data["store_id"]]}, merge.outcome
        doc = model.stock_document(self.tenant, data["store_id"], data["sku"], self.stores[data["store_id"]],
                                   data["on_hand"], data["as_of"], merge.holds, now, self.extra,
                                   updated_at=self.started, loaded_by=self.build)
        return doc, merge.outcome

    def _reject(self, row: Row, field: str, reason: str) -> None:
        self.rejected_ids.add(stock_id(self.tenant, str(row.data["store_id"]), str(row.data["sku"])))
        self.ctx.reject(row.line, row.raw, field, reason)

    def _done(self, context: list[tuple[Row, str, bool]], items: list[dict]) -> None:
        summary = self.ctx.summary
        for (row, outcome, crossed), item in zip(context, items, strict=True):
            status = item.get("status", 500)
            if status < 300:
                self.good += 1
                if crossed:
                    self.came_back.add((row.data["store_id"], row.data["sku"]))
                if outcome == REPLACES or item.get("result") == "updated":
                    summary.stale += 1  # a later row of the file replaced an earlier one
                elif outcome == model.CREATED:
                    summary.indexed += 1
                elif outcome == model.UPDATED:
                    summary.updated += 1
                elif outcome == model.UNCHANGED:
                    summary.unchanged += 1
                else:
                    summary.stale += 1
            elif status == 409:
                self.good += 1
                summary.stale += 1  # the file has a newer count of this (store, sku) already written
            else:
                error = item.get("error") or {}
                self._reject(row, "", f"Elasticsearch refused it: {error.get('type')}: {error.get('reason')}")

    def finish(self) -> None:
        es = self.ctx.es
        self.sender.close()
        if self.good == 0:
            raise EmptyLoad(f"no valid stock row in {self.ctx.source.path}: the live index is kept as it is")
        if self.live:
            first = datetime.now(UTC)
            self._catch_up(since=self.started - CLOCK_MARGIN, with_holds=True)
        aliases.finish_build(es, self.ctx.config, "stock", self.tenant, self.build)
        if self.live:
            # From here every write to the live index is refused; its writer retries through the
            # alias, so nothing lands in the live index after the last pass has read it.
            aliases.block_writes(es, self.live)
            self.blocked = True
            self._catch_up(since=first - CLOCK_MARGIN, with_holds=False)
        aliases.swap(es, self.alias, self.live, self.build, readers=self.readers,
                     meta={"loaded_at": datetime.now(UTC).isoformat(), "tenant": self.tenant,
                           "started_at": self.started.isoformat(), "source": str(self.ctx.source.path)})
        self.build = None
        self.blocked = False  # the replaced index stays blocked: it is only the rollback target now
        aliases.prune_quietly(es, self.alias, self.live, self.ctx.summary.notes)
        self._end_alerts()

    def _end_alerts(self) -> None:
        """Match the rows that came back against back-in-stock alerts, once the new index serves."""
        es, rows, now = self.ctx.es, sorted(self.came_back), datetime.now(UTC)
        for i in range(0, len(rows), ALERT_CHECK_BATCH):
            batch = rows[i:i + ALERT_CHECK_BATCH]
            docs = es.mget(index=self.alias, docs=[stock_ref(self.tenant, s, k) for s, k in batch])["docs"]
            available = [row for row, doc in zip(batch, docs, strict=True) if doc.get("found")
                         and model.available_qty(doc["_source"], self.safety_stock, now) > 0]
            self.ctx.summary.alerts_sent += notify_crossed(es, self.ctx.config, self.tenant, available)

    def abort(self) -> None:
        self.sender.close()
        if self.build:
            if self.blocked and self.live and aliases.live_index(self.ctx.es, self.alias) == self.live:
                aliases.block_writes(self.ctx.es, self.live, blocked=False)
            aliases.drop(self.ctx.es, self.build)
            self.build = None

    def _catch_up(self, since: datetime, with_holds: bool) -> None:
        """Merge into the new index what the live one holds that the file does not override."""
        es = self.ctx.es
        es.indices.refresh(index=self.live)
        should: list[dict] = [{"range": {"updated_at": {"gte": since.isoformat()}}}]
        if with_holds:
            should.append({"bool": {"filter": [{"term": {"tenant": self.tenant}},
                                               {"range": {"held": {"gt": 0}}}]}})
            if self.rejected_ids:
                should.append({"ids": {"values": sorted(self.rejected_ids)}})
        query = {"bool": {"should": should, "minimum_should_match": 1}}
        now = datetime.now(UTC)
        batch: list[dict] = []
        for hit in aliases.scan(es, self.live, query):
            batch.append(hit)
            if len(batch) >= 1000:
                self._merge_live(batch, now)
                batch = []
        if batch:
            self._merge_live(batch, now)
        es.indices.refresh(index=self.build)

    def _merge_live(self, hits: list[dict], now: datetime) -> None:
        es = self.ctx.es
        refs = [{"_id": h["_id"], "routing": h["_routing"]} for h in hits]
        built = {d["_id"]: d["_source"] for d in es.mget(index=self.build, docs=refs)["docs"]
                 if d.get("found")}
        lines: list[str] = []
        for hit in hits:
            live = hit["_source"]
            new = built.get(hit["_id"])
            doc = live if new is None else merge_into(new, live, now)
            lines += [action_line("index", self.build, hit["_id"], routing=hit["_routing"]),
                      source_line(doc)]
        response = es.options(request_timeout=300).bulk(operations="\n".join(lines) + "\n")
        if response.get("errors"):
            failed = [i for i in response["items"] if next(iter(i.values())).get("status", 500) >= 300]
            raise RuntimeError(f"carrying live stock documents over failed: {failed[:3]}")


def merge_into(new: dict, live: dict, now: datetime) -> dict:
    """Return the new document with the live one's holds and store, and its count when newer.

    The store fields come from the live document: stores that changed during the load were
    followed there (`indexer.follow`), after the load read its stores.
    """
    doc = {**new, **{name: live[name] for name in STORE_COPY if name in live}}
    if model.parse_time(live["as_of"]) > model.parse_time(new["as_of"]):
        doc["on_hand"], doc["as_of"] = live["on_hand"], live["as_of"]
        doc["loaded_by"] = live.get("loaded_by")
    merge = model.merge_count(live, doc["on_hand"],
                              model.parse_time(doc["as_of"]), now)
    holds = merge.holds if merge.outcome != model.STALE else live.get("holds") or []
    doc["holds"] = holds
    doc["held"] = model.held_qty(holds, now)
    doc["updated_at"] = max(new.get("updated_at", ""), live.get("updated_at", ""))
    return doc
