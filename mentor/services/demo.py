"""Deterministic demo data in Danish, so a newcomer sees a living system."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from mentor import geo
from mentor.models import (
    AvailabilityPeriod,
    BookingRequest,
    DateWindow,
    Programme,
    School,
    SchoolLevel,
    Subject,
    TeacherProfile,
    TrainingRecord,
    User,
    VolunteerProfile,
)
from mentor.models.enums import (
    Gender,
    GenderFocus,
    RequestFormat,
    Role,
    RoleModelKind,
    SchoolMembership,
    SchoolType,
    TrainingKind,
    VolunteerStatus,
)
from mentor.schoolyear import default_calendar
from mentor.services.catalogue import add_standard_goals, ensure_reference_data

#: The demo accounts' shared password, printed by `flask demo seed`; demo data only.
DEMO_PASSWORD = "rollemodel-demo"
DEMO_DOMAIN = "demo.rollemodel.dk"

WOMEN = [
    "Anna",
    "Sofie",
    "Laura",
    "Emma",
    "Ida",
    "Freja",
    "Maja",
    "Mathilde",
    "Signe",
    "Camilla",
    "Line",
    "Mette",
    "Louise",
    "Sara",
    "Nanna",
    "Julie",
    "Cecilie",
    "Amalie",
    "Astrid",
    "Karen",
    "Hanne",
    "Rikke",
    "Maria",
    "Fatima",
    "Yasmin",
    "Zeynep",
]
MEN = [
    "Mads",
    "Rasmus",
    "Jonas",
    "Frederik",
    "Mikkel",
    "Emil",
    "Lucas",
    "Oliver",
    "Anders",
    "Søren",
    "Jens",
    "Peter",
    "Henrik",
    "Ahmad",
    "Ali",
    "Thomas",
    "Kasper",
    "Nikolaj",
]
SURNAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Johansen",
    "Knudsen",
    "Mortensen",
    "Møller",
    "Yilmaz",
    "Holm",
]
EMPLOYERS = [
    "Novo Nordisk",
    "Vestas",
    "Grundfos",
    "DTU",
    "Aarhus Universitet",
    "Aalborg Universitet",
    "Syddansk Universitet",
    "Københavns Universitet",
    "Ørsted",
    "LEGO",
    "Danfoss",
    "Rambøll",
    "COWI",
    "NIRAS",
    "Netcompany",
    "Systematic",
    "Terma",
    "Arla",
    "Carlsberg",
    "Region Midtjylland",
    "Energinet",
    "Coloplast",
]
JOBS = [
    "ingeniør",
    "dataanalytiker",
    "softwareudvikler",
    "laborant",
    "biokemiker",
    "projektleder",
    "elektriker",
    "maskinmester",
    "geolog",
    "fysiker",
    "matematiker",
    "it-sikkerhedsspecialist",
    "byggeleder",
    "klimarådgiver",
    "sygeplejerske",
]
STUDIES = [
    "civilingeniør (studerende)",
    "datalogi (studerende)",
    "molekylærbiologi (studerende)",
    "fysik (studerende)",
    "nanoteknologi (studerende)",
]
TOPICS = [
    "Hvordan bliver man ingeniør?",
    "Klima og energi i hverdagen",
    "Programmering og kunstig intelligens",
    "Fra laboratorium til medicin",
    "Matematik i virkeligheden",
    "Byggeri og bæredygtighed",
    "Hvad laver en forsker?",
]
#: Larger towns per region, so schools and volunteers cluster like the population does.
TOWNS = {
    1081: ["9000", "9800", "9900", "7700", "9400", "9600", "9500"],
    1082: ["8000", "8200", "8900", "7400", "8600", "8700", "7500", "8800"],
    1083: ["5000", "6000", "6700", "7100", "6400", "5700", "7000", "6200"],
    1084: ["1050", "2100", "2200", "2300", "2400", "2800", "3400", "3000", "3700", "2750"],
    1085: ["4000", "4700", "4200", "4300", "4600", "4800", "4100"],
}
REGION_WEIGHTS = {1081: 10, 1082: 23, 1083: 21, 1084: 32, 1085: 14}


@dataclass(frozen=True)
class SeedCounts:
    volunteers: int
    teachers: int
    schools: int
    requests: int


def already_seeded(session: Session) -> bool:
    return session.scalar(sa.select(sa.func.count(User.id))) != 0


def seed_demo(
    session: Session,
    *,
    seed: int = 2026,
    volunteers: int = 300,
    schools: int = 40,
    requests: int = 120,
    today: date | None = None,
) -> SeedCounts:
    """Fill an empty database with a deterministic demo data set."""
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    now = datetime.combine(today, time(8), tzinfo=UTC)
    ensure_reference_data(session)
    password_hash = generate_password_hash(DEMO_PASSWORD)

    programmes = {p.code: p for p in session.scalars(sa.select(Programme))}
    levels = list(session.scalars(sa.select(SchoolLevel).order_by(SchoolLevel.sort_order)))
    levels_by_code = {lv.code: lv for lv in levels}
    subjects = list(session.scalars(sa.select(Subject).order_by(Subject.code)))
    if not programmes["KRAM"].goals:
        add_standard_goals(session, programmes["KRAM"], today.year)

    def new_user(email: str, role: Role, name: str) -> User:
        user = User(
            email=email,
            role=role,
            full_name=name,
            password_hash=password_hash,
            email_verified_at=now,
            consent_version="2026-1",
            consent_at=now,
            password_changed_at=now,
            created_at=now,
        )
        session.add(user)
        return user

    new_user(f"admin@{DEMO_DOMAIN}", Role.ADMIN, "Administrator")
    coordinator = new_user(f"koordinator@{DEMO_DOMAIN}", Role.COORDINATOR, "Karen Koordinator")
    coordinator.coordinated_programmes = list(programmes.values())

    def pick_postcode() -> str:
        region = rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()))[0]
        return rng.choice(TOWNS[region])

    school_rows: list[School] = []
    used_names: set[tuple[str, str]] = set()
    for _ in range(schools):
        postcode = pick_postcode()
        place = geo.lookup(postcode)
        kind = rng.choice(
            [
                SchoolType.FOLKESKOLE,
                SchoolType.FOLKESKOLE,
                SchoolType.GYMNASIUM,
                SchoolType.FRISKOLE,
                SchoolType.ERHVERVSSKOLE,
            ]
        )
        base = place.name.split(" ")[0]
        suffix = {
            SchoolType.FOLKESKOLE: "Skole",
            SchoolType.FRISKOLE: "Friskole",
            SchoolType.GYMNASIUM: "Gymnasium",
            SchoolType.ERHVERVSSKOLE: "Tekniske Skole",
            SchoolType.OTHER: "Skole",
        }[kind]
        name = f"{base} {suffix}"
        n = 2
        while (name, postcode) in used_names:
            # Five quarters first, then numbers: large seeds have many schools per town.
            quarter = ["Nord", "Syd", "Øst", "Vest", "Midt"]
            name = f"{base} {quarter[n - 2]} {suffix}" if n < 7 else f"{base} {suffix} {n - 5}"
            n += 1
        used_names.add((name, postcode))
        jitter_lat, jitter_lon = rng.uniform(-0.03, 0.03), rng.uniform(-0.05, 0.05)
        school = School(
            name=name,
            school_type=kind,
            postcode=postcode,
            address=f"Skolevej {rng.randint(1, 80)}",
            municipality_code=place.municipality_code,
            region_code=place.region_code,
            latitude=place.latitude + jitter_lat,
            longitude=place.longitude + jitter_lon,
            outlying=rng.random() < 0.2,
            created_at=now,
        )
        session.add(school)
        school_rows.append(school)

    teacher_rows: list[User] = []
    for i, school in enumerate(school_rows):
        first = rng.choice(WOMEN + MEN)
        teacher = new_user(
            f"laerer{i + 1:03d}@{DEMO_DOMAIN}", Role.TEACHER, f"{first} {rng.choice(SURNAMES)}"
        )
        teacher.teacher_profile = TeacherProfile(
            school=school, membership=SchoolMembership.APPROVED
        )
        teacher_rows.append(teacher)

    term_end = today + timedelta(days=180)
    for i in range(volunteers):
        woman = rng.random() < 0.6
        first = rng.choice(WOMEN if woman else MEN)
        user = new_user(
            f"frivillig{i + 1:03d}@{DEMO_DOMAIN}", Role.VOLUNTEER, f"{first} {rng.choice(SURNAMES)}"
        )
        user.phone = (
            f"+45 {rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}"
        )
        place = geo.lookup(pick_postcode())
        kind = rng.choices(list(RoleModelKind), weights=[60, 25, 10, 5])[0]
        student = kind in (RoleModelKind.STUDENT, RoleModelKind.YOUNG_AMBASSADOR)
        approved = rng.random() < 0.85
        profile = VolunteerProfile(
            gender=Gender.WOMAN if woman else Gender.MAN,
            pronoun="hun" if woman else "han",
            kind=kind,
            education=rng.choice(STUDIES)
            if student
            else "Kandidat i "
            + rng.choice(
                ["fysik", "kemi", "datalogi", "biologi", "matematik", "ingeniørvidenskab"]
            ),
            job_title="studerende" if student else rng.choice(JOBS),
            employer=rng.choice(EMPLOYERS),
            story="Jeg blev nysgerrig på naturvidenskab i udskolingen, og nu arbejder jeg med "
            "det hver dag.",
            languages=["da", "en"] if rng.random() < 0.5 else ["da"],
            postcode=place.postcode,
            municipality_code=place.municipality_code,
            region_code=place.region_code,
            latitude=place.latitude + rng.uniform(-0.02, 0.02),
            longitude=place.longitude + rng.uniform(-0.03, 0.03),
            travel_radius_km=rng.choice([15, 25, 40, 60, 80]),
            virtual_ok=rng.random() < 0.4,
            weekdays=sorted(rng.sample(range(5), rng.randint(2, 5))),
            visits_per_term=rng.choice([1, 2, 2, 3, 4]),
            status=VolunteerStatus.APPROVED if approved else VolunteerStatus.PENDING,
            approved_at=now if approved else None,
            created_at=now,
        )
        profile.subjects = rng.sample(subjects, rng.randint(1, 4))
        profile.levels = rng.sample(levels, rng.randint(2, 5))
        profile.programmes = [programmes["BOOK"]] + ([programmes["KRAM"]] if woman else [])
        if rng.random() < 0.3:
            profile.periods = [AvailabilityPeriod(date_from=today, date_to=term_end)]
        if approved:
            kinds = [TrainingKind.AUDIENCE, TrainingKind.STORY, TrainingKind.PRESENTATION]
            if profile.virtual_ok:
                kinds.append(TrainingKind.VIRTUAL)
            profile.trainings = [
                TrainingRecord(kind=k, completed_on=today - timedelta(days=30)) for k in kinds
            ]
        user.volunteer_profile = profile

    for _ in range(requests):
        teacher = rng.choice(teacher_rows)
        assert teacher.teacher_profile is not None
        school = teacher.teacher_profile.school
        programme = programmes["KRAM"] if rng.random() < 0.45 else programmes["BOOK"]
        if school.school_type == SchoolType.GYMNASIUM:
            level_code = rng.choice(["stx", "stx", "htx", "hhx", "hf"])
        elif school.school_type == SchoolType.ERHVERVSSKOLE:
            level_code = rng.choice(["eud", "eux"])
        else:
            level_code = rng.choice(["indskoling", "mellemtrin", "udskoling"])
        level = levels_by_code[level_code]
        pupils = rng.randint(16, 30)
        primary, *others = rng.sample(subjects, rng.randint(1, 3))
        focus = GenderFocus.NONE
        if programme.code == "KRAM":
            focus = rng.choice([GenderFocus.WOMAN_PREFERRED, GenderFocus.WOMAN_REQUIRED])
        request = BookingRequest(
            programme=programme,
            school=school,
            teacher=teacher,
            level=level,
            class_name=f"{rng.randint(1, 9)}.{rng.choice('abc')}",
            pupils=pupils,
            girls=rng.randint(0, pupils) if rng.random() < 0.6 else None,
            primary_subject=primary,
            other_subjects=others,
            topic=rng.choice(TOPICS),
            format=rng.choices(list(RequestFormat), weights=[50, 15, 35])[0],
            gender_focus=focus,
            grey_zone=rng.random() < 0.2,
            priority=1 if school.outlying else 0,
            created_at=now,
        )
        first_day = today + timedelta(days=rng.randint(21, 120))
        calendar = default_calendar(school.municipality_code)
        for w in range(rng.randint(1, 3)):
            day = first_day + timedelta(days=7 * w)
            # Only days the school is open: no weekends, holidays or school holidays.
            while not calendar.is_open(day):
                day += timedelta(days=1)
            if any(window.day == day for window in request.windows):
                continue
            start_hour = rng.choice([8, 9, 10, 12])
            request.windows.append(
                DateWindow(day=day, start_time=time(start_hour), end_time=time(start_hour + 2))
            )
        session.add(request)

    session.flush()
    return SeedCounts(
        volunteers=volunteers,
        teachers=len(teacher_rows),
        schools=len(school_rows),
        requests=requests,
    )
