"""Request and response schemas of the alert endpoints (they feed the OpenAPI document)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, fields, validate

from locator.stores.schemas import lat_field, lon_field

MAX_RADIUS_KM = 500  # as the search radius


class AlertCreateSchema(ma.Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    sku = fields.String(required=True, validate=validate.Length(1, 200))
    store_id = fields.String(validate=validate.Length(1, 200), metadata={
        "description": "One store; or give `lat`, `lon` and `radius_km` for any store nearby."})
    lat = lat_field()
    lon = lon_field()
    radius_km = fields.Float(validate=validate.Range(1, MAX_RADIUS_KM), metadata={
        "description": f"Any of the 20 nearest stores within this radius (1–{MAX_RADIUS_KM} km)."})
    consent = fields.Boolean(required=True, metadata={
        "description": "The shopper agreed to be emailed about this product: must be true."})
    lang = fields.String(load_default="fr", validate=validate.OneOf(["fr", "en"]))

    class Meta:
        unknown = ma.RAISE

    @ma.validates_schema
    def _place(self, data, **kwargs):
        if data.get("consent") is not True:
            raise ValidationError("The shopper's consent is needed to send an alert.", "consent")
        nearby = [data.get(k) is not None for k in ("lat", "lon", "radius_km")]
        if data.get("store_id") is not None and any(nearby):
            raise ValidationError("Give either store_id or lat, lon and radius_km, not both.", "store_id")
        if data.get("store_id") is None and not all(nearby):
            raise ValidationError("Give a store_id, or lat, lon and radius_km.", "store_id")


class TokenSchema(ma.Schema):
    token = fields.String(required=True, validate=validate.Length(16, 200))

    class Meta:
        unknown = ma.RAISE


class AlertSchema(ma.Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "`pending` (until confirmed by the link in the "
                                                    "email), `active`, `sent`, `cancelled` or `expired`."})
    sku = fields.String()
    store_ids = fields.List(fields.String(), metadata={"description": "Stores watched, nearest first."})
    radius_km = fields.Float(allow_none=True)
    created_at = fields.String()
    confirmed_at = fields.String(allow_none=True)
    expires_at = fields.String()
    ended_at = fields.String(allow_none=True)
