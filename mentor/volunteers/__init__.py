"""The volunteers blueprint; its routes live in the modules imported at the bottom."""

from flask import Blueprint

bp = Blueprint("volunteers", __name__, url_prefix="/frivillig")

from mentor.volunteers import home, profile  # noqa: E402,F401,I001
from mentor.volunteers import proposals  # noqa: E402,F401
from mentor.volunteers import feedback  # noqa: E402,F401
from mentor.volunteers import record  # noqa: E402,F401
