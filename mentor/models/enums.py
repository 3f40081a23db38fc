"""Closed vocabularies of the domain, stored as their string values."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    VOLUNTEER = "volunteer"
    TEACHER = "teacher"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Gender(enum.StrEnum):
    WOMAN = "woman"
    MAN = "man"
    NONBINARY = "nonbinary"
    UNDISCLOSED = "undisclosed"


class RoleModelKind(enum.StrEnum):
    PROFESSIONAL = "professional"
    STUDENT = "student"
    APPRENTICE = "apprentice"
    YOUNG_AMBASSADOR = "young_ambassador"


class VolunteerStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class SchoolMembership(enum.StrEnum):
    """A teacher's standing at her school: vouched for by a colleague or a coordinator."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class TrainingKind(enum.StrEnum):
    AUDIENCE = "audience"  # målgruppeforståelse
    STORY = "story"  # den gode historie
    PRESENTATION = "presentation"  # præsentationsteknik
    VIRTUAL = "virtual"  # virtuel formidling


class LevelGroup(enum.StrEnum):
    PRIMARY = "grundskole"
    UPPER_SECONDARY = "gymnasial"
    VOCATIONAL = "erhverv"


class SchoolType(enum.StrEnum):
    FOLKESKOLE = "folkeskole"
    FRISKOLE = "friskole"  # friskole or privatskole
    EFTERSKOLE = "efterskole"
    GYMNASIUM = "gymnasium"  # stx, htx, hhx, hf
    ERHVERVSSKOLE = "erhvervsskole"  # EUD, EUX
    OTHER = "other"


class VisitFormat(enum.StrEnum):
    PHYSICAL = "physical"
    VIRTUAL = "virtual"


class RequestFormat(enum.StrEnum):
    PHYSICAL = "physical"
    VIRTUAL = "virtual"
    EITHER = "either"


class GenderFocus(enum.StrEnum):
    NONE = "none"
    WOMAN_PREFERRED = "woman_preferred"
    WOMAN_REQUIRED = "woman_required"


class RequestStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    UNMATCHED = "unmatched"


#: Allowed request status transitions; everything else is refused by the services.
REQUEST_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.SUBMITTED: frozenset(
        {
            RequestStatus.PROPOSED,
            RequestStatus.CANCELLED,
            RequestStatus.UNMATCHED,
            RequestStatus.CONFIRMED,
        }
    ),
    RequestStatus.UNMATCHED: frozenset(
        {
            RequestStatus.PROPOSED,
            RequestStatus.CANCELLED,
            RequestStatus.SUBMITTED,
            RequestStatus.CONFIRMED,
        }
    ),
    RequestStatus.PROPOSED: frozenset(
        {
            RequestStatus.CONFIRMED,
            RequestStatus.SUBMITTED,
            RequestStatus.UNMATCHED,
            RequestStatus.CANCELLED,
        }
    ),
    RequestStatus.CONFIRMED: frozenset({RequestStatus.COMPLETED, RequestStatus.CANCELLED}),
    RequestStatus.COMPLETED: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
}


class RunStatus(enum.StrEnum):
    PREVIEW = "preview"
    COMMITTED = "committed"
    DISCARDED = "discarded"


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class VisitStatus(enum.StrEnum):
    PLANNED = "planned"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class FeedbackAuthor(enum.StrEnum):
    TEACHER = "teacher"
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class GoalMeasure(enum.StrEnum):
    """What a goal is graded on: pupils reached, or classes visited."""

    PUPILS = "pupils"
    CLASSES = "classes"


class BulkAudience(enum.StrEnum):
    VOLUNTEERS = "volunteers"
    TEACHERS = "teachers"
