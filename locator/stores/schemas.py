"""Request and response schemas of the store endpoints (they feed the OpenAPI document)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

MAX_RADIUS_KM = 500.0
DEFAULT_RADIUS_KM = 25.0
MAX_LIMIT = 100
DEFAULT_LIMIT = 10

def lat_field(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-90, 90), allow_nan=False,
                        metadata={"description": "Latitude, WGS 84 (decimal degrees)."}, **kwargs)


def lon_field(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-180, 180), allow_nan=False,
                        metadata={"description": "Longitude, WGS 84 (decimal degrees)."}, **kwargs)


def radius_field() -> fields.Float:
    return fields.Float(
        validate=validate.Range(min=0, max=MAX_RADIUS_KM, min_inclusive=False), allow_nan=False,
        metadata={"description": f"Search radius in km (great circle), at most {MAX_RADIUS_KM:g}; "
                                 f"default {DEFAULT_RADIUS_KM:g}."})


def limit_field() -> fields.Integer:
    return fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT),
                          metadata={"description": f"Page size, at most {MAX_LIMIT}."})


def cursor_field() -> fields.String:
    return fields.String(validate=validate.Length(max=2000),
                         metadata={"description": "`next_cursor` of the previous page."})


class ServicesField(fields.List):
    """A list given as repeated parameters or comma-separated (`services=a,b`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [value]
        split = [part.strip() for item in value for part in str(item).split(",") if part.strip()]
        return super()._deserialize(split, attr, data, **kwargs)


def services_field() -> ServicesField:
    return ServicesField(fields.String(validate=validate.Length(1, 100)), load_default=list,
                         validate=validate.Length(max=20),
                         metadata={"description": "Services the store must all offer "
                                                  "(repeat the parameter or separate with commas)."})


class BBoxField(fields.String):
    """`minLon,minLat,maxLon,maxLat`, loaded as a tuple of four floats."""

    def _deserialize(self, value, attr, data, **kwargs):
        return parse_bbox(super()._deserialize(value, attr, data, **kwargs))


class StoreListQuery(ma.Schema):
    lat = lat_field()
    lon = lon_field()
    radius_km = radius_field()
    limit = limit_field()
    cursor = cursor_field()
    open_now = fields.Boolean(load_default=False,
                              metadata={"description": "Only stores open now, in their own time zone."})
    services = services_field()
    q = fields.String(validate=validate.Length(1, 200),
                      metadata={"description": "Store name, town or postcode; accents and case "
                                               "are ignored, the last word may be a prefix."})
    bbox = BBoxField(metadata={"description": "Map viewport `minLon,minLat,maxLon,maxLat`; "
                                              "minLon > maxLon crosses the antimeridian."})

    @ma.validates_schema
    def _point_together(self, data, **kwargs):
        if ("lat" in data) != ("lon" in data):
            raise ma.ValidationError("Give both lat and lon, or neither.", "lat" if "lon" in data else "lon")
        if "lat" not in data and "bbox" not in data and "q" not in data:
            raise ma.ValidationError("Give lat and lon (or bbox, or q).", "lat")

    class Meta:
        unknown = ma.EXCLUDE


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """Parse `minLon,minLat,maxLon,maxLat` or raise a ValidationError on `bbox`."""
    parts = raw.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or any(v != v for v in values):
        raise ma.ValidationError("bbox must be four numbers: minLon,minLat,maxLon,maxLat.")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise ma.ValidationError("bbox longitudes must be within [-180, 180].")
    if not (-90 <= min_lat <= max_lat <= 90):
        raise ma.ValidationError("bbox latitudes must be within [-90, 90], min first.")
    return values  # type: ignore[return-value]


class PolygonSearchBody(ma.Schema):
    polygon = fields.Dict(required=True, metadata={
        "description": "GeoJSON Polygon or MultiPolygon ([lon, lat] positions), or a Feature "
                       "holding one. Self-intersections and ring orientation are repaired."})
    lat = lat_field()
    lon = lon_field()
    limit = limit_field()
    cursor = cursor_field()
    open_now = fields.Boolean(load_default=False)
    services = fields.List(fields.String(validate=validate.Length(1, 100)), load_default=list,
                           validate=validate.Length(max=20))
    q = fields.String(validate=validate.Length(1, 200))

    @ma.validates_schema
    def _point_together(self, data, **kwargs):
        if ("lat" in data) != ("lon" in data):
            raise ma.ValidationError("Give both lat and lon, or neither.", "lat" if "lon" in data else "lon")


class StoreQuery(ma.Schema):
    lat = lat_field()
    lon = lon_field()

    @ma.validates_schema
    def _point_together(self, data, **kwargs):
        if ("lat" in data) != ("lon" in data):
            raise ma.ValidationError("Give both lat and lon, or neither.", "lat")

    class Meta:
        unknown = ma.EXCLUDE


class AddressSchema(ma.Schema):
    street = fields.String()
    postcode = fields.String()
    city = fields.String()
    country = fields.String(metadata={"description": "ISO 3166-1 alpha-2."})


class LocationSchema(ma.Schema):
    lat = fields.Float()
    lon = fields.Float()


class IntervalSchema(ma.Schema):
    opens = fields.String(metadata={"example": "10:00"})
    closes = fields.String(metadata={"description": "`24:00` when open past midnight.",
                                     "example": "20:00"})


class NextChangeSchema(ma.Schema):
    at = fields.String(metadata={"description": "ISO 8601 time with the store's UTC offset."})
    state = fields.String(metadata={"description": "`open`, `closed` or `unknown` from then on."})


class StoreSchema(ma.Schema):
    id = fields.String()
    name = fields.String()
    address = fields.Nested(AddressSchema)
    location = fields.Nested(LocationSchema)
    distance_km = fields.Float(allow_none=True, metadata={
        "description": "Great-circle distance from the requested point; null without one."})
    phone = fields.String(allow_none=True)
    timezone = fields.String(allow_none=True, metadata={"description": "IANA time zone."})
    status = fields.String(metadata={"description": "`open` or `temporarily_closed`."})
    temporarily_closed = fields.Boolean()
    open_now = fields.Boolean(allow_none=True, metadata={
        "description": "Open at this instant in the store's time zone; null when its hours are "
                       "unknown or unparsable; false when temporarily closed."})
    opening_hours = fields.String(allow_none=True, metadata={"description": "OpenStreetMap syntax."})
    hours_today = fields.List(fields.Nested(IntervalSchema), allow_none=True, metadata={
        "description": "Today's opening intervals in local time (empty: closed today)."})
    next_change = fields.Nested(NextChangeSchema, allow_none=True, metadata={
        "description": "Next opening or closing time; null when none within a year."})
    services = fields.List(fields.String())


class StoreListSchema(ma.Schema):
    results = fields.List(fields.Nested(StoreSchema))
    next_cursor = fields.String(allow_none=True, metadata={
        "description": "Pass as `cursor` for the next page; null on the last page."})
