"""`flask calendar closed-days`: a school's closed days under the default calendar."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from mentor.cli import CliError
from mentor.geo import UnknownPostcode, lookup
from mentor.schoolyear import default_calendar

calendar_cli = AppGroup("calendar", help="School calendars: holidays and closed days.")

#: Longest period one call prints; a typo in a year should not print centuries.
MAX_DAYS = 3 * 366


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{option} must be a date like 2026-08-01, got {value!r}") from None


@calendar_cli.command("closed-days")
@click.option("--postcode", required=True, help="The school's postcode, e.g. 9800.")
@click.option("--from", "first", required=True, help="First day, ISO (2026-08-01).")
@click.option("--to", "last", required=True, help="Last day, ISO (2027-07-31).")
def closed_days_command(postcode: str, first: str, last: str) -> None:
    """Print the closed days of a school at POSTCODE, one ISO date per line (weekends too)."""
    start, end = _day(first, "--from"), _day(last, "--to")
    if end < start:
        raise CliError("--to is before --from")
    if (end - start).days > MAX_DAYS:
        raise CliError(f"the period is longer than {MAX_DAYS} days")
    try:
        place = lookup(postcode)
    except UnknownPostcode:
        raise CliError(f"unknown postcode {postcode[:10]!r}") from None
    calendar = default_calendar(place.municipality_code)
    for closed in calendar.closed_between(start, end):
        click.echo(closed.day.isoformat())


commands = [calendar_cli]
