"""The stock row (file rows and `PUT /v1/stock` alike), and the batch in and results out of the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from locator.fields import AwareDateTime, Id, Quantity, RowSchema, Text

MAX_BATCH_ROWS = 1000
RESULTS = ("applied", "unchanged", "stale", "rejected")
MAX_ON_HAND = 100_000_000
OUT_OF_STOCK_VALUES = {"out_of_stock", "out of stock", "outofstock"}
# A count is never from the future: beyond this margin for clock drift it is a till sending local
# time marked Z, or a typo in the year, which would make every later count stale forever.
AS_OF_FUTURE_TOLERANCE = timedelta(minutes=5)


def check_not_in_the_future(as_of: datetime) -> None:
    """Refuse a count time later than now plus `AS_OF_FUTURE_TOLERANCE`."""
    if as_of > datetime.now(UTC) + AS_OF_FUTURE_TOLERANCE:
        minutes = int(AS_OF_FUTURE_TOLERANCE.total_seconds() // 60)
        raise ValidationError(f"in the future (more than {minutes} minutes ahead of now): local time "
                              "sent with a wrong offset, or a typo in the date?")


class StockRowSchema(RowSchema):
    """One count from a store system or a stock file: `on_hand` units at `as_of`.

    A Google local inventory feed's `availability: out_of_stock` may stand in for `on_hand: 0`.
    """

    store_id = Id(required=True)
    sku = Id(required=True)
    on_hand = Quantity(load_default=None, validate=validate.Range(0, MAX_ON_HAND), metadata={
        "description": "Units physically in the store at `as_of`."})
    as_of = AwareDateTime(required=True, validate=check_not_in_the_future, metadata={
        "description": "When the count was taken (ISO 8601 with offset), at most 5 minutes ahead "
                       "of the service's clock. Older than the stored count: the row is `stale` "
                       "and ignored."})
    availability = Text(load_default="", metadata={
        "description": "Optional; `out_of_stock` stands for `on_hand: 0` when no quantity is sent."})

    @validates_schema(skip_on_field_errors=False)
    def _check(self, data: dict, **kwargs) -> None:
        if data.get("on_hand") is None and data.get("availability", "").lower() not in OUT_OF_STOCK_VALUES:
            raise ValidationError({"on_hand": ["missing (a quantity is needed unless out_of_stock)"]})

    @post_load
    def _finish(self, data: dict, **kwargs) -> dict:
        if data.get("on_hand") is None:
            data["on_hand"] = 0
        return data


@dataclass(frozen=True)
class InvalidRow:
    """A row that failed validation; it is answered as `rejected`, the others still apply."""

    messages: dict
    raw: object


class _RowField(fields.Nested):
    """A nested row whose validation errors stay with the row instead of failing the batch."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        try:
            return super()._deserialize(value, attr, data, partial=partial, **kwargs)
        except ValidationError as exc:
            messages = exc.messages if isinstance(exc.messages, dict) else {"_row": exc.messages}
            return InvalidRow(messages, value)


class StockBatchSchema(Schema):
    """Up to 1,000 counts; each row is applied, unchanged, stale or rejected on its own."""

    rows = fields.List(_RowField(StockRowSchema), required=True,
                       validate=validate.Length(1, MAX_BATCH_ROWS),
                       metadata={"description": f"1 to {MAX_BATCH_ROWS} counts."})


class StockBatchArgs(Schema):
    wait_for_visible = fields.Boolean(load_default=False, metadata={
        "description": "Answer only once searches see the applied rows (at most about one "
                       "second later); by default the answer comes as soon as the rows are "
                       "durable, and searches see them within the refresh interval (1 s)."})


class StockRowResultSchema(Schema):
    index = fields.Integer(metadata={"description": "Position of the row in the batch."})
    store_id = fields.String(allow_none=True)
    sku = fields.String(allow_none=True)
    result = fields.String(validate=validate.OneOf(RESULTS), metadata={
        "description": "`applied` (durably stored), `unchanged` (this count is already stored), "
                       "`stale` (older than the stored count, ignored) or `rejected` (see reason)."})
    outcome = fields.String(allow_none=True, metadata={
        "description": "For applied rows: `created` or `updated`."})
    reason = fields.String(allow_none=True)
    errors = fields.Dict(allow_none=True, metadata={"description": "Per-field problems of a row."})


class StockBatchResultSchema(Schema):
    results = fields.List(fields.Nested(StockRowResultSchema))
    summary = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Rows per result."})
