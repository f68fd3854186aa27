"""What counts as unmet demand, and the recording calls of the domain (sweeper) side."""

from __future__ import annotations

from locator.config import Config
from locator.reports.counting import RESERVATION_EXPIRED, buffer_for
from locator.stock.model import OUT_OF_STOCK, parse_time
from locator.tenants.service import Tenant


def found_nowhere(results: list[dict]) -> bool:
    """Tell whether an availability page lists no store with even one unit of the product."""
    return all(entry["level"] == OUT_OF_STOCK for entry in results)


def record_expired(config: Config, tenant: Tenant, reservation: dict) -> None:
    """Count a reservation that expired uncollected, once per sku, at its store, on its expiry day."""
    if not tenant.settings.unmet_demand:
        return
    buffer_for(config).record(tenant.tenant, RESERVATION_EXPIRED,
                              [item["sku"] for item in reservation["items"]],
                              at=parse_time(reservation["expires_at"]), store_id=reservation["store_id"])
