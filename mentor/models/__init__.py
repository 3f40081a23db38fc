"""Typed SQLAlchemy models, grouped by subject."""

from mentor.models.audit import AuditEntry, SchedulerLease
from mentor.models.base import Base, utcnow
from mentor.models.catalogue import Programme, ProgrammeGoal, SchoolLevel, Subject
from mentor.models.mail import Notice, OutboxMail
from mentor.models.matching import Feedback, MatchingRun, Proposal, Visit
from mentor.models.requests import BookingRequest, DateWindow
from mentor.models.schools import School, TeacherProfile
from mentor.models.schoolyear import CalendarOverride
from mentor.models.users import User
from mentor.models.volunteers import (
    AvailabilityPeriod,
    BlackoutDate,
    TrainingRecord,
    VolunteerProfile,
)

__all__ = [
    "AuditEntry",
    "AvailabilityPeriod",
    "Base",
    "BlackoutDate",
    "BookingRequest",
    "CalendarOverride",
    "DateWindow",
    "Feedback",
    "MatchingRun",
    "Notice",
    "OutboxMail",
    "Programme",
    "ProgrammeGoal",
    "Proposal",
    "SchedulerLease",
    "School",
    "SchoolLevel",
    "Subject",
    "TeacherProfile",
    "TrainingRecord",
    "User",
    "Visit",
    "VolunteerProfile",
    "utcnow",
]
