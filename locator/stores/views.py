"""Stores near a point, and one store."""

from flask_smorest import Blueprint

blp = Blueprint("stores", __name__, url_prefix="/v1", description="Stores near a point")
