"""Mapping of the unmet-demand counters: one document per (tenant, kind, sku, day, area, store)."""

UNMET_DEMAND = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "kind": {"type": "keyword"},  # see locator.reports.counting.KINDS
        "sku": {"type": "keyword"},
        "day": {"type": "date", "format": "strict_date"},  # local day at the area (or store)
        "area": {"type": "keyword"},  # H3 cell, resolution 5 (about 10 km)
        "store_id": {"type": "keyword"},  # reservations only: the store asked
        "count": {"type": "long"},
        "demo": {"type": "boolean"},  # simulated by `locator demo load`
        "updated_at": {"type": "date"},
    },
}
