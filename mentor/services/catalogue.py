"""Reference data: school levels, STEM subjects and the standard programmes."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mentor.models import Programme, ProgrammeGoal, SchoolLevel, Subject
from mentor.models.enums import LevelGroup

#: (code, Danish name, English name, group)
SCHOOL_LEVELS: list[tuple[str, str, str, LevelGroup]] = [
    ("indskoling", "Indskoling (0.–3. kl.)", "Early primary (years 0–3)", LevelGroup.PRIMARY),
    ("mellemtrin", "Mellemtrin (4.–6. kl.)", "Middle years (4–6)", LevelGroup.PRIMARY),
    ("udskoling", "Udskoling (7.–10. kl.)", "Lower secondary (7–10)", LevelGroup.PRIMARY),
    ("stx", "STX", "STX (upper secondary)", LevelGroup.UPPER_SECONDARY),
    ("htx", "HTX", "HTX (technical upper secondary)", LevelGroup.UPPER_SECONDARY),
    ("hhx", "HHX", "HHX (commercial upper secondary)", LevelGroup.UPPER_SECONDARY),
    ("hf", "HF", "HF (higher preparatory)", LevelGroup.UPPER_SECONDARY),
    ("eud", "EUD", "EUD (vocational)", LevelGroup.VOCATIONAL),
    ("eux", "EUX", "EUX (vocational with upper secondary)", LevelGroup.VOCATIONAL),
]

#: (code, Danish name, English name, related codes)
SUBJECTS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("matematik", "Matematik", "Mathematics", ("fysik", "data_ai", "informatik")),
    ("fysik", "Fysik", "Physics", ("matematik", "kemi", "energi_klima")),
    ("kemi", "Kemi", "Chemistry", ("fysik", "biologi", "bioteknologi")),
    ("biologi", "Biologi", "Biology", ("kemi", "bioteknologi", "sundhed")),
    ("geografi", "Geografi", "Geography", ("energi_klima", "biologi")),
    ("natur_teknologi", "Natur/teknologi", "Science and technology", ("teknologi", "biologi")),
    ("teknologi", "Teknologi", "Technology", ("ingenioer", "produktion", "informatik")),
    (
        "informatik",
        "Informatik/programmering",
        "Computing/programming",
        ("data_ai", "it_sikkerhed", "matematik"),
    ),
    ("ingenioer", "Ingeniørfag", "Engineering", ("teknologi", "byggeri", "produktion")),
    ("byggeri", "Byggeri", "Construction", ("ingenioer", "energi_klima")),
    ("energi_klima", "Energi og klima", "Energy and climate", ("fysik", "geografi", "byggeri")),
    ("sundhed", "Sundhed", "Health", ("biologi", "bioteknologi")),
    ("bioteknologi", "Bioteknologi", "Biotechnology", ("biologi", "kemi", "sundhed")),
    ("data_ai", "Data og AI", "Data and AI", ("informatik", "matematik")),
    ("produktion", "Produktion", "Manufacturing", ("teknologi", "ingenioer")),
    ("it_sikkerhed", "It-sikkerhed", "Cyber security", ("informatik",)),
]


def ensure_reference_data(session: Session) -> None:
    """Insert the standard levels, subjects and programmes that are missing."""
    existing_levels = set(session.scalars(sa.select(SchoolLevel.code)))
    for order, (code, da, en, group) in enumerate(SCHOOL_LEVELS):
        if code not in existing_levels:
            session.add(
                SchoolLevel(code=code, name_da=da, name_en=en, group=group, sort_order=order)
            )

    subjects = {s.code: s for s in session.scalars(sa.select(Subject))}
    for code, da, en, _related in SUBJECTS:
        if code not in subjects:
            subjects[code] = Subject(code=code, name_da=da, name_en=en)
            session.add(subjects[code])
    for code, _da, _en, related in SUBJECTS:
        subject = subjects[code]
        if not subject.related:
            subject.related = [subjects[r] for r in related]

    programmes = set(session.scalars(sa.select(Programme.code)))
    if "KRAM" not in programmes:
        session.add(
            Programme(
                code="KRAM",
                name="KRAM – Kvindelige rollemodeller og ambassadører",
                description="Kvindelige rollemodeller fra STEM besøger klasser med fokus på piger.",
                women_only=True,
                allows_woman_required=True,
                proposal_deadline_days=7,
                cascade=True,
            )
        )
    if "BOOK" not in programmes:
        session.add(
            Programme(
                code="BOOK",
                name="Book en ekspert",
                description="Lærere booker en uddannet ekspert til klassen, fysisk eller virtuelt.",
                women_only=False,
                allows_woman_required=False,
                proposal_deadline_days=7,
                cascade=True,
            )
        )
    session.flush()


def add_standard_goals(
    session: Session,
    programme: Programme,
    year: int | None = None,
    *,
    period: tuple[date, date] | None = None,
) -> None:
    """Give KRAM its standard activity goals (16 grundskole and 16 stx classes).

    For demo data and tests: in the running service coordinators keep the goals
    (services.goals). The period is a calendar `year` or any `period`.
    """
    levels = {lv.code: lv for lv in session.scalars(sa.select(SchoolLevel))}
    if period is None:
        if year is None:
            raise ValueError("give a year or a period")
        period = (date(year, 1, 1), date(year, 12, 31))
    start, end = period
    session.add_all(
        [
            ProgrammeGoal(
                programme=programme,
                label="Grundskole",
                period_start=start,
                period_end=end,
                classes_goal=16,
                pupils_goal=320,
                levels=[levels[c] for c in ("indskoling", "mellemtrin", "udskoling")],
            ),
            ProgrammeGoal(
                programme=programme,
                label="STX",
                period_start=start,
                period_end=end,
                classes_goal=16,
                pupils_goal=448,
                levels=[levels["stx"]],
            ),
        ]
    )
    session.flush()
