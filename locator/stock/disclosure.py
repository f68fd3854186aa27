"""What a caller who may not see quantities can still learn about a store's stock.

A tenant that hides quantities (`expose_quantities=false`, publishable keys) lets a shopper learn
whether a store can supply up to `HIDDEN_QTY_CAP` units, the most the widget offers to reserve:
below the cap a shopper can tell the exact count by asking for 1, 2, 3 … units anyway (and the
`low_stock` level says as much), above it only "the cap or more". So every quantity such a caller
sees is clamped to the cap, and every question about more (`min_qty`, a basket line) is refused
rather than answered, since its yes or no would tell the count by bisection.
"""

from __future__ import annotations

from locator.errors import ValidationFailed

HIDDEN_QTY_CAP = 10


def disclosed_qty(available: int, show_qty: bool) -> int:
    """Return the available quantity as this caller may see it."""
    return available if show_qty else min(available, HIDDEN_QTY_CAP)


def check_asked_qty(field_name: str, qty: int, show_qty: bool) -> None:
    """Refuse a question about more units than this caller may learn of (400 on `field_name`)."""
    if not show_qty and qty > HIDDEN_QTY_CAP:
        message = (f"At most {HIDDEN_QTY_CAP} units can be asked for: this retailer does not "
                   "publish stock quantities.")
        raise ValidationFailed(message, errors={field_name: [message]})
