"""HTTP details shared by the read endpoints: JSON or GeoJSON bodies, ETag, Cache-Control.

Views build plain dicts (documented by their marshmallow schemas) and hand them here, so the
serialisation cost is one `orjson.dumps`, and every read answers the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import orjson
from flask import Response, current_app, g, request
from flask_smorest import Blueprint

GEOJSON = "application/geo+json"
JSON = "application/json"
F = TypeVar("F", bound=Callable)


def problem_doc(status: int, description: str) -> dict:
    """Return an OpenAPI `responses` entry for a problem+json answer (for `@blp.doc`)."""
    return {str(status): {"description": description, "content": {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"}}}}}


NOT_MODIFIED_DOC = {"304": {"description": "Not modified: the `If-None-Match` ETag still matches."}}
GEOJSON_SCHEMA = {"type": "object", "description": "RFC 7946 FeatureCollection: one Point Feature "
                  "per store, the store as `properties`; sent for `Accept: application/geo+json`."}


def listing_doc(blp: Blueprint) -> Callable[[F], F]:
    """Document a listing answered by `listing_response`: GeoJSON beside JSON, and 304."""
    geojson = blp.alt_response(200, schema=GEOJSON_SCHEMA, content_type=GEOJSON, success=True,
                               description="OK")
    not_modified = blp.doc(responses=NOT_MODIFIED_DOC)
    return lambda view: geojson(not_modified(view))


def clock_now() -> datetime:
    """Return the current time; tests pin it with `app.config["CLOCK"] = lambda: <datetime>`."""
    clock = current_app.config.get("CLOCK")
    return clock() if clock else datetime.now(UTC)


def wants_geojson() -> bool:
    """Return True when the client prefers an RFC 7946 FeatureCollection."""
    if "geo+json" not in request.headers.get("Accept", "").lower():
        return False  # most requests: no need to parse the Accept header
    best = request.accept_mimetypes.best_match([JSON, GEOJSON])
    return best == GEOJSON and request.accept_mimetypes[GEOJSON] > request.accept_mimetypes[JSON]


def feature_collection(results: list[dict], location_of: Callable[[dict], dict],
                       extra: dict | None = None) -> dict:
    """Return listing results as an RFC 7946 FeatureCollection (positions are [lon, lat])."""
    features = []
    for item in results:
        location = location_of(item)
        features.append({
            "type": "Feature",
            "id": item.get("id") or item.get("store", {}).get("id"),
            "geometry": {"type": "Point", "coordinates": [location["lon"], location["lat"]]},
            "properties": item,
        })
    collection: dict = {"type": "FeatureCollection", "features": features}
    if extra:
        collection.update(extra)
    return collection


def read_response(body: dict, *, max_age: int, mimetype: str = JSON) -> Response:
    """Answer a read: JSON body, strong ETag (304 on a match), short-lived caching.

    Answers depend on the key (tenant, quantities) and on Accept, hence Vary; a secret key's
    answer is private to its holder.
    """
    data = orjson.dumps(body, default=str, option=orjson.OPT_NON_STR_KEYS)
    response = Response(data, mimetype=mimetype)
    response.set_etag(hashlib.blake2b(data, digest_size=16).hexdigest())
    key = getattr(g, "api_key", None)
    private = key is not None and key.is_staff
    response.headers["Cache-Control"] = f"{'private' if private else 'public'}, max-age={max_age}"
    response.headers["Vary"] = "X-Api-Key, Accept, Origin"
    # Only a conditional request can be answered 304; werkzeug's check costs a few percent of
    # a listing's time (Range and date handling), so it runs only then.
    if "If-None-Match" in request.headers:
        return response.make_conditional(request)
    return response


def listing_response(body: dict, results_key: str, location_of: Callable[[dict], dict], *,
                     max_age: int) -> Response:
    """Answer a listing as JSON, or as GeoJSON when the client asks for it."""
    if wants_geojson():
        extra = {k: v for k, v in body.items() if k != results_key}
        return read_response(feature_collection(body[results_key], location_of, extra),
                             max_age=max_age, mimetype=GEOJSON)
    return read_response(body, max_age=max_age)
