"""CPU of the browser tests' work per page: Chromium's desktop browser or its headless shell,
and the axe-core check as it was (injected before every check, the whole result sent to
Python) or as the tests run it now (injected once per document, only the violations).

    .venv/bin/python bench/browser_checks.py [--rounds 3]

Starts RabbitMQ and FerretDB if needed, every service and the gateway, and creates one city.
Each variant then runs in a process of its own, alternating with the others round by round:
two browser contexts (a phone at 360 px and a desktop at 1,366 px, as the tests open them),
each visiting the same pages and checking each with axe-core. A variant's CPU is that
process's and everything it started (the Playwright driver and the browser). Prints figures
and ratios; asserts nothing. The gateway's own CPU is the same for every variant and not
counted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[1]
TAGS = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BROWSERS = {"desktop browser": "chromium", "headless shell": "chromium-headless-shell"}


def _children_cpu(root: int) -> float:
    """CPU seconds of every living descendant of ``root`` (the driver and the browser), with
    what their ended children used (a closed context's renderer ends: its CPU moves to the
    process that waited for it)."""
    parents: dict[int, list[tuple[int, float]]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = sum(int(f) for f in fields[11:15]) / CLOCK_TICKS  # utime stime cutime cstime
        parents.setdefault(int(fields[1]), []).append((int(entry), cpu))
    total, todo = 0.0, [root]
    while todo:
        for child, cpu in parents.get(todo.pop(), []):
            total += cpu
            todo.append(child)
    return total


def _check_as_before(page: Page) -> list[str]:
    from browser_support import AXE

    page.evaluate(AXE.read_text())
    result = page.evaluate(
        f"async () => await axe.run(document, {{runOnly: {{type: 'tag', values: {TAGS}}}}})"
    )
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _check_as_now(page: Page) -> list[str]:
    from browser_support import accessibility_violations  # the tests' helper, as they run it

    return [v["id"] for v in accessibility_violations(page)]


def run_variant(executable: str, check: str, urls: list[str]) -> None:
    """One variant's cycle in this process; prints its CPU and wall time as JSON."""
    from playwright.sync_api import sync_playwright

    sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "e2e")]
    from browser_support import LAUNCH_ARGS  # the browser tests' launch, as they run it

    checker = _check_as_now if check == "now" else _check_as_before
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        own, children, started = (
            resource.getrusage(resource.RUSAGE_SELF),
            _children_cpu(os.getpid()),
            time.monotonic(),
        )
        found = 0
        for viewport, phone in (
            ({"width": 360, "height": 740}, True),
            ({"width": 1366, "height": 900}, False),
        ):
            context = browser.new_context(
                viewport=viewport, is_mobile=phone, has_touch=phone, locale="de-DE", bypass_csp=True
            )
            page = context.new_page()
            for url in urls:
                page.goto(url)
                found += len(checker(page))
            context.close()
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime) + (
            _children_cpu(os.getpid()) - children
        )
        browser.close()
    print(json.dumps({"cpu": cpu, "wall": wall, "found": found}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    browsers = {label: shutil.which(name) for label, name in BROWSERS.items()}
    missing = [BROWSERS[label] for label, path in browsers.items() if not path]
    if missing:
        sys.exit(
            f"not installed: {', '.join(missing)} (Debian's packages; "
            "deploy/local/test installs the shell)"
        )

    sys.path.insert(0, str(REPO / "bench"))
    from bench_support import bench_platform, operator_login
    from cities_support import CityMaker

    with bench_platform(
        "bench_browser", ("identity", "cities", "scenarios", "dialogue", "events")
    ) as (_, api):
        city = CityMaker(api, operator_login(api)).create()["slug"]
        paths = ["/", "/anmelden", "/registrieren", f"/stadt/{city}",
                 f"/stadt/{city}/tischgespraeche", "/impressum", "/datenschutz",
                 "/barrierefreiheit"]  # fmt: skip
        urls = [api.base + path for path in paths]
        variants = [(b, c) for b in browsers for c in ("before", "now")]
        figures: dict[tuple[str, str], list[dict]] = {v: [] for v in variants}
        for _ in range(args.rounds + 1):  # the first round warms the gateway and disk caches
            for browser, check in variants:
                out = subprocess.run(
                    [sys.executable, __file__, "--variant", browsers[browser], check, *urls],
                    check=True, capture_output=True, text=True,
                ).stdout  # fmt: skip
                figures[(browser, check)].append(json.loads(out.strip().splitlines()[-1]))
    print(f"\n{len(urls)} pages x 2 contexts (360 and 1,366 px), each checked with axe-core; "
          f"median of {args.rounds} rounds, CPU of the test process, driver and "
          "browser\n")  # fmt: skip
    base = None
    print(
        f"{'browser':16} {'axe check':22} {'CPU s':>7} {'per page':>9} {'wall s':>7} "
        f"{'ratio':>6}  findings"
    )
    for browser, check in variants:
        runs = figures[(browser, check)][1:]
        cpu = statistics.median(r["cpu"] for r in runs)
        wall = statistics.median(r["wall"] for r in runs)
        base = base or cpu
        label = "inject, whole result" if check == "before" else "once, violations only"
        print(f"{browser:16} {label:22} {cpu:7.2f} {cpu / (2 * len(urls)) * 1000:6.0f} ms "
              f"{wall:7.2f} {cpu / base:6.2f}  {runs[-1]['found']}")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--variant":
        run_variant(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        main()
