"""Product and basket availability near a point."""

from flask_smorest import Blueprint

blp = Blueprint("availability", __name__, url_prefix="/v1", description="Product availability")
