"""Row validation (marshmallow): one schema per kind, fed the fields a reader found.

Values arrive as text (CSV) or JSON values; surrounding spaces are trimmed and an empty optional
value counts as absent. What a schema returns is clean: typed values, ids trimmed, hours in
OpenStreetMap syntax, services as a list of slugs. Coordinates may still be missing on a store
(the loader geocodes it), and its time zone is resolved once the coordinates are known.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import (
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from indexer.hours import HoursError, normalize_hours
from locator.cache import MISSING, Cache
from locator.fields import Coordinate, Id, Lower, RowSchema, Text
from locator.geocoding.geocoder import country_code
from locator.stock.schemas import StockRowSchema
from locator.text import fold

STORE_STATUSES = ("open", "temporarily_closed", "removed")
_SLUG = re.compile(r"[^0-9a-z]+")


def service_slug(name: str) -> str:
    """Return a service name as a slug (`Geek Squad Services` -> `geek_squad_services`)."""
    return _SLUG.sub("_", fold(name)).strip("_")


class StoreRowSchema(RowSchema):
    """A store row; `lat`/`lon` both or neither (missing ones are geocoded from the address)."""

    store_id = Id(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=300))
    street = Text(load_default="")
    postcode = Text(load_default="", validate=validate.Length(max=20))
    city = Text(load_default="")
    country = Text(load_default="")
    lat = Coordinate(load_default=None, validate=validate.Range(-90, 90, error="must be between -90 and 90"))
    lon = Coordinate(load_default=None,
                     validate=validate.Range(-180, 180, error="must be between -180 and 180"))
    phone = Text(load_default="")
    notify_email = Text(load_default="", validate=validate.Email(error="must be an email address"))
    timezone = Text(load_default="")
    opening_hours = fields.Raw(load_default="")
    services = fields.Raw(load_default=list)
    status = Lower(load_default="open", validate=validate.OneOf(STORE_STATUSES))

    @validates_schema
    def _check(self, data: dict, **kwargs) -> None:
        errors: dict[str, list[str]] = {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            missing = "lon" if data.get("lon") is None else "lat"
            errors[missing] = ["lat and lon go together: give both or neither"]
        if data.get("country") and country_code(data["country"]) is None:
            errors["country"] = [f"unknown country {data['country']!r} (ISO 3166 code, e.g. FR)"]
        # The time zone is checked once the coordinates are known (a file's or the geocoder's):
        # a value that is no IANA zone then gives way to theirs (indexer.timezones.resolve_zone).
        hours = data.get("opening_hours")
        if hours:
            if not isinstance(hours, str):
                errors["opening_hours"] = ["must be text in OpenStreetMap opening_hours syntax"]
            else:
                try:
                    normalize_hours(hours)
                except HoursError as exc:
                    errors["opening_hours"] = [str(exc)]
        services = data.get("services")
        if not isinstance(services, str | list) or any(not isinstance(s, str) for s in
                                                       (services if isinstance(services, list) else [])):
            errors["services"] = ["must be names separated by | (or a JSON list of names)"]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _finish(self, data: dict, **kwargs) -> dict:
        if data.get("country"):
            data["country"] = country_code(data["country"])
        if data.get("opening_hours"):
            data["opening_hours"] = normalize_hours(data["opening_hours"])
        services = data.get("services") or []
        names = services.split("|") if isinstance(services, str) else services
        data["services"] = sorted({service_slug(s) for s in names if service_slug(s)})
        return data


class ProductRowSchema(RowSchema):
    """A product row."""

    sku = Id(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=500))
    brand = Text(load_default="")
    category = Text(load_default="")
    gtin = Text(load_default="", validate=validate.Regexp(r"^(\d{8}|\d{12}|\d{13}|\d{14})$",
                                                         error="must be 8, 12, 13 or 14 digits"))
    price = fields.Float(load_default=None, allow_nan=False,
                         validate=validate.Range(min=0, error="must be 0 or more"))

    @validates_schema
    def _check(self, data: dict, **kwargs) -> None:
        gtin = data.get("gtin")
        if gtin and not gtin_check_digit_ok(gtin):
            raise ValidationError({"gtin": [f"check digit of {gtin} is wrong"]})


def gtin_check_digit_ok(gtin: str) -> bool:
    """Return True when the last digit of a GTIN-8/12/13/14 matches the others."""
    digits = [int(d) for d in gtin]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


SCHEMAS: dict[str, type[RowSchema]] = {
    "stores": StoreRowSchema,
    "products": ProductRowSchema,
    "stock": StockRowSchema,
}


def all_errors(messages: Any) -> list[tuple[str, str]]:
    """Return every (field, reason) of a marshmallow error dict, in field order."""
    found: list[tuple[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            for _field, reason in all_errors(value):
                found.append((key if key != "_schema" else "", reason))
    elif isinstance(messages, list):
        for item in messages:
            found.extend(all_errors(item) if not isinstance(item, str) else [("", item)])
    else:
        found.append(("", str(messages)))
    return found


class StockRowLoader:
    """Load stock rows with StockRowSchema, validating each distinct value once.

    Stock files repeat the same store ids, skus, quantities and count times millions of times.
    Each distinct value of a field goes through that marshmallow field once (the outcome is kept);
    a row whose fields are all known-good is assembled from those outcomes, and any other row
    (a bad or missing value) is loaded by the full schema, which gives the exact messages. The
    result is the schema's own, row for row: only the repeated work is skipped.
    """

    FIELDS = ("store_id", "sku", "on_hand", "as_of", "availability")
    MAX_REMEMBERED = 500_000

    def __init__(self) -> None:
        self.schema = StockRowSchema()
        # One-field schemas with the same fields and the same trimming as the full schema.
        self._single = {name: RowSchema.from_dict({name: StockRowSchema._declared_fields[name]})()
                        for name in self.FIELDS}
        self._known: Cache[tuple[str, type, Any], Any] = Cache(self.MAX_REMEMBERED)

    def load(self, data: dict) -> dict:
        """Return the clean row; raise ValidationError exactly as StockRowSchema().load would."""
        known = self._known
        clean = {}
        for name in self.FIELDS:
            raw = data.get(name)
            # The type is part of the key: True == 1 in Python, not in a quantity.
            key = (name, type(raw), raw)
            try:
                value = known.get(key)
            except TypeError:  # a list or an object where a value belongs
                return self.schema.load(data)
            if value is MISSING:
                value = self._check(name, raw)
                known.put(key, value)
            if value is _BAD:
                return self.schema.load(data)
            clean[name] = value
        return clean

    def _check(self, name: str, raw: Any) -> Any:
        try:
            value = self._single[name].load({name: raw} if raw is not None else {})[name]
        except (ValidationError, KeyError, TypeError):
            return _BAD
        # A missing quantity is decided by the whole row (out_of_stock or not): the full schema.
        return _BAD if name == "on_hand" and value is None else value


_BAD = object()
