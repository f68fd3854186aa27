"""Domain errors of reservations, answered as problem+json by the one error handler."""

from __future__ import annotations

from locator.errors import Conflict
from locator.stock import disclosure


class InsufficientStock(Conflict):
    """Some items are short: nothing was held. `items` lists `{sku, requested, available}`."""

    type_slug = "insufficient-stock"
    title = "Not enough stock"

    def disclosed(self, show_qty: bool) -> InsufficientStock:
        """Return this error as a caller who may or may not see quantities may read it."""
        if show_qty:
            return self
        items = [{**item, "available": disclosure.disclosed_qty(item["available"], False)}
                 for item in self.extra["items"]]
        listed = ", ".join(f"{i['sku']} ({i['requested']} asked)" for i in items)
        return InsufficientStock(f"Not enough stock for {listed}. Nothing was held.", items=items)


class InvalidTransition(Conflict):
    """The reservation's status does not allow this action."""

    type_slug = "invalid-transition"
    title = "Not allowed in this status"


class IdempotencyInProgress(Conflict):
    """A request with the same Idempotency-Key is still being processed."""

    type_slug = "idempotency-in-progress"
    title = "Request in progress"


class StoreClosed(Conflict):
    """The store is temporarily closed: it takes no reservations."""

    type_slug = "store-closed"
    title = "Store temporarily closed"


class TokenUnavailable(Conflict):
    """A replay cannot show its token: the secret that made it is no longer configured."""

    type_slug = "token-unavailable"
    title = "Token no longer available"
