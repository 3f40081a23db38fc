"""Danmarks Statistik's municipality groups (kommunegrupper) and what counts as outlying.

The table ships as `kommunegrupper.csv` beside this module, with its source in the
file's header. A municipality in the rural group ("Landkommuner") is an outlying area
(udkantsområde): its schools' requests weigh more in matching and are reported apart.
A coordinator can override the classification of one school (see services.schools).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from mentor.geo.regions import MUNICIPALITIES, REGIONS

#: DST's group code of "Landkommuner", the rural municipalities.
RURAL_GROUP = 5
SOURCE = "Danmarks Statistik, Kommunegrupper v1:2018-"
SOURCE_URL = "https://www.dst.dk/da/Statistik/dokumentation/nomenklaturer/kommunegrupper"


@dataclass(frozen=True, slots=True)
class MunicipalityGroup:
    code: int
    name: str
    region_code: int
    region: str
    group_code: int
    group_name: str

    @property
    def outlying(self) -> bool:
        return self.group_code == RURAL_GROUP


@cache
def municipality_groups() -> dict[int, MunicipalityGroup]:
    """Every municipality by code, with its DST group; read once from the shipped table."""
    text = resources.files("mentor.geo").joinpath("kommunegrupper.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    groups = {}
    for row in rows:
        code = int(row["municipality_code"])
        name, region_code = MUNICIPALITIES[code]
        groups[code] = MunicipalityGroup(
            code=code,
            name=name,
            region_code=region_code,
            region=REGIONS[region_code],
            group_code=int(row["group_code"]),
            group_name=row["group_name"],
        )
    return groups


def is_outlying(municipality_code: int) -> bool:
    """Whether the official data counts the municipality as outlying (rural group)."""
    group = municipality_groups().get(municipality_code)
    return group is not None and group.outlying


def group_name(municipality_code: int) -> str:
    group = municipality_groups().get(municipality_code)
    return group.group_name if group else ""
