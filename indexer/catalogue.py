"""Writers for stores and products: incremental upserts, or a full load into a new index.

Stores without coordinates are geocoded (`locator.geocoding.geocoder`); a store that cannot be is rejected,
never placed at (0, 0). When a store moves, changes status or services, or is removed, its stock
documents follow in the same command (`indexer.follow`).

A store is removed by a row with `status=removed` (any load), or, in a `--full` load, by being
absent from the file. A store whose row is rejected in a full load is NOT removed: its live
document is carried over unchanged, so one typo never wipes a store and its stock.

Each tenant has its own stores and products index (`<prefix>-stores.<tenant>`): a full load reads
the tenant's live index, builds a new one from the file (plus the rejected rows' live documents)
and swaps the tenant's alias and the shared read alias in one call. No other tenant's document is
read, copied or rewritten, so two tenants' full loads run at the same time. The race left: an
incremental load of the same tenant that writes while its full load runs is lost at the swap
(the build never sees it), and a second full load of the same tenant is refused at the swap.
"""

from __future__ import annotations

from datetime import UTC, datetime

from indexer import aliases, follow
from indexer.bulk import BulkSender, action_line, source_line
from indexer.context import EmptyLoad, LoadContext, Row, Writer
from indexer.documents import EXACT, product_document, same_content, store_document
from indexer.timezones import TimezoneError, resolve_zone
from locator import indices
from locator.es import index_name
from locator.geocoding.geocoder import GeocoderUnavailable, get_geocoder
from locator.mappings import entity_id
from locator.stock.model import store_fields


class CatalogueWriter(Writer):
    """Shared by stores and products: upsert (incremental) or build and swap (full)."""

    kind = ""
    key = ""

    def __init__(self, ctx: LoadContext) -> None:
        super().__init__(ctx)
        self.tenant = ctx.options.tenant
        self.alias = indices.tenant_alias(ctx.config, self.kind, self.tenant)
        self.readers = index_name(ctx.config, self.kind)
        self.stamp = datetime.now(UTC).isoformat()
        self.live: str | None = None
        self.build: str | None = None
        self.old: dict[str, dict] = {}
        self.written: set[str] = set()
        self.rejected_keys: set[str] = set()
        self.sender = BulkSender(ctx.es, threads=1)

    # -- lifecycle -----------------------------------------------------------------------------

    def begin(self) -> None:
        es = self.ctx.es
        indices.ensure_tenant_index(es, self.ctx.config, self.kind, self.tenant)
        self.live = aliases.live_index(es, self.alias)
        # The tenant's current documents: to count unchanged rows and to see what moved.
        for hit in aliases.scan(es, self.alias, {"match_all": {}}):
            self.old[hit["_source"][self.key]] = hit["_source"]
        if self.ctx.options.full:
            self.build = aliases.create_build(es, self.ctx.config, self.kind, self.tenant)

    def rejected(self, data: dict) -> None:
        value = data.get(self.key)
        if isinstance(value, str | int) and str(value).strip():
            self.rejected_keys.add(str(value).strip())

    def write(self, batch: list[Row]) -> None:
        lines: list[str] = []
        context: list[tuple[Row, str]] = []
        target = self.build or self.alias
        for row in batch:
            doc = self.document(row)
            if doc is None:
                continue
            key = row.data[self.key]
            old = self.old.get(key)
            if same_content(old, doc):
                self.ctx.summary.unchanged += 1
                if self.build is None:
                    self.written.add(key)  # nothing to send: the live document is this row
                    continue
                doc = old  # keeps its updated_at
                outcome = "unchanged"
            else:
                outcome = "updated" if old else "indexed"
            lines += [action_line("index", target, entity_id(self.tenant, key)), source_line(doc)]
            context.append((row, outcome))
            self.after_document(key, old, doc)
        self.sender.submit(lines, context, self._done)

    def _done(self, context: list[tuple[Row, str]], items: list[dict]) -> None:
        summary = self.ctx.summary
        for (row, outcome), item in zip(context, items, strict=True):
            if item.get("status", 500) < 300:
                if outcome == "indexed":
                    summary.indexed += 1
                elif outcome == "updated":
                    summary.updated += 1
                self.written.add(row.data[self.key])
            else:
                if outcome == "unchanged":
                    summary.unchanged -= 1
                # Refused like a rejected row: its live document is kept, never counted removed.
                self.rejected_keys.add(row.data[self.key])
                error = item.get("error") or {}
                self.ctx.reject(row.line, row.raw, "", f"Elasticsearch refused it: "
                                f"{error.get('type')}: {error.get('reason')}")

    def finish(self) -> None:
        es, summary = self.ctx.es, self.ctx.summary
        self.sender.close()
        removed = set(self.removed_keys())
        if self.build is None:
            gone = [k for k in removed if k in self.old]
            follow.delete_documents(es, self.alias, [entity_id(self.tenant, k) for k in gone])
            summary.removed += len(gone)
            self.follow(removed)
            return
        if not self.written:
            raise EmptyLoad(f"no valid {self.kind} row in {self.ctx.source.path}: "
                            f"the live index is kept as it is")
        # Rejected rows keep their live document: a typo must not remove a store or a product.
        kept = [k for k in self.rejected_keys if k in self.old and k not in self.written]
        self._carry_over(kept)
        summary.removed += sum(1 for k in self.old if k not in self.written and k not in kept)
        if kept:
            summary.notes.append(f"{len(kept)} rejected {self.kind} kept their current document")
        aliases.finish_build(es, self.ctx.config, self.kind, self.tenant, self.build)
        aliases.swap(es, self.alias, self.live, self.build,
                     meta={"loaded_at": datetime.now(UTC).isoformat(), "tenant": self.tenant,
                           "source": str(self.ctx.source.path)}, readers=self.readers)
        self.build = None
        aliases.prune_quietly(es, self.alias, self.live, summary.notes)
        self.follow(removed | {k for k in self.old if k not in self.written and k not in kept})

    def abort(self) -> None:
        self.sender.close()
        if self.build:
            aliases.drop(self.ctx.es, self.build)
            self.build = None

    def _carry_over(self, keys: list[str]) -> None:
        if keys:
            lines = []
            for key in keys:
                lines += [action_line("index", self.build, entity_id(self.tenant, key)),
                          source_line(self.old[key])]
            self.ctx.es.bulk(operations="\n".join(lines) + "\n")

    # -- per kind ------------------------------------------------------------------------------

    def document(self, row: Row) -> dict | None:
        raise NotImplementedError

    def after_document(self, key: str, old: dict | None, doc: dict) -> None:
        """Note what a written document changes (stores: their stock follows)."""

    def removed_keys(self) -> list[str]:
        return []

    def follow(self, removed: set[str]) -> None:
        """Bring dependent documents in line once the load is done."""


