"""Checks the browser tests run on every page."""

from __future__ import annotations

import functools
from pathlib import Path

from playwright.sync_api import Page
from raw_text_support import findings, page_text

AXE = Path(__file__).resolve().parents[2] / "gateway" / "node_modules" / "axe-core" / "axe.min.js"
# How the browser tests start Chromium (conftest.py) and bench/browser_checks.py with them.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def accessibility_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical findings (WCAG 2.1 A/AA rules) on the current page."""
    # Evaluated by the driver, not as an inline <script>: the pages' CSP forbids those. Once per
    # document: a check after each step of a journey on one page finds it there already.
    if not page.evaluate("typeof window.axe?.run === 'function'"):
        page.evaluate(_axe_source())
    # Only the violations are built in full (`resultTypes`; passes and the rest keep one node
    # each) and only what the tests report crosses to Python: the same findings, a fraction of
    # the browser's work and of the payload.
    return page.evaluate(
        """async () => (await axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
              resultTypes: ['violations']})).violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => ({id: v.id, impact: v.impact,
                          nodes: v.nodes.slice(0, 3).map((n) => n.target)}))"""
    )


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def fits_the_screen(page: Page) -> bool:
    """Nothing wider than the device: compared with the viewport the test asked for, because a
    phone browser widens its layout viewport (``window.innerWidth``) to what overflows."""
    width = page.viewport_size["width"] if page.viewport_size else None
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    return scroll_width <= min(inner_width, width or inner_width)


def assert_no_raw_keys(page: Page, codes: frozenset[str] = frozenset()) -> None:
    """No ``snake_case`` key, unfilled placeholder or one of ``codes`` in the page's text."""
    text, _links = page_text(page.content())
    assert findings(text, codes) == [], findings(text, codes)
