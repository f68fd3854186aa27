"""Schemas of the desk endpoints (they feed the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from locator.reservations.schemas import ReservationSchema
from locator.stores.schemas import StoreSchema


class DeskSchema(Schema):
    tenant = fields.String(metadata={"description": "The retailer's tenant id."})
    tenant_name = fields.String()
    store = fields.Nested(StoreSchema, metadata={"description": "The store this key manages."})
    poll_seconds = fields.Integer(metadata={"description": "How often a desk should poll its "
                                                           "pick-up list (with If-None-Match)."})


class PickupListSchema(Schema):
    store_id = fields.String()
    total = fields.Integer()
    reservations = fields.List(fields.Nested(ReservationSchema))
    product_names = fields.Dict(keys=fields.String(), values=fields.String(),
                                metadata={"description": "The listed items' product names by sku."})


class DeskProductQuery(Schema):
    q = fields.String(required=True, validate=validate.Length(1, 100),
                      metadata={"description": "A sku, a GTIN or words of the product's name."})
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 50))


class DeskProductSchema(Schema):
    sku = fields.String()
    name = fields.String(allow_none=True)
    brand = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    gtin = fields.String(allow_none=True)
    price = fields.Float(allow_none=True)


class DeskProductListSchema(Schema):
    results = fields.List(fields.Nested(DeskProductSchema))
