"""Index set-up against the real node, including a create whose answer was lost."""

from __future__ import annotations

import dataclasses
import uuid

from locator import indices
from locator.es import index_name
from tests.faults import LostAnswer, lossy_client


def test_setup_survives_a_lost_answer_to_an_index_creation(es, config):
    """A busy cluster answers an index creation after the client's timeout; the client sends it
    again and meets the index its first request made. That is success, not an error."""
    fresh = dataclasses.replace(config, index_prefix=f"test-{uuid.uuid4().hex[:8]}")
    fault = LostAnswer("PUT", f"/{index_name(fresh, 'reservations')}-")
    client = lossy_client(fresh, fault)
    try:
        created = indices.ensure_all(client, fresh)
        assert fault.dropped.is_set()
        assert "reservations" in created and indices.missing(es, fresh) == []
        assert indices.ensure_all(client, fresh) == []  # idempotent
    finally:
        indices.delete_all(es, fresh)
        client.close()
