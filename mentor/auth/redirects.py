"""Where to send someone after login or a language switch: our own pages, nowhere else."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_TARGET = 2000


def safe_target(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    "/\\t/evil.example" and "/\\\\evil.example" would both leave the site: a target
    with any whitespace, control character or backslash is refused outright, and a
    newline can never reach the Location header.
    """
    if not target or len(target) > MAX_TARGET:
        return fallback
    if any(char.isspace() or not char.isprintable() or char == "\\" for char in target):
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
