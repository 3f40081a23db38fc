"""Schools: found by name and postcode, or added with their geography."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor import geo
from mentor.models import School
from mentor.models.enums import SchoolType
from mentor.services.errors import DomainError
from mentor.services.text import clean_text


def find_or_create_school(
    session: Session, *, name: str, school_type: SchoolType, postcode: str, address: str = ""
) -> School:
    """Return the school with this name at this postcode, adding it when it is new."""
    name = clean_text(name, 160)
    if len(name) < 3 or sum(char.isalpha() for char in name) < 2:
        raise DomainError(_("Skriv skolens navn."), field="school_name")
    try:
        place = geo.lookup(postcode)
    except geo.UnknownPostcode as exc:
        raise DomainError(
            _("%(postcode)s er ikke et dansk postnummer.", postcode=postcode),
            field="school_postcode",
        ) from exc
    school = session.scalar(
        sa.select(School).where(
            sa.func.lower(School.name) == name.lower(), School.postcode == place.postcode
        )
    )
    if school is not None:
        return school
    school = School(
        name=name,
        school_type=school_type,
        address=address.strip(),
        postcode=place.postcode,
        municipality_code=place.municipality_code,
        region_code=place.region_code,
        latitude=place.latitude,
        longitude=place.longitude,
    )
    session.add(school)
    session.flush()
    return school
