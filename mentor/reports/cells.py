"""The one place every spreadsheet export (CSV and XLSX) passes its text through.

A spreadsheet runs a cell that starts with =, +, - or @ (and, in some, a tab or a carriage
return) as a formula: a school or a subject named "=HYPERLINK(...)" would become a live
link, or worse, in the coordinator's Excel. Such text gets a leading apostrophe, which
spreadsheets read as "this is text" (OWASP's advice for CSV injection); numbers, dates
and everything else pass untouched.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: T) -> T | str:
    """Text a spreadsheet would run as a formula, made inert; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
