"""The transition table and the status as of a moment (pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from locator.reservations import states

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ACTIONS = (states.READY_ACTION, states.COLLECT, states.CANCEL, states.EXPIRE)


@pytest.mark.parametrize("current", states.PUBLIC_STATUSES + (states.PENDING,))
@pytest.mark.parametrize("action", ACTIONS)
def test_only_the_listed_transitions_exist(current, action):
    allowed = {
        (states.HELD, states.READY_ACTION): states.READY,
        (states.READY, states.COLLECT): states.COLLECTED,
        (states.HELD, states.CANCEL): states.CANCELLED,
        (states.READY, states.CANCEL): states.CANCELLED,
        (states.HELD, states.EXPIRE): states.EXPIRED,
        (states.READY, states.EXPIRE): states.EXPIRED,
    }
    assert states.next_status(current, action) == allowed.get((current, action))


def test_closed_statuses_go_nowhere():
    for status in states.CLOSED:
        assert all(states.next_status(status, a) is None for a in ACTIONS)


def test_an_open_reservation_past_its_expiry_reads_expired():
    doc = {"status": states.READY, "expires_at": NOW.isoformat()}
    assert states.effective_status(doc, NOW - timedelta(microseconds=1)) == states.READY
    assert states.effective_status(doc, NOW) == states.EXPIRED
    assert states.effective_status({**doc, "status": states.COLLECTED}, NOW) == states.COLLECTED
