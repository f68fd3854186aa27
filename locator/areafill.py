"""`locator setup` gives store and stock documents written before `area` existed their area.

Until then a search narrowed to areas (`locator.areas`) would not find them, so the service is
started after `locator setup`, as for any upgrade. Each document is updated with
compare-and-set, so a count, hold or store move written meanwhile is never overwritten: that
document is read again on the next pass.
"""

from __future__ import annotations

from elasticsearch import Elasticsearch, helpers

from locator.areas import area_of

PASSES = 5
MISSING_AREA = {"bool": {"must_not": {"exists": {"field": "area"}}}}


class AreaFillFailed(Exception):
    """Some documents could not be given their area."""


def fill_areas(es: Elasticsearch, index: str) -> int:
    """Give every document of `index` (an index or alias) without `area` its area; return how many."""
    filled = 0
    for _ in range(PASSES):
        actions = [
            {"_op_type": "update", "_index": hit["_index"], "_id": hit["_id"], "routing": hit.get("_routing"),
             "if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"],
             "doc": {"area": area_of(hit["_source"]["location"])}}
            for hit in helpers.scan(es, index=index, query={"query": MISSING_AREA}, size=2000,
                                    _source=["location"], seq_no_primary_term=True)
        ]
        if not actions:
            return filled
        refused = []
        for ok, item in helpers.streaming_bulk(es, actions, chunk_size=1000, raise_on_error=False):
            result = item["update"]
            if ok:
                filled += 1
            elif result.get("status") not in (404, 409):  # deleted or changed meanwhile: next pass
                refused.append(result)
        if refused:
            raise AreaFillFailed(f"{len(refused)} documents of {index} refused their area: "
                                 f"{refused[:2]}")
        es.indices.refresh(index=index)
    raise AreaFillFailed(f"documents of {index} kept changing: run `locator setup` again")
