"""Closed days in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _

from mentor.schoolyear.pattern import ClosedDay


def closed_day_name(closed: ClosedDay) -> str:
    """The holiday's name: "juleferie", "Juledag", "weekend", or the coordinator's text."""
    if closed.kind == "local":
        return closed.key or _("lukket efter skolens egen plan")
    names = {
        "weekend": _("weekend"),
        "sommerferie": _("sommerferie"),
        "efteraarsferie": _("efterårsferie"),
        "juleferie": _("juleferie"),
        "vinterferie": _("vinterferie"),
        "paaskeferie": _("påskeferie"),
        "kristi_himmelfart": _("Kristi himmelfartsferie"),
        "pinse": _("pinse"),
        "grundlovsdag": _("grundlovsdag"),
        "first_of_may": _("1. maj"),
        # Public holidays by the Danish names the `holidays` package gives them.
        "Nytårsdag": _("nytårsdag"),
        "Skærtorsdag": _("skærtorsdag"),
        "Langfredag": _("langfredag"),
        "Påskedag": _("påskedag"),
        "Anden påskedag": _("2. påskedag"),
        "Kristi himmelfartsdag": _("Kristi himmelfartsdag"),
        "Pinsedag": _("pinsedag"),
        "Anden pinsedag": _("2. pinsedag"),
        "Juledag": _("juledag"),
        "Anden juledag": _("2. juledag"),
    }
    return names.get(closed.key, closed.key)


def holiday_names(closed: list[ClosedDay]) -> list[str]:
    """Distinct names of the days, in date order, weekends left out when others are named."""
    names: list[str] = []
    for day in sorted(closed, key=lambda c: c.day):
        name = closed_day_name(day)
        if name not in names:
            names.append(name)
    weekend = closed_day_name(ClosedDay(closed[0].day, "weekend", "weekend")) if closed else ""
    if len(names) > 1 and weekend in names:
        names.remove(weekend)
    return names
