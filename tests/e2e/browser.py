"""The browser side of the e2e tests: variants, one person's browser, the page checks.

Accessibility: `Journey.check_page` runs axe-core inside the page and fails on any
violation of impact "serious" or "critical". The app's CSP (`script-src 'self'`)
refuses inline scripts, and `add_script_tag(path=...)` injects the file inline, so
instead the browser context answers a made-up same-origin URL with the vendored file
(`context.route`; the request never reaches the app) and the script is added by that
URL. axe therefore runs under the app's real CSP (no `bypass_csp`), and a CSP violation
by the app's own pages still shows as a console error, which `check_page` also refuses.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
AXE_JS = HERE / "vendor" / "axe.min.js"
#: Served by the browser context itself (never by the app): see the module docstring.
AXE_URL_PATH = "/__e2e__/axe.min.js"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
#: Without the background-networking flags Chromium tries to reach Google's services,
#: and a closed network refuses those connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}


#: The innermost elements that reach past the right edge of the screen, for the message.
OVERFLOWING_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > width + 0.5))
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}`
      + `${e.className ? '.' + String(e.className).split(' ').join('.') : ''}`
      + ` right=${Math.round(e.getBoundingClientRect().right)}`);
}"""


def visit_day(weeks_ahead: int = 4, weekday: int = 1) -> date:
    """A school day (Tuesday by default) some weeks after the real today the app sees."""
    from tests.factories import open_school_day

    day = date.today() + timedelta(weeks=weeks_ahead)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    # Out of holidays, on the same weekday a week later if need be.
    while open_school_day(day) != day:
        day += timedelta(weeks=1)
    return day


def screenshot_dir() -> Path:
    return Path(os.environ.get("E2E_SCREENSHOTS") or REPO / "test-artifacts" / "screenshots")


@dataclass
class LiveServer:
    app: Flask
    url: str


@dataclass(frozen=True)
class Variant:
    """A language and a screen width every journey runs in."""

    locale: str
    viewport: dict[str, int]

    @property
    def name(self) -> str:
        return f"{self.locale}-{self.viewport['width']}"

    @property
    def phone(self) -> bool:
        return self.viewport["width"] < 600


VARIANTS = [
    Variant("da", DESKTOP),
    Variant("en", DESKTOP),
    Variant("da", PHONE),
    Variant("en", PHONE),
]


@dataclass
class A11yLog:
    """Every page axe looked at, for the report written at the end of the session."""

    pages: list[dict[str, Any]] = field(default_factory=list)
    screenshots: int = 0


A11Y_LOG = A11yLog()


