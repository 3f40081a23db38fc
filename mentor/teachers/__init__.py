"""The teachers blueprint; its routes live in the modules imported at the bottom."""

from flask import Blueprint

bp = Blueprint("teachers", __name__, url_prefix="/laerer")

from mentor.teachers import (  # noqa: E402,F401
    colleagues,
    feedback,
    home,
    requests,
)
