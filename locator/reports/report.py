"""The unmet-demand report: top products and areas, nearest store to each area, weekly trend.

Everything is summed in Python from one kind of row — (week, area, sku) with a count per kind —
read with a composite aggregation, so the summaries are pure functions of those rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from elasticsearch import Elasticsearch

from locator import geo
from locator.config import Config
from locator.es import index_name
from locator.indices import TENANT_SEARCH, tenant_alias
from locator.mappings import entity_id
from locator.reports import queries
from locator.reports.areas import H3_RESOLUTION, area_boundary, area_center
from locator.reports.counting import (
    ALERT_CREATED,
    BASKET,
    KINDS,
    RESERVATION_EXPIRED,
    RESERVATION_REFUSED,
    SEARCH,
    UNMET_KINDS,
)
from locator.reports.places import town_of
from locator.stores.queries import StoreSearch, store_search_body

# How each kind is named in answers and CSV columns.
COLUMNS = {SEARCH: "searches", BASKET: "basket_lines", RESERVATION_REFUSED: "reservations_refused",
           ALERT_CREATED: "alerts_created", RESERVATION_EXPIRED: "reservations_expired"}
MAX_ROWS = 50_000  # bounds one report's work; `truncated` says when it was reached
TOP = 20
TOP_ROWS = 500
MSEARCH_BATCH = 200


@dataclass(frozen=True)
class ReportRequest:
    tenant: str
    start: date
    end: date
    sku: str | None = None


def _counts(kinds: dict[str, int]) -> dict[str, int]:
    counts = {COLUMNS[k]: kinds.get(k, 0) for k in KINDS}
    counts["unmet"] = sum(kinds.get(k, 0) for k in UNMET_KINDS)
    return counts


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for name, value in counts.items():
        total[name] = total.get(name, 0) + value


def _zero() -> dict[str, int]:
    return _counts({})


def _rank(item: dict) -> tuple:
    return (-item["unmet"], -item["reservations_expired"], -item["alerts_created"])


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks(start: date, end: date) -> list[str]:
    """Return the Mondays of every week the period touches."""
    first, last = monday(start), monday(end)
    return [(first + timedelta(weeks=i)).isoformat() for i in range((last - first).days // 7 + 1)]


def summarize(raw_rows: list[dict], start: date, end: date) -> dict:
    """Return totals, top products, top areas, the weekly trend and the top rows (pure)."""
    rows = [{"week": r["week"], "area": r["area"], "sku": r["sku"], **_counts(r["counts"])}
            for r in raw_rows]
    totals = _zero()
    products: dict[str, dict] = {}
    areas: dict[str | None, dict] = {}
    trend = {week: {"week": week, **_zero()} for week in weeks(start, end)}
    for row in rows:
        counts = {name: row[name] for name in totals}
        _add(totals, counts)
        product = products.setdefault(row["sku"], {"sku": row["sku"], **_zero(), "_areas": set()})
        _add(product, counts)
        if row["unmet"]:
            product["_areas"].add(row["area"])
        area = areas.setdefault(row["area"], {"area": row["area"], **_zero(), "_skus": {}})
        _add(area, counts)
        area["_skus"][row["sku"]] = area["_skus"].get(row["sku"], 0) + row["unmet"]
        _add(trend.setdefault(row["week"], {"week": row["week"], **_zero()}), counts)
    top_products = sorted(products.values(), key=lambda p: (*_rank(p), p["sku"]))[:TOP]
    for product in top_products:
        product["areas"] = len(product.pop("_areas"))
    top_areas = sorted(areas.values(), key=lambda a: (*_rank(a), a["area"] or ""))[:TOP]
    for area in top_areas:
        skus = area.pop("_skus")
        area["top_skus"] = [s for s, n in sorted(skus.items(), key=lambda i: (-i[1], i[0])) if n][:3]
    top_rows = sorted(rows, key=lambda r: (*_rank(r), r["week"], r["area"] or "", r["sku"]))[:TOP_ROWS]
    return {"totals": totals, "products": top_products, "areas": top_areas,
            "trend": [trend[w] for w in sorted(trend)], "rows": top_rows}


def read_rows(es: Elasticsearch, config: Config, req: ReportRequest) -> tuple[list[dict], bool]:
    """Read every (week, area, sku) row of the period; True when MAX_ROWS cut it short."""
    rows: list[dict] = []
    after = None
    while True:
        body = queries.rows_body(req.tenant, req.start, req.end, req.sku, after)
        page, after = queries.parse_rows(es.search(index=index_name(config, "unmet-demand"), **body))
        rows += page
        if len(rows) >= MAX_ROWS:
            return rows[:MAX_ROWS], True
        if after is None or len(page) < queries.ROWS_PAGE:
            return rows, False


def nearest_stores(es: Elasticsearch, config: Config, tenant: str,
                   areas: list[str]) -> dict[str, dict | None]:
    """Return the tenant's nearest store to the centre of each area (one msearch per batch)."""
    found: dict[str, dict | None] = {}
    alias = tenant_alias(config, "stores", tenant)
    for i in range(0, len(areas), MSEARCH_BATCH):
        batch = areas[i:i + MSEARCH_BATCH]
        searches: list[dict] = []
        for area in batch:
            body = store_search_body(StoreSearch(tenant=tenant, point=area_center(area)), 1)
            searches += [{"index": alias, **TENANT_SEARCH}, body]
        responses = es.msearch(searches=searches)["responses"]
        for area, response in zip(batch, responses, strict=True):
            hits = response.get("hits", {}).get("hits", [])
            if not hits:
                found[area] = None
                continue
            source = hits[0]["_source"]
            found[area] = {"id": source["store_id"], "name": source.get("name"),
                           "city": source.get("city"), "location": source.get("location"),
                           "distance_km": round(geo.distance_km(hits[0]["sort"], area_center(area)), 1)}
    return found