class Journey:
    """One person's browser in one variant: open pages, check them, keep screenshots."""

    def __init__(
        self, test_name: str, who: str, browser: Any, server: LiveServer, variant: Variant
    ):
        self.test_name, self.who, self.variant, self.server = test_name, who, variant, server
        self.context = browser.new_context(viewport=variant.viewport, locale="da-DK")
        self.context.route(
            f"{server.url}{AXE_URL_PATH}",
            lambda route: route.fulfill(path=str(AXE_JS), content_type="text/javascript"),
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.console_errors: list[str] = []
        self.page.on("console", self._console)
        #: Texts kept per step (the h1, or what `remember` picked) for `assert_translated`.
        self.texts: dict[str, str] = {}

    def _console(self, message: Any) -> None:
        # The app has no favicon; Chromium asks for one on every page.
        if message.type == "error" and "favicon" not in (message.location or {}).get("url", ""):
            self.console_errors.append(message.text)

    def close(self) -> None:
        self.context.close()

    # Navigation --------------------------------------------------------------------

    def open(self, path_or_url: str) -> None:
        """Open a page; on the first page, choose the variant's language with the button."""
        url = path_or_url if path_or_url.startswith("http") else self.server.url + path_or_url
        response = self.page.goto(url)
        assert response is not None and response.status < 400, (url, response and response.status)
        if self.page.get_attribute("html", "lang") != self.variant.locale:
            self.switch_language()

    def switch_language(self) -> None:
        with self.page.expect_navigation():
            self.page.click(".lang-switch button[type=submit]")
        assert self.page.get_attribute("html", "lang") == self.variant.locale

    def submit(self, form: str) -> None:
        """Press the submit button of the form matching `form` and wait for the answer."""
        with self.page.expect_navigation() as navigation:
            self.page.locator(f"{form} button[type=submit]").first.click()
        response = navigation.value
        status = response.status if response is not None else 0
        # A refused CSRF token or a crash shows as an error page, not as a form error.
        form_error = status == 400 and self.page.locator(".error-summary").count() > 0
        if status >= 500 or (status in (400, 403) and not form_error):
            raise AssertionError(
                f"{form} on {self.path()}: HTTP {response.status}\n{self.page.inner_text('body')}"
            )

    def follow(self, href_suffix: str) -> None:
        """Click the first link in the page body whose address ends with `href_suffix`."""
        with self.page.expect_navigation():
            self.page.locator(f'main a[href$="{href_suffix}"]').first.click()

    def login(self, email: str, password: str) -> None:
        self.open("/login")
        self.check_page("login-form")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.submit("form:has(#password)")
        assert "/login" not in self.page.url, self.flashes()

    def flashes(self) -> list[str]:
        return self.page.locator(".flash, .error-summary").all_inner_texts()

    def path(self) -> str:
        return "/" + self.page.url.split("/", 3)[3]

    def heading(self) -> str:
        return self.page.locator("main h1").first.inner_text().strip()

    def remember(self, name: str, selector: str) -> None:
        """Keep the text of `selector` on this page for `assert_translated`."""
        self.texts[name] = self.page.locator(selector).first.inner_text().strip()

    # Checks -----------------------------------------------------------------------

    def check_page(self, step: str, screenshot: bool = False) -> None:
        """Language, width, console and axe checks on the current page; maybe a screenshot."""
        page = self.page
        assert page.get_attribute("html", "lang") == self.variant.locale, page.url
        self.texts[step] = self.heading()
        if self.variant.phone:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                culprits = page.evaluate(OVERFLOWING_ELEMENTS)
                raise AssertionError(
                    f"{step} ({self.path()}): the page is {overflow}px wider than the screen; "
                    f"sticking out: {culprits}"
                )
        if page.evaluate("typeof window.axe") == "undefined":
            page.add_script_tag(url=AXE_URL_PATH)
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
        )
        A11Y_LOG.pages.append(
            {
                "test": self.test_name,
                "who": self.who,
                "step": step,
                "url": self.path(),
                "variant": self.variant.name,
                "violations": result,
            }
        )
        if screenshot:
            self.screenshot(step)
        blocking = [v for v in result if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"{step} ({self.path()}): axe found\n" + json.dumps(
            blocking, indent=1, ensure_ascii=False
        )
        assert not self.console_errors, f"{step}: console errors {self.console_errors}"

    def screenshot(self, step: str) -> Path:
        folder = screenshot_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{self.test_name}-{self.variant.name}-{self.who}-{step}.png"
        self.page.screenshot(path=str(target), full_page=True)
        A11Y_LOG.screenshots += 1
        return target


def assert_translated(journey: Journey, danish: dict[str, str]) -> None:
    """Danish pages show the Danish texts; English pages must show something else.

    Checked at the end of a journey, so an untranslated page does not hide a broken step.
    """
    if journey.variant.locale != "en":
        for step, text in danish.items():
            assert journey.texts[step].startswith(text), (step, journey.texts[step])
        return
    untranslated = {
        step: journey.texts[step]
        for step, text in danish.items()
        if journey.texts[step].startswith(text)
    }
    assert not untranslated, f"English pages still show Danish texts: {untranslated}"
