"""The unmet-demand report endpoint, and the calls the search views make to count a miss."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, g, request

from locator.errors import NotFound, Unauthorized
from locator.geo import Point
from locator.http.apidoc import ServiceBlueprint
from locator.http.auth import API_KEY_HEADER, current_tenant, require_key
from locator.http.es import get_es
from locator.http.responses import clock_now, problem_doc
from locator.reports import links
from locator.reports.areas import area_of
from locator.reports.counting import BASKET, RESERVATION_REFUSED, SEARCH, buffer_for
from locator.reports.flush import ensure_flusher
from locator.reports.misses import found_nowhere
from locator.reports.report import ReportRequest, unmet_demand, unmet_demand_csv
from locator.reports.schemas import ReportQuery, ReportSchema
from locator.tenants.service import ApiKey, get_tenant

blp = ServiceBlueprint("reports", __name__, url_prefix="/v1", description="Reports")
LINK_HEADER = "X-Report-Link"
LINK_KIND = "report-link"


@blp.before_app_request
def _start_flusher() -> None:
    # On the first request of each worker, never at import; tests flush themselves.
    if not current_app.testing:
        ensure_flusher(current_app.config["LOCATOR"])


def record_unmet(kind: str, skus: list[str], *, point: Point | None = None,
                 store_id: str | None = None) -> None:
    """Count a miss of this request's tenant (unless it turned counting off): memory only."""
    tenant = current_tenant()
    if not skus or not tenant.settings.unmet_demand:
        return
    buffer_for(current_app.config["LOCATOR"]).record(
        tenant.tenant, kind, skus, at=clock_now(), area=area_of(point) if point else None,
        store_id=store_id)


def record_availability(args: dict, point: Point, results: list[dict]) -> None:
    """Count an availability search whose first page lists no store with the product.

    Later pages (`cursor`) and automatic checks (`count_unmet=false`) are not counted again.
    """
    if args["count_unmet"] and not args.get("cursor") and found_nowhere(results):
        record_unmet(SEARCH, [args["sku"]], point=point)


def basket_recorder(point: Point) -> Callable[[list[str]], None]:
    """Return what a basket search calls with the skus it found nowhere."""
    return lambda skus: record_unmet(BASKET, skus, point=point)


def record_refused(store_id: str, short_items: list[dict]) -> None:
    """Count a reservation refused for lack of stock, per short sku, at its store."""
    record_unmet(RESERVATION_REFUSED, [item["sku"] for item in short_items], store_id=store_id)


def _report_link() -> None:
    """Accept a signed report link of `locator reports link` (when no key is sent)."""
    token = request.headers.get(LINK_HEADER, "").strip()
    if not token:
        raise Unauthorized(f"Send a secret key in {API_KEY_HEADER}, or a report link in {LINK_HEADER}.")
    tenant_id = links.token_tenant(token)
    try:
        tenant = get_tenant(get_es(), current_app.config["LOCATOR"], tenant_id) if tenant_id else None
    except NotFound:
        tenant = None
    if tenant is None or not links.verify(tenant.settings.reports_link_secret, token, clock_now()):
        raise Unauthorized("This report link is invalid or has expired: ask for a new one "
                           "(`locator reports link`).")
    # A link reads this one report: it stands for no key, so no other view accepts it.
    g.api_key = ApiKey(key_id="report-link", tenant=tenant.tenant, kind=LINK_KIND)
    g.tenant = tenant


@blp.route("/reports/unmet-demand")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, ReportSchema, description="The report; with `format=csv`, every row as "
              "`text/csv` (columns: week, area, area_town, area_lat, area_lon, nearest_store_id, "
              "nearest_store_name, nearest_store_km, sku, product_name, searches, basket_lines, "
              "reservations_refused, alerts_created, reservations_expired, unmet).")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv", success=True,
                  description="OK")
@blp.doc(security=[{"ApiKey": []}, {"ReportLink": []}],
         responses=problem_doc(401, "No secret key or valid report link."))
@require_key("secret", alternative=_report_link)
def unmet_demand_report(args: dict):
    """Searches and reservations that found a product nowhere nearby, by product, area and week.

    Counts availability searches whose first page listed no store with the product, basket
    lines no store within the radius could supply and reservations refused for lack of stock
    (together `unmet`), plus back-in-stock alerts created and reservations expired uncollected.
    Areas are H3 cells of about 10 km (never a shopper's position), each with the tenant's
    nearest store to its centre; days are local to the area. Counts reach the report within
    `UNMET_DEMAND_FLUSH_SECONDS`. Needs a secret key, or a signed link (`X-Report-Link`).
    """
    req = ReportRequest(current_tenant().tenant, args["start"], args["end"], args.get("sku"))
    config = current_app.config["LOCATOR"]
    if args["format"] == "csv":
        name = f"unmet-demand-{req.start.isoformat()}-{req.end.isoformat()}.csv"
        return Response(unmet_demand_csv(get_es(), config, req), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return unmet_demand(get_es(), config, req)
