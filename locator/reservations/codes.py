"""Pick-up codes: short, unambiguous, unique among a store's open reservations.

The alphabet leaves out 0/O and 1/I, which people confuse when reading a code aloud or typing
it. Uniqueness is enforced by a claim document per (tenant, store, code) created with
`op_type=create`, so two concurrent reservations can never end up with the same code; the claim
is deleted when the reservation closes, and a claim left by a closed reservation is taken over.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from elasticsearch import ConflictError, Elasticsearch, NotFoundError

from locator.config import Config
from locator.es import index_name
from locator.reservations import states

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 6
MAX_TRIES = 20
_SEPARATORS = re.compile(r"[\s\-_.]")


def new_code() -> str:
    """Return a random code (32^6: about a billion codes per store)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(code: str) -> str | None:
    """Return the canonical form of a typed code (case and separators ignored), None if invalid."""
    code = _SEPARATORS.sub("", code).upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def claim_id(tenant: str, store_id: str, code: str) -> str:
    return f"{tenant}\x1f{store_id}\x1f{code}"


def claim(es: Elasticsearch, config: Config, tenant: str, store_id: str, reservation_id: str,
          now: datetime) -> str:
    """Reserve a code for this reservation at this store and return it."""
    alias = index_name(config, "pickup-codes")
    for _ in range(MAX_TRIES):
        code = new_code()
        doc = {"tenant": tenant, "store_id": store_id, "pickup_code": code,
               "reservation_id": reservation_id, "created_at": now.isoformat()}
        try:
            es.create(index=alias, id=claim_id(tenant, store_id, code), document=doc)
            return code
        except ConflictError:
            if _take_over(es, config, alias, claim_id(tenant, store_id, code), doc):
                return code
    raise RuntimeError("no free pick-up code found")  # practically impossible with 10^9 codes


def _take_over(es: Elasticsearch, config: Config, alias: str, doc_id: str, doc: dict) -> bool:
    """Take a claim whose reservation is closed or gone (its clean-up did not run)."""
    try:
        current = es.get(index=alias, id=doc_id)
    except NotFoundError:
        return False
    owner = current["_source"]["reservation_id"]
    if owner == doc["reservation_id"]:
        return True
    try:
        reservation = es.get(index=index_name(config, "reservations"), id=owner)["_source"]
        if reservation["status"] not in states.CLOSED:
            return False
    except NotFoundError:
        pass
    try:
        es.index(index=current["_index"], id=doc_id, document=doc,
                 if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
    except ConflictError:
        return False
    return True


def release(es: Elasticsearch, config: Config, tenant: str, store_id: str, code: str | None,
            reservation_id: str) -> None:
    """Free a code when its reservation closes (only if this reservation still owns it)."""
    if not code:
        return
    alias = index_name(config, "pickup-codes")
    doc_id = claim_id(tenant, store_id, code)
    try:
        current = es.get(index=alias, id=doc_id)
    except NotFoundError:
        return
    if current["_source"]["reservation_id"] != reservation_id:
        return
    try:
        es.delete(index=current["_index"], id=doc_id,
                  if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
    except (ConflictError, NotFoundError):
        pass


def lookup(es: Elasticsearch, config: Config, tenant: str, store_id: str, code: str) -> str | None:
    """Return the id of the reservation holding this code at this store, if any."""
    try:
        doc = es.get(index=index_name(config, "pickup-codes"), id=claim_id(tenant, store_id, code))
    except NotFoundError:
        return None
    return doc["_source"]["reservation_id"]
