"""Schemas of the reservation endpoints (they feed the OpenAPI document)."""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from locator.reservations import states

MAX_ITEMS = 20
MAX_QTY = 99
_PHONE_NOISE = re.compile(r"[\s().\-/]")
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ItemSchema(Schema):
    sku = fields.String(required=True, validate=validate.Length(1, 64))
    qty = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_QTY))


def _name(value: str) -> None:
    if not value.strip():
        raise ValidationError("Give the customer's name.")
    if _CONTROL.search(value):
        raise ValidationError("The name contains control characters.")


def _phone(value: str) -> None:
    if not _PHONE.match(_PHONE_NOISE.sub("", value)):
        raise ValidationError("Not a phone number: 6 to 15 digits, optionally starting with +.")


class CustomerSchema(Schema):
    """Who collects: an e-mail address or a phone number (or both), and a name unless the
    reservation comes from an in-store kiosk, which asks for the contact only."""

    name = fields.String(load_default=None, allow_none=True, validate=[validate.Length(1, 100), _name])
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=32), _phone])

    @validates_schema
    def _contact(self, data: dict, **_kwargs) -> None:
        if not data.get("email") and not data.get("phone"):
            raise ValidationError("Give an e-mail address or a phone number.", "email")

    @post_load
    def _normalize(self, data: dict, **_kwargs) -> dict:
        if data.get("name") is not None:
            data["name"] = data["name"].strip()
        if data.get("email"):
            data["email"] = data["email"].strip()
        if data.get("phone"):
            data["phone"] = _PHONE_NOISE.sub("", data["phone"])
        return data


class ReservationCreateSchema(Schema):
    store_id = fields.String(required=True, validate=validate.Length(1, 64))
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=validate.Length(1, MAX_ITEMS),
                        metadata={"description": f"1 to {MAX_ITEMS} items, each sku once."})
    customer = fields.Nested(CustomerSchema, required=True)
    lang = fields.String(load_default="en", validate=validate.OneOf(("fr", "en")), metadata={
        "description": "The shopper's language (`fr` or `en`): the language of their emails."})

    @validates_schema
    def _unique_skus(self, data: dict, **_kwargs) -> None:
        skus = [item["sku"] for item in data.get("items", [])]
        if len(skus) != len(set(skus)):
            raise ValidationError("List each sku once, with its total quantity.", "items")


class ReservationSchema(Schema):
    id = fields.String()
    status = fields.String(validate=validate.OneOf(states.PUBLIC_STATUSES), metadata={
        "description": "held → ready → collected; held or ready → cancelled or expired. A hold past "
                       "`expires_at` reads `expired` at once, before any clean-up."})
    store_id = fields.String()
    items = fields.List(fields.Nested(ItemSchema))
    pickup_code = fields.String(metadata={"description": "6 characters, no 0/O or 1/I; unique among "
                                                         "the store's open reservations."})
    customer = fields.Nested(CustomerSchema, allow_none=True,
                             metadata={"description": "null once purged (`purge_days` after closing)."})
    created_at = fields.String()
    expires_at = fields.String()
    updated_at = fields.String(allow_none=True)
    ready_at = fields.String(allow_none=True)
    collected_at = fields.String(allow_none=True)
    closed_at = fields.String(allow_none=True)
    cancelled_by = fields.String(allow_none=True, metadata={"description": "`shopper` or `store`."})
    cancel_reason = fields.String(allow_none=True, metadata={"description": "The store's reason."})
    lang = fields.String(metadata={"description": "The shopper's language (`fr` or `en`)."})


class CreatedReservationSchema(ReservationSchema):
    token = fields.String(metadata={
        "description": "The shopper's reservation token: send it as `X-Reservation-Token` (or "
                       "`?token=`) with the publishable key to read or cancel. Not shown again."})


class ReservationListArgs(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(states.PUBLIC_STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000))


class ReservationListSchema(Schema):
    total = fields.Integer()
    reservations = fields.List(fields.Nested(ReservationSchema))


class TokenArgs(Schema):
    token = fields.String(load_default=None, metadata={
        "description": "The reservation token (prefer the `X-Reservation-Token` header)."})


CANCEL_REASONS = ("not_collected", "changed_mind", "unavailable", "other")


class CancelArgs(TokenArgs):
    reason = fields.String(load_default=None, validate=validate.OneOf(CANCEL_REASONS), metadata={
        "description": "Why the store cancels (ignored from the shopper): " + ", ".join(CANCEL_REASONS)})


class DeliveryArgs(Schema):
    status = fields.String(load_default=None,
                           validate=validate.OneOf(("pending", "delivered", "failed", "skipped")))
    channel = fields.String(load_default=None, validate=validate.OneOf(("webhook", "email")))
    reservation_id = fields.String(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))


class AttemptSchema(Schema):
    at = fields.String()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Float()
    truncated = fields.Boolean(metadata={"description": "The answer was longer than the byte cap."})


class DeliverySchema(Schema):
    id = fields.String()
    channel = fields.String(metadata={"description": "`webhook` or `email`."})
    event = fields.String()
    reservation_id = fields.String(allow_none=True)
    url = fields.String(allow_none=True, metadata={"description": "Webhooks: the receiver."})
    recipient = fields.String(allow_none=True, metadata={
        "description": "Emails: `shopper` or `store` (the address itself is never listed)."})
    template = fields.String(allow_none=True)
    lang = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "pending, delivered, failed, or skipped (an "
                                                    "email with no allowed time left or no address)."})
    attempt_count = fields.Integer()
    attempts = fields.List(fields.Nested(AttemptSchema))
    next_attempt_at = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()


class DeliveryListSchema(Schema):
    deliveries = fields.List(fields.Nested(DeliverySchema))