def product_names(es: Elasticsearch, config: Config, tenant: str, skus: list[str]) -> dict[str, str]:
    """Return {sku: name} for the skus that are still in the catalogue."""
    if not skus:
        return {}
    docs = es.mget(index=tenant_alias(config, "products", tenant), ids=[entity_id(tenant, s) for s in skus],
                   source_includes=["name"])["docs"]
    return {sku: doc["_source"].get("name", "") for sku, doc in zip(skus, docs, strict=True)
            if doc.get("found")}


def _place(area: str | None) -> dict:
    if area is None:
        return {"town": None, "center": None, "boundary": None}
    center = area_center(area)
    return {"town": town_of(area), "center": {"lat": center.lat, "lon": center.lon},
            "boundary": area_boundary(area)}


def unmet_demand(es: Elasticsearch, config: Config, req: ReportRequest) -> dict:
    """Return the report of a period as the API answers it (JSON)."""
    raw, truncated = read_rows(es, config, req)
    summary = summarize(raw, req.start, req.end)
    skus = sorted({p["sku"] for p in summary["products"]} | {r["sku"] for r in summary["rows"]})
    names = product_names(es, config, req.tenant, skus)
    known_areas = sorted({a["area"] for a in summary["areas"] if a["area"]})
    nearest = nearest_stores(es, config, req.tenant, known_areas)
    for product in summary["products"]:
        product["name"] = names.get(product["sku"])
    for row in summary["rows"]:
        row["name"] = names.get(row["sku"])
        row["town"] = town_of(row["area"]) if row["area"] else None
    for area in summary["areas"]:
        area.update(_place(area["area"]))
        area["nearest_store"] = nearest.get(area["area"]) if area["area"] else None
    return {"from": req.start.isoformat(), "to": req.end.isoformat(), "sku": req.sku,
            "area_resolution": H3_RESOLUTION, "truncated": truncated, **summary}


CSV_COLUMNS = ["week", "area", "area_town", "area_lat", "area_lon", "nearest_store_id", "nearest_store_name",
               "nearest_store_km", "sku", "product_name", *COLUMNS.values(), "unmet"]


def _cell(value: object) -> object:
    # A spreadsheet runs a cell starting with = + - @ as a formula: names come from retailers' files.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def unmet_demand_csv(es: Elasticsearch, config: Config, req: ReportRequest) -> str:
    """Return every (week, area, sku) row of the period as CSV, most unmet first."""
    raw, _truncated = read_rows(es, config, req)
    rows = sorted(({"week": r["week"], "area": r["area"], "sku": r["sku"], **_counts(r["counts"])}
                   for r in raw), key=lambda r: (*_rank(r), r["week"], r["area"] or "", r["sku"]))
    names = product_names(es, config, req.tenant, sorted({r["sku"] for r in rows}))
    nearest = nearest_stores(es, config, req.tenant, sorted({r["area"] for r in rows if r["area"]}))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        center = area_center(row["area"]) if row["area"] else None
        store = nearest.get(row["area"]) if row["area"] else None
        town = town_of(row["area"]) if row["area"] else None
        writer.writerow([_cell(v) for v in (
            row["week"], row["area"] or "", town or "", center.lat if center else "",
            center.lon if center else "",
            store["id"] if store else "", store["name"] if store else "",
            store["distance_km"] if store else "", row["sku"], names.get(row["sku"], ""),
            *(row[c] for c in COLUMNS.values()), row["unmet"])])
    return out.getvalue()
