"""Render mentor/static/logo.svg to the PNG that mails use (mail clients rarely show SVG).

Run after changing the logo: `.venv/bin/python scripts/logo_png.py` (needs Chromium).
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parent.parent / "mentor" / "static"
SIZE = 96  # shown at 48 px, sharp on high-density screens


def main() -> None:
    svg = (STATIC / "logo.svg").read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": SIZE, "height": SIZE})
        page.set_content(
            "<html><body style='margin:0;background:transparent'>"
            f"<div style='width:{SIZE}px;height:{SIZE}px'>"
            + svg.replace('width="48" height="48"', f'width="{SIZE}" height="{SIZE}"')
            + "</div></body></html>"
        )
        page.screenshot(path=str(STATIC / "logo-mail.png"), omit_background=True)
        browser.close()


if __name__ == "__main__":
    main()
