"""Schools: found by name and postcode or added with their geography, edited, merged.

The rules, in one place:

- A school's municipality and region come from its postcode; its outlying flag from
  Danmarks Statistik's municipality groups (mentor.geo.groups), unless a coordinator
  overrode it for this school with a written reason.
- Any coordinator may correct any school (schools are public institutions); every
  change is audited with the values before and after.
- Merging a duplicate moves its teachers and bookings to the school that stays, so no
  booking, visit or figure is lost, then removes the duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor import geo
from mentor.geo.groups import group_name, is_outlying
from mentor.models import BookingRequest, School, TeacherProfile, User
from mentor.models.base import utcnow
from mentor.models.enums import Role, SchoolType
from mentor.services import audit
from mentor.services.errors import DomainError, NotAllowed
from mentor.services.text import clean_text

#: A written reason is required to override the official classification.
MIN_REASON = 5


@dataclass(frozen=True)
class SchoolData:
    """What a coordinator edits on a school."""

    name: str
    school_type: SchoolType
    address: str
    postcode: str
    city: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Classification:
    """Whether a school counts as outlying, and why."""

    outlying: bool
    #: Danmarks Statistik's group of the school's municipality, e.g. "Landkommuner".
    official_group: str
    official_outlying: bool
    #: The coordinator's reason when the flag differs from the data's on purpose.
    override_reason: str | None


def _clean(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def _place(postcode: str, field: str) -> geo.Place:
    try:
        return geo.lookup(postcode)
    except geo.UnknownPostcode as exc:
        raise DomainError(
            _("%(postcode)s er ikke et dansk postnummer.", postcode=postcode), field=field
        ) from exc


def find_or_create_school(
    session: Session,
    *,
    name: str,
    school_type: SchoolType,
    postcode: str,
    address: str = "",
    city: str = "",
    phone: str = "",
) -> School:
    """Return the school with this name at this postcode, adding it when it is new."""
    name = clean_text(name, 160)
    if len(name) < 3 or sum(char.isalpha() for char in name) < 2:
        raise DomainError(_("Skriv skolens navn."), field="school_name")
    place = _place(postcode, "school_postcode")
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
        address=_clean(address, 160),
        postcode=place.postcode,
        city=_clean(city, 80) or place.name,
        phone=_clean(phone, 32),
        municipality_code=place.municipality_code,
        region_code=place.region_code,
        latitude=place.latitude,
        longitude=place.longitude,
        outlying=is_outlying(place.municipality_code),
    )
    session.add(school)
    session.flush()
    return school


def classification(school: School) -> Classification:
    official = is_outlying(school.municipality_code)
    return Classification(
        outlying=school.outlying,
        official_group=group_name(school.municipality_code),
        official_outlying=official,
        override_reason=school.outlying_reason,
    )


def full_address(school: School) -> str:
    """Street, postcode and city on one line, leaving out what is missing."""
    town = " ".join(p for p in (school.postcode, school.city) if p)
    return ", ".join(p for p in (school.address, town) if p)


def teacher_contact(request: BookingRequest) -> str:
    """The booking teacher's name and phone (the school's phone if she gave none).

    Teachers are told when they book that the matched role model sees these.
    """
    teacher = request.teacher
    phone = (teacher.phone if teacher is not None else None) or request.school.phone
    name = teacher.full_name if teacher is not None else ""
    return ", ".join(p for p in (name, _("tlf. %(phone)s", phone=phone) if phone else "") if p)


def _require_staff(actor: User) -> None:
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotAllowed(_("Kun koordinatorer kan gøre dette."))


def _snapshot(school: School) -> dict[str, Any]:
    return {
        "name": school.name,
        "school_type": school.school_type.value,
        "address": school.address,
        "postcode": school.postcode,
        "city": school.city,
        "phone": school.phone,
        "outlying": school.outlying,
        "outlying_reason": school.outlying_reason,
    }


def update_school(
    session: Session, actor: User, school: School, data: SchoolData, now: datetime | None = None
) -> School:
    """Correct a school's details; a new postcode moves it, and may change its class."""
    now = now or utcnow()
    _require_staff(actor)
    name = _clean(data.name, 160)
    if len(name) < 3:
        raise DomainError(_("Skriv skolens navn."), field="name")
    place = _place(data.postcode.strip(), "postcode")
    clash = session.scalar(
        sa.select(School.id).where(
            sa.func.lower(School.name) == name.lower(),
            School.postcode == place.postcode,
            School.id != school.id,
        )
    )
    if clash is not None:
        raise DomainError(
            _("Der findes allerede en skole med det navn i postnummeret. Slå dem sammen i stedet."),
            field="name",
        )
    before = _snapshot(school)
    school.name = name
    school.school_type = data.school_type
    school.address = _clean(data.address, 160)
    school.phone = _clean(data.phone, 32)
    if school.postcode != place.postcode:
        school.postcode = place.postcode
        school.municipality_code = place.municipality_code
        school.region_code = place.region_code
        school.latitude = place.latitude
        school.longitude = place.longitude
        if school.outlying_reason is None:
            school.outlying = is_outlying(place.municipality_code)
    school.city = _clean(data.city, 80) or place.name
    session.flush()
    after = _snapshot(school)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit.record(
            session, actor, "school_updated", "school", school.id, now=now, changes=changes
        )
    return school


