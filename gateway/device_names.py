"""A short, language-neutral name of the browser behind a sign-in ("Firefox · Android"), so a
person can tell their sessions apart in Mein Bereich. Only this name is stored, never the full
user-agent string (it identifies a device far more precisely than needed)."""

from __future__ import annotations

# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari" too.
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox", "Firefox"),
    ("Chromium", "Chromium"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_name(user_agent: str | None) -> str:
    text = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in text), "")
    system = next((name for key, name in _SYSTEMS if key in text), "")
    return " · ".join(part for part in (browser, system) if part)
