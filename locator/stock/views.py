"""Real-time stock updates from store systems."""

from flask_smorest import Blueprint

blp = Blueprint("stock", __name__, url_prefix="/v1", description="Stock updates")
