"""Click & reserve: holds, their life cycle and the store's pick-up list."""

from flask_smorest import Blueprint

blp = Blueprint("reservations", __name__, url_prefix="/v1", description="Click & reserve")
