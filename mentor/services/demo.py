"""Deterministic demo data in Danish, so a newcomer sees a living system."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from mentor import geo
from mentor.geo.groups import is_outlying
from mentor.models import (
    AvailabilityPeriod,
    BookingRequest,
    DateWindow,
    Feedback,
    Notice,
    Programme,
    Proposal,
    School,
    SchoolLevel,
    Subject,
    TeacherProfile,
    TrainingRecord,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.enums import (
    FeedbackAuthor,
    Gender,
    GenderFocus,
    ProposalStatus,
    RequestFormat,
    RequestStatus,
    Role,
    RoleModelKind,
    SchoolMembership,
    SchoolType,
    TrainingKind,
    VisitFormat,
    VisitStatus,
    VolunteerStatus,
)
from mentor.privacy import CONSENT_VERSION
from mentor.schoolyear import default_calendar
from mentor.services.catalogue import add_standard_goals, ensure_reference_data
from mentor.services.goals import school_year
from mentor.services.matching import COPENHAGEN

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


#: Teachers' comments after a visit, as they tend to read.
TEACHER_COMMENTS = [
    "Eleverne var meget optagede og stillede mange spørgsmål.",
    "Godt med konkrete eksempler fra hverdagen på arbejdet.",
    "Flere af pigerne fortalte bagefter, at de nu kunne se sig selv i faget.",
    "Lidt for langt oplæg til indskolingen, men rigtig god stemning.",
    "Rollemodellen var godt forberedt og havde ting med, eleverne kunne røre ved.",
    "",
]
VOLUNTEER_COMMENTS = [
    "Dejlig klasse, og læreren havde forberedt dem godt.",
    "Svært at få kontakt med de bagerste rækker, men gode spørgsmål til sidst.",
    "Tak for en god oplevelse – jeg kommer gerne igen.",
    "",
]
#: Why the demo's one unmatched booking was left over: nobody near enough.
UNMATCHED_REACH_KM = 74.0


@dataclass(frozen=True)
class SeedCounts:
    volunteers: int
    teachers: int
    schools: int
    requests: int
    past_visits: int = 0


def already_seeded(session: Session) -> bool:
    return session.scalar(sa.select(sa.func.count(User.id))) != 0


def class_name_for(rng: random.Random, level_code: str) -> str:
    """A class name that fits the level: 2.b in indskoling, 8.a in udskoling, 1.x in stx."""
    if level_code == "indskoling":
        return f"{rng.randint(0, 3)}.{rng.choice('abc')}"
    if level_code == "mellemtrin":
        return f"{rng.randint(4, 6)}.{rng.choice('abc')}"
    if level_code == "udskoling":
        return f"{rng.randint(7, 9)}.{rng.choice('abc')}"
    if level_code == "hf":
        return f"{rng.randint(1, 2)}.{rng.choice('hjk')}"
    if level_code in ("stx", "htx", "hhx"):
        return f"{rng.randint(1, 3)}.{rng.choice('abcdefgx')}"
    return f"Grundforløb {rng.randint(1, 2)}"


def _level_for(rng: random.Random, school: School) -> str:
    if school.school_type == SchoolType.GYMNASIUM:
        return rng.choice(["stx", "stx", "htx", "hhx", "hf"])
    if school.school_type == SchoolType.ERHVERVSSKOLE:
        return rng.choice(["eud", "eux"])
    return rng.choice(["indskoling", "mellemtrin", "udskoling"])


def _school_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def seed_demo(
    session: Session,
    *,
    seed: int = 2026,
    volunteers: int = 300,
    schools: int = 40,
    requests: int = 120,
    past_visits: int = 120,
    today: date | None = None,
) -> SeedCounts:
    """Fill an empty database with a deterministic demo data set that shows the product.

    Sign-ups and bookings are spread over the past months; `past_visits` completed visits
    with feedback fill the last year (the impact figures, the map and the role models'
    records); of the `requests` open bookings some wait for an answer, a few are
    confirmed, and one was left unmatched with its reason.
    """
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
        # Last school year's goals and this one's (1 August - 31 July), as coordinators set them.
        this_year = school_year(today)[0].year
        for first in (this_year - 1, this_year):
            add_standard_goals(
                session, programmes["KRAM"], period=(date(first, 8, 1), date(first + 1, 7, 31))
            )

    def days_ago(low: int, high: int) -> datetime:
        return now - timedelta(days=rng.randint(low, high), hours=rng.randint(0, 9))

    def new_user(email: str, role: Role, name: str, created_at: datetime = now) -> User:
        user = User(
            email=email,
            role=role,
            full_name=name,
            password_hash=password_hash,
            email_verified_at=created_at,
            consent_version=CONSENT_VERSION,
            consent_at=created_at,
            password_changed_at=created_at,
            created_at=created_at,
            last_login_at=now - timedelta(days=rng.randint(0, 20)),
        )
        user.last_active_at = user.last_login_at
        session.add(user)
        return user

    new_user(f"admin@{DEMO_DOMAIN}", Role.ADMIN, "Administrator", now - timedelta(days=600))
    coordinator = new_user(
        f"koordinator@{DEMO_DOMAIN}", Role.COORDINATOR, "Karen Koordinator", now - timedelta(600)
    )
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
            city=place.name,
            outlying=is_outlying(place.municipality_code),
            created_at=days_ago(380, 720),
        )
        session.add(school)
        school_rows.append(school)

    teacher_rows: list[User] = []
    for i, school in enumerate(school_rows):
        first = rng.choice(WOMEN + MEN)
        teacher = new_user(
            f"laerer{i + 1:03d}@{DEMO_DOMAIN}",
            Role.TEACHER,
            f"{first} {rng.choice(SURNAMES)}",
            school.created_at,
        )
        teacher.teacher_profile = TeacherProfile(
            school=school, membership=SchoolMembership.APPROVED
        )
        teacher_rows.append(teacher)

    term_end = today + timedelta(days=180)
    profiles: list[VolunteerProfile] = []
    for i in range(volunteers):
        # The first role model is the one the README logs in as: an approved woman in
        # both programmes, keen on virtual talks but without that course yet.
        showcase = i == 0
        woman = showcase or rng.random() < 0.6
        first = rng.choice(WOMEN if woman else MEN)
        approved = showcase or rng.random() < 0.85
        # Approved role models signed up over the last year and a half; those still
        # waiting for a coordinator signed up in the last weeks.
        created = days_ago(60, 540) if approved else days_ago(1, 40)
        user = new_user(
            f"frivillig{i + 1:03d}@{DEMO_DOMAIN}",
            Role.VOLUNTEER,
            f"{first} {rng.choice(SURNAMES)}",
            created,
        )
        user.phone = (
            f"+45 {rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}"
        )
        place = geo.lookup(pick_postcode())
        kind = rng.choices(list(RoleModelKind), weights=[60, 25, 10, 5])[0]
        student = kind in (RoleModelKind.STUDENT, RoleModelKind.YOUNG_AMBASSADOR)
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
            virtual_ok=showcase or rng.random() < 0.4,
            weekdays=sorted(rng.sample(range(5), rng.randint(2, 5))),
            visits_per_term=4 if showcase else rng.choice([1, 2, 2, 3, 4]),
            status=VolunteerStatus.APPROVED if approved else VolunteerStatus.PENDING,
            approved_at=created + timedelta(days=rng.randint(2, 14)) if approved else None,
            created_at=created,
        )
        profile.subjects = rng.sample(subjects, rng.randint(1, 4))
        profile.levels = rng.sample(levels, rng.randint(2, 5))
        profile.programmes = [programmes["BOOK"]] + ([programmes["KRAM"]] if woman else [])
        if rng.random() < 0.3:
            profile.periods = [AvailabilityPeriod(date_from=today, date_to=term_end)]
        if approved:
            kinds = [TrainingKind.AUDIENCE, TrainingKind.STORY, TrainingKind.PRESENTATION]
            if profile.virtual_ok and not showcase:
                kinds.append(TrainingKind.VIRTUAL)
            trained_on = (profile.approved_at or created).date() + timedelta(days=10)
            profile.trainings = [
                TrainingRecord(kind=k, completed_on=min(trained_on, today)) for k in kinds
            ]
        user.volunteer_profile = profile
        profiles.append(profile)

    approved_by_programme = {
        code: [p for p in profiles if p.status == VolunteerStatus.APPROVED and prog in p.programmes]
        for code, prog in programmes.items()
    }

    def new_request(
        teacher: User, created_at: datetime, first_day: date, status: RequestStatus
    ) -> BookingRequest:
        assert teacher.teacher_profile is not None
        school = teacher.teacher_profile.school
        programme = programmes["KRAM"] if rng.random() < 0.45 else programmes["BOOK"]
        level_code = _level_for(rng, school)
        pupils = rng.randint(16, 30)
        primary, *others = rng.sample(subjects, rng.randint(1, 3))
        focus = GenderFocus.NONE
        if programme.code == "KRAM":
            focus = rng.choice([GenderFocus.WOMAN_PREFERRED, GenderFocus.WOMAN_REQUIRED])
        request = BookingRequest(
            programme=programme,
            school=school,
            teacher=teacher,
            level=levels_by_code[level_code],
            class_name=class_name_for(rng, level_code),
            pupils=pupils,
            girls=rng.randint(pupils // 4, pupils * 3 // 4) if rng.random() < 0.6 else None,
            primary_subject=primary,
            other_subjects=others,
            topic=rng.choice(TOPICS),
            format=rng.choices(list(RequestFormat), weights=[50, 15, 35])[0],
            gender_focus=focus,
            grey_zone=rng.random() < 0.2,
            status=status,
            created_at=created_at,
            updated_at=created_at,
        )
        calendar = default_calendar(school.municipality_code)
        past = status == RequestStatus.COMPLETED
        for w in range(1 if past else rng.randint(1, 3)):
            day = first_day + timedelta(days=7 * w)
            # Only days the school is open: no weekends, holidays or school holidays (a
            # visit that took place moves back, so it stays in the past).
            while not calendar.is_open(day):
                day += timedelta(days=-1 if past else 1)
            if any(window.day == day for window in request.windows):
                continue
            start_hour = rng.choice([8, 9, 10, 12])
            request.windows.append(
                DateWindow(day=day, start_time=time(start_hour), end_time=time(start_hour + 2))
            )
        session.add(request)
        return request

    def volunteer_for(request: BookingRequest, showcase_first: bool = False) -> VolunteerProfile:
        pool = approved_by_programme[request.programme.code]
        if showcase_first and profiles[0] in pool:
            return profiles[0]
        return rng.choice(pool)

    def visit_for(
        request: BookingRequest, volunteer: VolunteerProfile, status: VisitStatus, at: datetime
    ) -> Visit:
        window = request.windows[0]
        proposal = Proposal(
            request=request,
            volunteer=volunteer,
            window=window,
            format=VisitFormat.VIRTUAL
            if request.format == RequestFormat.VIRTUAL
            else VisitFormat.PHYSICAL,
            status=ProposalStatus.ACCEPTED,
            created_at=at,
            expires_at=at + timedelta(days=7),
            responded_at=at + timedelta(days=rng.randint(0, 4)),
        )
        starts = datetime.combine(window.day, window.start_time, tzinfo=COPENHAGEN)
        visit = Visit(
            request=request,
            volunteer=volunteer,
            programme_id=request.programme.id,
            format=proposal.format,
            starts_at=starts.astimezone(UTC),
            ends_at=(starts + timedelta(hours=2)).astimezone(UTC),
            status=status,
            volunteer_gender=volunteer.gender.value,
            volunteer_kind=volunteer.kind.value,
            created_at=proposal.responded_at or at,
        )
        session.add_all([proposal, visit])
        return visit

    # A year of visits that took place, confirmed by the teacher, mostly with feedback.
    for i in range(past_visits):
        teacher = rng.choice(teacher_rows)
        visit_day = _school_day(today - timedelta(days=rng.randint(7, 360)))
        booked = datetime.combine(visit_day, time(9), tzinfo=UTC) - timedelta(
            days=rng.randint(20, 60)
        )
        request = new_request(teacher, booked, visit_day, RequestStatus.COMPLETED)
        session.flush()
        volunteer = volunteer_for(request, showcase_first=i % 15 == 0)
        happened = rng.random() < 0.95
        visit = visit_for(
            request,
            volunteer,
            VisitStatus.COMPLETED if happened else VisitStatus.NO_SHOW,
            booked + timedelta(days=5),
        )
        confirmed = visit.ends_at + timedelta(days=rng.randint(0, 6))
        visit.confirmed_at = confirmed
        if not happened:
            visit.cancelled_by = "volunteer"
            request.status = RequestStatus.CANCELLED
        pupils = max(1, request.pupils - rng.randint(0, 3)) if happened else None
        girls = (
            min(pupils, request.girls)
            if happened and pupils is not None and request.girls is not None
            else None
        )
        visit.pupils_reached, visit.girls_reached = pupils, girls
        visit.feedback.append(
            Feedback(
                author_role=FeedbackAuthor.TEACHER,
                author_id=teacher.id,
                happened=happened,
                pupils=pupils,
                girls=girls,
                rating=rng.choice([4, 5, 5, 4, 3]) if happened else None,
                comment=rng.choice(TEACHER_COMMENTS) if happened else "",
                created_at=confirmed,
            )
        )
        if happened and rng.random() < 0.7:
            visit.feedback.append(
                Feedback(
                    author_role=FeedbackAuthor.VOLUNTEER,
                    author_id=volunteer.user.id,
                    happened=True,
                    pupils=pupils,
                    rating=rng.choice([4, 5, 5, 3]),
                    comment=rng.choice(VOLUNTEER_COMMENTS),
                    created_at=visit.ends_at + timedelta(hours=rng.randint(2, 48)),
                )
            )

    # The open bookings: most wait for the next matching run, some wait for a role
    # model's answer, a few are confirmed, and one was left unmatched.
    open_requests = []
    for _ in range(requests):
        teacher = rng.choice(teacher_rows)
        first_day = today + timedelta(days=rng.randint(21, 120))
        open_requests.append(
            new_request(teacher, days_ago(1, 60), first_day, RequestStatus.SUBMITTED)
        )
    session.flush()
    waiting = open_requests[: max(1, requests // 10)]
    confirmed = open_requests[len(waiting) : len(waiting) + max(1, requests // 15)]
    for i, request in enumerate(waiting):
        volunteer = volunteer_for(request, showcase_first=i == 0)
        made = now - timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 8))
        proposal = Proposal(
            request=request,
            volunteer=volunteer,
            window=request.windows[0],
            format=VisitFormat.VIRTUAL
            if request.format == RequestFormat.VIRTUAL
            else VisitFormat.PHYSICAL,
            status=ProposalStatus.PENDING,
            created_at=made,
            expires_at=made + timedelta(days=request.programme.proposal_deadline_days),
        )
        request.status = RequestStatus.PROPOSED
        session.add(proposal)
        session.flush()
        session.add(
            Notice(
                user_id=volunteer.user.id,
                text=(
                    f"Nyt forslag: {request.school.name} vil gerne have besøg. "
                    f"Svar senest {proposal.expires_at:%d.%m.%Y}."
                ),
                link=f"/frivillig/forslag/{proposal.id}",
                topic=f"proposal:{proposal.id}",
                created_at=made,
            )
        )
    for request in confirmed:
        request.status = RequestStatus.CONFIRMED
        visit_for(request, volunteer_for(request), VisitStatus.PLANNED, days_ago(1, 10))
    if len(open_requests) > len(waiting) + len(confirmed):
        unmatched = open_requests[-1]
        unmatched.status = RequestStatus.UNMATCHED
        subject = unmatched.primary_subject
        unmatched.unmatched_reason = {
            "reason": "no_candidate",
            "data": {
                "rule": "reach",
                "subject": subject.code,
                "subject_name": [subject.name_da, subject.name_en],
                "nearest_km": UNMATCHED_REACH_KM,
                "nearest_radius_km": 40,
            },
            "at": (now - timedelta(days=3)).isoformat(),
        }

    session.flush()
    return SeedCounts(
        volunteers=volunteers,
        teachers=len(teacher_rows),
        schools=len(school_rows),
        requests=requests,
        past_visits=past_visits,
    )
