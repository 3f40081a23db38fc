"""Operational commands: `flask demo ...` (more groups join as features land)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from mentor.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


class CliError(click.ClickException):
    """A one-line error for the operator; exit code 2 like the other refusals."""

    exit_code = 2


@demo_cli.command("seed")
@click.option("--seed", type=int, default=None, help="Random seed (default: DEMO_SEED).")
@click.option("--volunteers", type=click.IntRange(0, 100_000), default=300)
@click.option("--schools", type=click.IntRange(1, 10_000), default=40)
@click.option("--requests", "requests_", type=click.IntRange(0, 100_000), default=120)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
def seed_command(
    seed: int | None, volunteers: int, schools: int, requests_: int, if_empty: bool
) -> None:
    """Load deterministic demo data in Danish."""
    from flask import current_app

    from mentor.services.demo import DEMO_DOMAIN, DEMO_PASSWORD, already_seeded, seed_demo

    if already_seeded(db.session):
        if if_empty:
            click.echo("Database already has data; demo seed skipped.")
            return
        raise CliError("The database already has users; seed an empty database.")
    counts = seed_demo(
        db.session,
        seed=current_app.config["DEMO_SEED"] if seed is None else seed,
        volunteers=volunteers,
        schools=schools,
        requests=requests_,
    )
    db.session.commit()
    click.echo(
        f"Seeded {counts.volunteers} volunteers, {counts.teachers} teachers, "
        f"{counts.schools} schools, {counts.requests} requests."
    )
    click.echo(
        f"Log in as koordinator@{DEMO_DOMAIN}, laerer001@{DEMO_DOMAIN} or "
        f"frivillig001@{DEMO_DOMAIN} with password {DEMO_PASSWORD!r}."
    )


users_cli = AppGroup("users", help="Accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin_command(email: str, name: str, password_stdin: bool) -> None:
    """Create an admin account; the password is prompted for (or read from stdin)."""
    from mentor.auth.passwords import password_problem
    from mentor.models.base import utcnow
    from mentor.models.enums import Role
    from mentor.services import accounts, audit
    from mentor.services.errors import DomainError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise CliError(problem)
    try:
        user = accounts.create_user(
            db.session, email=email, role=Role.ADMIN, full_name=name, password=password
        )
    except DomainError as error:
        raise CliError(error.message) from error
    user.email_verified_at = utcnow()
    audit.record(db.session, None, "admin_created", "user", user.id, via="cli")
    db.session.commit()
    click.echo(f"Admin {user.email} created.")


match_cli = AppGroup("match", help="Matching runs.")


@match_cli.command("run")
@click.option("--programme", "programme_code", required=True, help="Programme code, e.g. KRAM.")
@click.option(
    "--region",
    "region",
    default=None,
    help="Region code (1081-1085) or name, e.g. 'Region Midtjylland'.",
)
@click.option("--from", "period_from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "period_to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--dry-run", is_flag=True, help="Preview only; send no proposals.")
def match_run_command(
    programme_code: str,
    region: str | None,
    period_from: object,
    period_to: object,
    dry_run: bool,
) -> None:
    """Match a programme's open requests; preview with --dry-run, else commit."""
    import sqlalchemy as sa

    from mentor.geo.regions import REGIONS
    from mentor.models import Programme
    from mentor.services import runs
    from mentor.services.errors import DomainError
    from mentor.services.matching import Scope

    programme = db.session.scalar(
        sa.select(Programme).where(Programme.code == programme_code.upper())
    )
    if programme is None:
        raise CliError(f"Unknown programme {programme_code!r}.")
    region_code = None
    if region:
        matches = [
            c for c, name in REGIONS.items() if region == str(c) or region.lower() in name.lower()
        ]
        if len(matches) != 1:
            raise CliError(f"Unknown region {region!r}; use a code 1081-1085 or a region name.")
        region_code = matches[0]
    scope = Scope(
        programme.id,
        region_code,
        period_from.date() if period_from else None,  # type: ignore[attr-defined]
        period_to.date() if period_to else None,
    )  # type: ignore[attr-defined]
    try:
        run = runs.preview_run(db.session, None, scope)
        db.session.commit()
        figures = run.result["figures"]
        click.echo(
            f"Run {run.id}: {run.matched_count}/{run.requests_count} requests matched "
            f"with {run.volunteers_count} volunteers in {run.duration_ms} ms; "
            f"optimal={run.optimal}; average distance "
            f"{figures['average_km'] or 0:.1f} km."
        )
        if dry_run:
            click.echo("Dry run: nothing was sent.")
            return
        runs.commit_run(db.session, None, run.id)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise CliError(error.message) from error
    click.echo(f"Committed: {run.matched_count} proposals queued for mail.")


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(match_cli)
    from mentor.mail.cli import commands as mail_commands
    from mentor.scheduling.cli import commands as scheduling_commands
    from mentor.schoolyear.cli import commands as calendar_commands

    for command in (*mail_commands, *scheduling_commands, *calendar_commands):
        app.cli.add_command(command)
