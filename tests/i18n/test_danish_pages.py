"""No English on a Danish page: every page, its form errors and the login redirect.

Libraries bring their own English sentences (Flask-Login's "Please log in", WTForms'
"This field is required.", Werkzeug's error descriptions). This walks every route of the
app in Danish, as a person allowed to see it, GETs it and POSTs its form empty, and fails
on any of those sentences.
"""

from __future__ import annotations

import re

from mentor.models.enums import Role
from tests.accounts.test_route_authorisation import (  # noqa: F401  (the world fixture)
    _allowed_roles,
    _client_as,
    _urls,
    world,
)

#: Sentences libraries show in English when nobody translated them.
LIBRARY_ENGLISH = [
    "Please log in",
    "This field is required",
    "Not a valid",
    "Invalid email",
    "Invalid Choice",
    "Invalid value",
    "is not a valid choice",
    "Field must be",
    "Number must be",
    "The CSRF token",
    "CSRF token missing",
    "The requested URL",
    "You don't have the permission",
    "Method Not Allowed",
    "Internal Server Error",
    "Too Many Requests",
    "Bad Request",
    "Not Found",
    "Forbidden",
    "Unauthorized",
    "Please fill out this field",
    "Invalid date",
    "Invalid time",
]


def _visible_text(html: str) -> str:
    """The page's text and attribute values a person sees or hears (no scripts/styles)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return html


def _english_on(body: str) -> list[str]:
    text = _visible_text(body)
    return [phrase for phrase in LIBRARY_ENGLISH if phrase.lower() in text.lower()]


def test_every_page_and_its_empty_form_are_danish(app, world) -> None:  # noqa: F811
    problems, seen = [], 0
    for endpoint, method, url, _args in _urls(app, world):
        if endpoint == "static" or url.endswith((".csv", ".xlsx", ".json")) or "/api/" in url:
            continue
        allowed = _allowed_roles(endpoint)
        role = None if allowed is None else sorted(allowed, key=lambda r: r != Role.COORDINATOR)[0]
        user_id = None if role is None else world["people"][role]
        client = _client_as(app, user_id)
        response = client.open(url, method=method, data={} if method == "POST" else None)
        body = response.get_data(as_text=True)
        if response.status_code >= 500:
            problems.append(f"{method} {url}: {response.status_code}")
            continue
        if 300 <= response.status_code < 400 or not body.lstrip().startswith("<!doctype html>"):
            continue  # a redirect or a file
        seen += 1
        assert '<html lang="da">' in body, url
        found = _english_on(body)
        if found:
            problems.append(f"{method} {url} as {role}: {found}")
    assert seen > 60
    assert problems == []


def test_the_login_redirect_says_it_in_danish(app, world) -> None:  # noqa: F811
    client = _client_as(app, None)
    page = client.get("/frivillig/profil", follow_redirects=True).get_data(as_text=True)
    assert "Log ind for at se siden." in page
    assert not _english_on(page)


def test_the_login_redirect_is_english_for_english_readers(app, world) -> None:  # noqa: F811
    client = _client_as(app, None)
    client.post("/language", data={"lang": "en", "next": "/"})
    page = client.get("/frivillig/profil", follow_redirects=True).get_data(as_text=True)
    assert "Please log in to see this page." in page


def test_error_pages_are_danish(app, world) -> None:  # noqa: F811
    client = _client_as(app, None)
    for url, method in [("/findes-ikke", "GET"), ("/logout", "GET"), ("/language", "PUT")]:
        response = client.open(url, method=method)
        body = response.get_data(as_text=True)
        assert response.status_code in (404, 405), (url, response.status_code)
        assert not _english_on(body), (url, _english_on(body))
