"""Request and response schemas of the availability endpoints (they feed the OpenAPI document)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from locator.stores.schemas import (
    DEFAULT_RADIUS_KM,
    StoreSchema,
    cursor_field,
    lat_field,
    limit_field,
    lon_field,
    radius_field,
    services_field,
)

MAX_BASKET_ITEMS = 50


class AvailabilityQuery(ma.Schema):
    sku = fields.String(required=True, validate=validate.Length(1, 200))
    lat = lat_field(required=True)
    lon = lon_field(required=True)
    radius_km = radius_field()
    limit = limit_field()
    cursor = cursor_field()
    min_qty = fields.Integer(load_default=1, validate=validate.Range(1, 100_000), metadata={
        "description": "Only stores that can supply at least this many units. Above 10 only for "
                       "secret keys or tenants that expose quantities (else a 400)."})
    include_out_of_stock = fields.Boolean(load_default=False, metadata={
        "description": "After the stores with the product, list the nearby stores without it "
                       "(level `out_of_stock` or below `min_qty`), nearest first."})
    services = services_field()
    count_unmet = fields.Boolean(load_default=True, metadata={
        "description": "`false` leaves this search out of the unmet-demand report: for automatic "
                       "checks (the widget's badge) that repeat a shopper's search."})

    class Meta:
        unknown = ma.EXCLUDE

    @ma.post_load
    def _defaults(self, data, **kwargs):
        data.setdefault("radius_km", DEFAULT_RADIUS_KM)
        return data


class ProductSchema(ma.Schema):
    sku = fields.String()
    name = fields.String()
    brand = fields.String(allow_none=True)
    category = fields.String(allow_none=True)


STOCK_FIELDS_DOC = {
    "level": "`in_stock`, `low_stock` (0 < available ≤ the tenant's low-stock threshold) or "
             "`out_of_stock`. A stale count is never `in_stock`: it is shown as `low_stock`.",
    "reported_level": "The level the count itself gives, before the staleness rule.",
    "stale": "The count is older than the tenant's stock freshness limit.",
    "available_qty": "On hand − active holds − safety stock (secret keys, or when the tenant "
                     "exposes quantities; absent otherwise).",
    "updated_at": "When the store counted this stock (its `as_of`); null when never counted.",
}


class StockStateMixin(ma.Schema):
    level = fields.String(metadata={"description": STOCK_FIELDS_DOC["level"]})
    reported_level = fields.String(metadata={"description": STOCK_FIELDS_DOC["reported_level"]})
    stale = fields.Boolean(metadata={"description": STOCK_FIELDS_DOC["stale"]})
    available_qty = fields.Integer(metadata={"description": STOCK_FIELDS_DOC["available_qty"]})
    updated_at = fields.String(allow_none=True, metadata={"description": STOCK_FIELDS_DOC["updated_at"]})


class AvailabilityEntrySchema(StockStateMixin):
    store = fields.Nested(StoreSchema)
    distance_km = fields.Float()


class AvailabilitySchema(ma.Schema):
    sku = fields.String()
    product = fields.Nested(ProductSchema)
    results = fields.List(fields.Nested(AvailabilityEntrySchema))
    next_cursor = fields.String(allow_none=True)


class BasketItemSchema(ma.Schema):
    sku = fields.String(required=True, validate=validate.Length(1, 200))
    qty = fields.Integer(load_default=1, validate=validate.Range(1, 10_000), metadata={
        "description": "Units wanted (a repeated sku adds up). Above 10 only for secret keys or "
                       "tenants that expose quantities (else a 400)."})


class BasketRequestSchema(ma.Schema):
    items = fields.List(fields.Nested(BasketItemSchema), required=True,
                        validate=validate.Length(1, MAX_BASKET_ITEMS), metadata={
                            "description": f"1 to {MAX_BASKET_ITEMS} lines; a sku given twice "
                                           "counts once with the quantities added."})
    lat = lat_field(required=True)
    lon = lon_field(required=True)
    radius_km = radius_field()
    limit = limit_field()
    cursor = cursor_field()
    include_partial = fields.Boolean(load_default=True, metadata={
        "description": "List stores that can supply part of the basket after the complete ones."})

    @ma.post_load
    def _defaults(self, data, **kwargs):
        data.setdefault("radius_km", DEFAULT_RADIUS_KM)
        return data


class BasketLineSchema(StockStateMixin):
    sku = fields.String()
    qty = fields.Integer(metadata={"description": "Requested."})
    supplied_qty = fields.Integer(metadata={"description": "What this store can supply (≤ qty)."})
    missing_qty = fields.Integer()


class BasketEntrySchema(ma.Schema):
    store = fields.Nested(StoreSchema)
    distance_km = fields.Float()
    complete = fields.Boolean(metadata={"description": "The store can supply the whole basket."})
    supplied_units = fields.Integer()
    requested_units = fields.Integer()
    complete_lines = fields.Integer()
    missing = fields.List(fields.String(), metadata={"description": "Skus not fully available."})
    items = fields.List(fields.Nested(BasketLineSchema))


class BasketSchema(ma.Schema):
    items = fields.List(fields.Nested(BasketItemSchema), metadata={
        "description": "The basket as understood (duplicate skus merged)."})
    results = fields.List(fields.Nested(BasketEntrySchema))
    next_cursor = fields.String(allow_none=True)
