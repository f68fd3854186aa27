"""Request and response schemas of the unmet-demand report (they feed the OpenAPI document)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import marshmallow as ma
from marshmallow import fields, validate

from locator.reports.areas import latest_local_day

DEFAULT_DAYS = 28
MAX_DAYS = 366


class ReportQuery(ma.Schema):
    from_ = fields.Date(data_key="from", metadata={
        "description": "First local day (inclusive, YYYY-MM-DD); default: 27 days before `to`."})
    to = fields.Date(metadata={"description": "Last local day (inclusive); default: the latest local day "
                                "on Earth (today in UTC+14), so that every area's today is in it."})
    sku = fields.String(validate=validate.Length(1, 200), metadata={"description": "Only this product."})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]), metadata={
        "description": "`json` (summaries) or `csv` (every week × area × product row)."})

    class Meta:
        unknown = ma.EXCLUDE

    @ma.post_load
    def _period(self, data, **kwargs):
        end = data.get("to") or latest_local_day(datetime.now(UTC))
        start = data.pop("from_", None) or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise ma.ValidationError("`from` must be on or before `to`.", "from")
        if (end - start).days >= MAX_DAYS:
            raise ma.ValidationError(f"The period may span at most {MAX_DAYS} days.", "from")
        data.update(start=start, end=end)
        return data


class CountsSchema(ma.Schema):
    unmet = fields.Integer(metadata={"description": "searches + basket_lines + reservations_refused"})
    searches = fields.Integer(metadata={"description": "Availability searches that found the "
                                                       "product in no store within the radius."})
    basket_lines = fields.Integer(metadata={"description": "Basket lines no store within the radius "
                                                           "could supply."})
    reservations_refused = fields.Integer(metadata={"description": "Reservations refused for lack of stock."})
    alerts_created = fields.Integer(metadata={"description": "Back-in-stock alerts created."})
    reservations_expired = fields.Integer(metadata={"description": "Reservations that expired uncollected."})


class PointSchema(ma.Schema):
    lat = fields.Float()
    lon = fields.Float()


class StoreRefSchema(ma.Schema):
    id = fields.String()
    name = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    location = fields.Nested(PointSchema, allow_none=True)
    distance_km = fields.Float(metadata={"description": "From the area's centre."})


class ProductRowSchema(CountsSchema):
    sku = fields.String()
    name = fields.String(allow_none=True)
    areas = fields.Integer(metadata={"description": "Areas where it was unmet."})


class AreaRowSchema(CountsSchema):
    area = fields.String(allow_none=True, metadata={
        "description": "H3 cell (resolution 5, about 10 km); null for a store without a location."})
    town = fields.String(allow_none=True, metadata={
        "description": "The most populous town within 25 km of its centre (offline gazetteer)."})
    center = fields.Nested(PointSchema, allow_none=True)
    boundary = fields.List(fields.List(fields.Float()), allow_none=True,
                           metadata={"description": "The cell's outline, [lat, lon] pairs."})
    top_skus = fields.List(fields.String())
    nearest_store = fields.Nested(StoreRefSchema, allow_none=True)


class WeekRowSchema(CountsSchema):
    week = fields.String(metadata={"description": "Monday of the week (YYYY-MM-DD)."})


class DetailRowSchema(WeekRowSchema):
    area = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    sku = fields.String()
    name = fields.String(allow_none=True)


class ReportSchema(ma.Schema):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    sku = fields.String(allow_none=True)
    area_resolution = fields.Integer(metadata={"description": "H3 resolution of the areas."})
    truncated = fields.Boolean(metadata={"description": "The period had more rows than one report reads."})
    totals = fields.Nested(CountsSchema)
    products = fields.List(fields.Nested(ProductRowSchema),
                           metadata={"description": "Top 20, most unmet first."})
    areas = fields.List(fields.Nested(AreaRowSchema), metadata={"description": "Top 20, most unmet first."})
    trend = fields.List(fields.Nested(WeekRowSchema), metadata={"description": "Every week of the period."})
    rows = fields.List(fields.Nested(DetailRowSchema), metadata={
        "description": "Top 500 (week, area, product) rows, most unmet first."})
