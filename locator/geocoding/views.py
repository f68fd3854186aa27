"""Town, postcode or address to a point, for the search box."""

from flask_smorest import Blueprint

blp = Blueprint("geocoding", __name__, url_prefix="/v1", description="Geocoding for the search box")
