"""The English catalog covers every message in the source, and the app really uses it.

When a test here fails after you added or changed a `_()` string, run
`scripts/translations.sh`, translate the empty and "#, fuzzy" entries in
mentor/translations/en/LC_MESSAGES/messages.po, run the script again, and commit the
.po and the .mo together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "mentor" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO_FILE = PO_FILE.with_suffix(".mo")

#: Babel's default keywords plus ours; keep in step with scripts/translations.sh.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}

#: Messages that are spelt the same in English; any other msgstr equal to its msgid
#: is a Danish string copied across rather than translated.
SAME_IN_ENGLISH = {
    "%(km).0f km",
    "Administration",
    "Booking",
    "Booking: %(level)s",
    "Format",
    "Job",
    "Matching",
    "weekend",
    "Matching #%(id)d",
    "Note",
    "Region",
    "Send booking",
    "Send link",
    "Status",
    "Type",
}

#: A printf-style conversion: %(name)s, %(km).0f, %d, or a literal %%.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrs%]")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO_FILE.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def source_messages() -> dict[tuple[str | None, str | tuple[str, ...]], str]:
    """Every message in the source today, extracted the way the script does it."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    found: dict[tuple[str | None, str | tuple[str, ...]], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords=KEYWORDS,
        # As the script: skip hidden folders only, not templates/_macros.
        directory_filter=lambda path: not Path(path).name.startswith("."),
    ):
        found.setdefault((context, message), f"{filename}:{lineno}")
    return found


def translated(catalog: Catalog) -> Iterator[Message]:
    return (m for m in catalog if m.id and not m.fuzzy and _strings(m) and all(_strings(m)))


def _strings(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def test_the_source_has_messages_to_check(source_messages) -> None:
    # Guards the test below against an extraction that silently finds nothing.
    assert len(source_messages) > 500


def test_every_source_message_has_an_english_translation(catalog, source_messages) -> None:
    problems = []
    for (context, message), where in sorted(source_messages.items(), key=lambda kv: kv[1]):
        singular = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(singular, context)
        if entry is None:
            problems.append(f"{where}: not in the catalog: {singular!r}")
        elif entry.fuzzy:
            problems.append(f"{where}: fuzzy, review it: {singular!r}")
        elif isinstance(message, tuple) != isinstance(entry.id, tuple):
            problems.append(f"{where}: singular/plural differs from the catalog: {singular!r}")
        elif not all(s.strip() for s in _strings(entry)):
            problems.append(f"{where}: no translation: {singular!r}")
    assert not problems, "Run scripts/translations.sh and translate:\n" + "\n".join(problems)


def test_translations_are_not_copies_of_the_danish(catalog) -> None:
    copied = [
        m.id
        for m in translated(catalog)
        if _strings(m)[0] == _ids(m)[0] and _ids(m)[0] not in SAME_IN_ENGLISH
    ]
    assert not copied, f"msgstr equals the Danish msgid (add to SAME_IN_ENGLISH if right): {copied}"


def test_compiled_catalog_matches_the_po_file(catalog) -> None:
    with MO_FILE.open("rb") as f:
        compiled = read_mo(f)
    # read_mo gives a plural entry's ids and strings as lists, read_po as tuples.
    expected = {(_ids(m), m.context): _strings(m) for m in translated(catalog)}
    actual = {(_ids(m), m.context): _strings(m) for m in compiled if m.id}
    stale = sorted(str(key[0]) for key in expected.keys() ^ actual.keys())
    changed = sorted(str(k[0]) for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    assert not stale and not changed, (
        "messages.mo is out of date; run `scripts/translations.sh compile`. "
        f"Added or removed: {stale[:10]}; changed: {changed[:10]}"
    )
    assert compiled.plural_forms == catalog.plural_forms


def test_placeholders_survive_translation(catalog) -> None:
    problems = []
    for message in translated(catalog):
        wanted = sorted(PLACEHOLDER.findall(_ids(message)[-1]))
        for text in _strings(message):
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{message.id!r} -> {text!r}")
            # Jinja's newstyle gettext always applies %, so a bare % would raise.
            elif "%" in PLACEHOLDER.sub("", text):
                problems.append(f"stray % in {text!r}")
    assert not problems, "\n".join(problems)


def test_plural_entries_have_every_form(catalog) -> None:
    short = [m.id for m in catalog if isinstance(m.id, tuple) and len(_strings(m)) != 2]
    assert not short


ENGLISH_PAGES = [
    ("/", "STEM role models meet school classes", "Rollemodeller fra STEM møder skoleklasser"),
    ("/login", "<h1>Log in</h1>", "<h1>Log ind</h1>"),
    ("/login", "Password", "Adgangskode"),
    ("/tilmeld/frivillig", "<h1>Become a role model</h1>", "<h1>Bliv rollemodel</h1>"),
    ("/tilmeld/frivillig", "Full name", "Fulde navn"),
]


@pytest.mark.parametrize(("path", "english", "danish"), ENGLISH_PAGES)
def test_pages_are_english_after_choosing_english(client, path, english, danish) -> None:
    client.post("/language", data={"lang": "en", "next": "/"})
    page = client.get(path).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert english in page
    assert danish not in page


@pytest.mark.parametrize(("path", "english", "danish"), ENGLISH_PAGES)
def test_pages_stay_danish_by_default(client, path, english, danish) -> None:
    page = client.get(path).get_data(as_text=True)
    assert danish in page
    assert english not in page


def test_form_errors_are_english_after_choosing_english(client) -> None:
    client.post("/language", data={"lang": "en", "next": "/"})
    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Please fill in this field." in page
    assert "Udfyld feltet." not in page


@pytest.mark.parametrize(
    ("locale", "subject", "greeting"),
    [
        ("en", "Confirm your email address for Rollemodel Match", "Hello Ada"),
        ("da", "Bekræft din e-mail til Rollemodel Match", "Hej Ada"),
    ],
)
def test_mail_is_written_in_the_readers_language(app, locale, subject, greeting) -> None:
    from mentor.mail.outbox import render_mail

    with app.app_context():
        rendered = render_mail(
            "verify_email",
            locale,
            user=SimpleNamespace(first_name="Ada"),
            link="http://rollemodel.test/bekraeft/x",
        )
    assert rendered[0] == subject
    assert greeting in rendered[1] and greeting in rendered[2]
