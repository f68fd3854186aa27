"""Town, postcode or address to a point, for the search box.

The same geocoder as the indexer (`locator.geocoding.geocoder.get_geocoder`): offline gazetteers by default,
an online geopy service when configured; answers, found or not, are cached per worker.
"""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from marshmallow import fields, validate

from locator.errors import NotFound, ServiceUnavailable
from locator.geocoding.geocoder import GeocoderUnavailable, get_geocoder
from locator.http import responses
from locator.http.apidoc import ServiceBlueprint
from locator.http.auth import require_key

blp = ServiceBlueprint("geocoding", __name__, url_prefix="/v1", description="Geocoding for the search box")
GEOCODE_MAX_AGE = 86_400  # places do not move


class GeocodeQuery(ma.Schema):
    q = fields.String(required=True, validate=validate.Length(1, 200), metadata={
        "description": "Postcode, town or address, e.g. `75011 Paris`, `Lyon`, `10001`."})
    country = fields.String(validate=validate.Length(2, 60), metadata={
        "description": "ISO 3166-1 alpha-2 code or country name, to disambiguate. With `FR`, a five-digit "
                       "code is a French postcode; without a country it is a US ZIP code when one exists, "
                       "else a French postcode."})

    class Meta:
        unknown = ma.EXCLUDE


class PlaceSchema(ma.Schema):
    query = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    label = fields.String(metadata={"description": "What was found, for display."})
    precision = fields.String(metadata={"description": "`postcode`, `city` or `address`."})


@blp.route("/geocode")
@blp.arguments(GeocodeQuery, location="query")
@blp.response(200, PlaceSchema)
@blp.doc(responses={**responses.NOT_MODIFIED_DOC, **responses.problem_doc(404, "No place matches `q`.")})
@require_key()
def geocode(args: dict):
    """A postcode, town or address to a point and a label; 404 when nothing matches."""
    if not args["q"].strip():
        raise NotFound("Nothing to look up.")
    try:
        place = get_geocoder(current_app.config["LOCATOR"]).geocode(args["q"], args.get("country"))
    except GeocoderUnavailable as exc:
        raise ServiceUnavailable("The geocoding service cannot be reached; retry shortly.") from exc
    if place is None:
        raise NotFound(f"No place found for {args['q']!r}.")
    body = {"query": args["q"], "lat": place.lat, "lon": place.lon, "label": place.label,
            "precision": place.precision}
    return responses.read_response(body, max_age=GEOCODE_MAX_AGE)
