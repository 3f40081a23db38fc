"""The admin blueprint: programmes, coordinators, users and deletion on request."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from mentor.admin import routes  # noqa: E402,F401,I001
from mentor.admin import users  # noqa: E402,F401