class ProductsWriter(CatalogueWriter):
    """Products: one document per (tenant, sku). A product absent from a full load is removed,
    with its stock documents."""

    kind, key = "products", "sku"

    def document(self, row: Row) -> dict | None:
        return product_document(self.tenant, row.data, self.ctx.options.demo, self.stamp)

    def follow(self, removed: set[str]) -> None:
        if removed:
            self.ctx.summary.stock_deleted += follow.delete_stock_of_products(
                self.ctx.es, self.ctx.config, self.tenant, removed)


class StoresWriter(CatalogueWriter):
    """Stores: geocoded when needed; their stock documents follow moves and removals."""

    kind, key = "stores", "store_id"

    def __init__(self, ctx: LoadContext) -> None:
        super().__init__(ctx)
        self.changed: dict[str, dict] = {}
        self.removed: list[str] = []
        self._geocoder = None

    def removed_keys(self) -> list[str]:
        return self.removed

    def document(self, row: Row) -> dict | None:
        data = row.data
        if data["status"] == "removed":
            self.removed.append(data["store_id"])
            return None
        located = self._locate(row)
        if located is None:
            return None
        location, precision = located
        try:
            resolved = resolve_zone(data["timezone"], location["lat"], location["lon"])
        except TimezoneError as exc:
            self.rejected(data)
            self.ctx.reject(row.line, row.raw, "timezone", str(exc))
            return None
        if resolved.warning:
            self.ctx.warn(row.line, "timezone", resolved.warning)
        zone = resolved.zone
        return store_document(self.tenant, data, location, precision, zone, self.ctx.options.demo,
                              self.stamp)

    def _locate(self, row: Row) -> tuple[dict, str] | None:
        data = row.data
        if data["lat"] is not None:
            if data["lat"] == 0 and data["lon"] == 0:
                self.rejected(data)
                self.ctx.reject(row.line, row.raw, "lat",
                                "0, 0 is in the ocean: missing coordinates written as zeros? Leave "
                                "lat and lon empty to geocode the address")
                return None
            return {"lat": data["lat"], "lon": data["lon"]}, EXACT
        query = ", ".join(filter(None, (data["street"], f"{data['postcode']} {data['city']}".strip())))
        if not query:
            self.rejected(data)
            self.ctx.reject(row.line, row.raw, "lat", "no coordinates and no address to geocode")
            return None
        if self._geocoder is None:
            self._geocoder = get_geocoder(self.ctx.config)
        try:
            place = self._geocoder.geocode(query, data["country"] or None)
        except GeocoderUnavailable as exc:
            place, why = None, f"geocoder unavailable ({exc})"
        else:
            why = "the geocoder found no such place"
        if place is None:
            self.rejected(data)
            where = f"{query}, {data['country']}" if data["country"] else query
            self.ctx.reject(row.line, row.raw, "lat",
                            f"no coordinates, and {where!r} could not be geocoded: {why}")
            return None
        self.ctx.summary.geocoded += 1
        return {"lat": round(place.lat, 6), "lon": round(place.lon, 6)}, place.precision

    def after_document(self, key: str, old: dict | None, doc: dict) -> None:
        if old is not None and store_fields(old) != store_fields(doc):
            self.changed[key] = store_fields(doc)

    def follow(self, removed: set[str]) -> None:
        moved, deleted = follow.follow_stores(self.ctx.es, self.ctx.config, self.tenant,
                                              self.changed, removed)
        self.ctx.summary.stock_moved += moved
        self.ctx.summary.stock_deleted += deleted