def set_outlying(
    session: Session,
    actor: User,
    school: School,
    outlying: bool | None,
    reason: str = "",
    now: datetime | None = None,
) -> School:
    """Override the school's outlying flag with a reason, or (None) follow the data again."""
    now = now or utcnow()
    _require_staff(actor)
    before = _snapshot(school)
    if outlying is None:
        school.outlying = is_outlying(school.municipality_code)
        school.outlying_reason = None
    else:
        reason = _clean(reason, 300)
        if len(reason) < MIN_REASON:
            raise DomainError(
                _("Skriv hvorfor skolen skal klassificeres anderledes end Danmarks Statistik."),
                field="reason",
            )
        school.outlying = outlying
        school.outlying_reason = reason
    after = _snapshot(school)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit.record(
            session, actor, "school_outlying_set", "school", school.id, now=now, changes=changes
        )
    return school


def merge_schools(
    session: Session, actor: User, keep: School, duplicate: School, now: datetime | None = None
) -> School:
    """Move the duplicate's teachers and bookings to `keep`, then remove the duplicate."""
    now = now or utcnow()
    _require_staff(actor)
    if keep.id == duplicate.id:
        raise DomainError(_("Vælg en anden skole end den, du slår sammen."), field="other_id")
    # Fill in what the kept school lacks from the duplicate.
    for field_name in ("address", "phone"):
        if not getattr(keep, field_name) and getattr(duplicate, field_name):
            setattr(keep, field_name, getattr(duplicate, field_name))
    details = {
        "merged_school": duplicate.id,
        "merged_name": duplicate.name,
        "merged_postcode": duplicate.postcode,
    }
    session.flush()
    # Plain statements: the rows move in the database whatever the session has loaded.
    moved_requests = session.execute(
        sa.update(BookingRequest)
        .where(BookingRequest.school_id == duplicate.id)
        .values(school_id=keep.id)
    ).rowcount
    moved_teachers = session.execute(
        sa.update(TeacherProfile)
        .where(TeacherProfile.school_id == duplicate.id)
        .values(school_id=keep.id)
    ).rowcount
    session.execute(sa.delete(School).where(School.id == duplicate.id))
    session.expunge(duplicate)
    # Loaded bookings and teachers still point at the duplicate; read them again.
    session.expire_all()
    audit.record(
        session,
        actor,
        "school_merged",
        "school",
        keep.id,
        now=now,
        requests_moved=int(moved_requests or 0),
        teachers_moved=int(moved_teachers or 0),
        **details,
    )
    session.flush()
    return keep


def search_schools(
    session: Session, q: str, *, exclude: int | None = None, limit: int = 20
) -> list[School]:
    """Schools whose name, postcode or city contains the text (for choosing a merge)."""
    text = _clean(q, 100)
    stmt = sa.select(School).order_by(School.name, School.postcode).limit(limit)
    if text:
        like = f"%{text.lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(School.name).like(like),
                School.postcode.like(like),
                sa.func.lower(School.city).like(like),
            )
        )
    if exclude is not None:
        stmt = stmt.where(School.id != exclude)
    return list(session.scalars(stmt))
