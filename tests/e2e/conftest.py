"""Browser tests: Chromium's headless shell driven by Playwright, axe-core checking each page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from browser_support import LAUNCH_ARGS
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Chromium's headless shell (Debian's `chromium-headless-shell`, what Playwright itself drives
# headless): the same Blink and V8 without the desktop browser around them, about half the CPU
# per page (docs/performance.md, "The test suite"), and the suite is bound by CPU. The full
# browser when only that one is installed; STADTDIALOG_CHROMIUM names another.
CHROMIUM = (
    os.environ.get("STADTDIALOG_CHROMIUM")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or "/usr/bin/chromium"
)
PHONE = {"width": 360, "height": 740}
# The pages forbid scripts they did not serve (CSP); axe-core is the test's own script, injected
# into the page, so the test browser lets it in. The pages themselves run no script.
TEST_CONTEXT = {"locale": "de-DE", "bypass_csp": True}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, **TEST_CONTEXT)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, **TEST_CONTEXT)
    yield context.new_page()
    context.close()


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """A page that asks several services may take longer than Playwright's 5 s default on a
    busy two-core machine: that would fail the test, not the page."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)
