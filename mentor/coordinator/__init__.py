"""The coordinator blueprint; its routes live in the modules imported at the bottom."""

from flask import Blueprint

bp = Blueprint("coordinator", __name__, url_prefix="/koordinator")

from mentor.coordinator import home, lists, volunteer_admin  # noqa: E402,F401,I001
from mentor.coordinator import runs  # noqa: E402,F401
from mentor.coordinator import impact  # noqa: E402,F401
from mentor.coordinator import goals, people, schools_admin  # noqa: E402,F401
from mentor.coordinator import teachers  # noqa: E402,F401
from mentor.coordinator import school_calendar  # noqa: E402,F401
