"""Pure query building for the unmet-demand report: request in, Elasticsearch body out."""

from __future__ import annotations

from datetime import date

from locator.reports.counting import KINDS

ROWS_PAGE = 1000


def report_filters(tenant: str, start: date, end: date, sku: str | None = None) -> list[dict]:
    """Return the filters of a report: the tenant's counters of these local days (inclusive)."""
    filters: list[dict] = [{"term": {"tenant": tenant}},
                           {"range": {"day": {"gte": start.isoformat(), "lte": end.isoformat()}}}]
    if sku:
        filters.append({"term": {"sku": sku}})
    return filters


def rows_body(tenant: str, start: date, end: date, sku: str | None = None,
              after: dict | None = None, size: int = ROWS_PAGE) -> dict:
    """Return one page of (week, area, sku) rows, each with its count per kind.

    Weeks start on Monday (`calendar_interval: 1w`); counters without an area (a store without
    a location) form rows with `area: null`.
    """
    composite: dict = {
        "size": size,
        "sources": [
            {"week": {"date_histogram": {"field": "day", "calendar_interval": "1w",
                                         "format": "strict_date"}}},
            {"area": {"terms": {"field": "area", "missing_bucket": True}}},
            {"sku": {"terms": {"field": "sku"}}},
        ],
    }
    if after:
        composite["after"] = after
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"bool": {"filter": report_filters(tenant, start, end, sku)}},
        "aggs": {"rows": {"composite": composite, "aggs": {
            "kinds": {"terms": {"field": "kind", "size": len(KINDS)},
                      "aggs": {"events": {"sum": {"field": "count"}}}}}}},
    }


def parse_rows(response: dict) -> tuple[list[dict], dict | None]:
    """Return the rows of one page as {week, area, sku, counts: {kind: n}} and the next `after`."""
    agg = response["aggregations"]["rows"]
    rows = []
    for bucket in agg["buckets"]:
        counts = {k["key"]: int(k["events"]["value"]) for k in bucket["kinds"]["buckets"]}
        rows.append({"week": bucket["key"]["week"], "area": bucket["key"]["area"],
                     "sku": bucket["key"]["sku"], "counts": counts})
    return rows, (agg.get("after_key") if agg["buckets"] else None)
