"""Browser-test plumbing shared by the fixtures and the journeys: is a browser available, the
axe-core audit and the screenshots.

Playwright (the Python package, which bundles its own driver) drives the Debian Chromium at
``/usr/bin/chromium``: ``playwright install`` is never needed. On a machine without it the tests
skip with the reason; CI (``REQUIRE_SERVICES=1``) turns the skip into a failure.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path

from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.2 level A and AA, as axe-core tags them (each version's new rules have their own tag).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
STYLESHEET = "vendor/css/site.css"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def browser_unavailable_reason() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    for module, package in (
        ("playwright", "playwright"),
        ("axe_playwright_python", "axe-playwright-python"),
    ):
        if importlib.util.find_spec(module) is None:
            return f"needs the {package} Python package: run make install"
    if not os.access(CHROMIUM, os.X_OK):
        return f"needs Chromium at {CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)"
    if not (Path(settings.BASE_DIR) / "static" / STYLESHEET).is_file():
        return f"static/{STYLESHEET} is missing: run make assets"
    return ""


class Artifacts:
    """Numbered screenshots of one test, in test-artifacts/screenshots/<test name>/."""

    def __init__(self, test_name: str):
        self.folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.count = 0

    def next_path(self, name: str) -> Path:
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower() or "page"
        return self.folder / f"{self.count:02d}-{slug}.png"


_current = {"artifacts": None, "no_js_pages": set()}


def start_test(test_name: str) -> Artifacts:
    _current["artifacts"] = Artifacts(test_name)
    _current["no_js_pages"] = set()
    return _current["artifacts"]


def end_test() -> None:
    _current["artifacts"] = None
    _current["no_js_pages"] = set()


def mark_no_js(page) -> None:
    """Records that ``page`` runs without JavaScript, so audits run axe on a copy of it."""
    _current["no_js_pages"].add(id(page))


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'unknown impact'}): "
            f"{violation['help']} <{violation.get('helpUrl', '')}>"
        )
        for node in violation.get("nodes", []):
            target = " ".join(str(part) for part in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def axe_violations(page) -> list[dict]:
    """Runs axe-core on the page as it is now, limited to the WCAG 2.2 A/AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.response["violations"]


def _axe_violations_without_js(page) -> list[dict]:
    """axe-core needs JavaScript (its timers never fire in a page without it), so the audit of a
    no-JavaScript page runs on a copy: the same HTML, scripts removed, served at the same URL (so
    the stylesheet loads) to a page of a JavaScript-enabled context."""
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.DOTALL | re.I)
    url = page.url.split("#", 1)[0]
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        copy = context.new_page()

        def serve(route):
            if route.request.url == url:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            else:
                route.continue_()

        copy.route("**/*", serve)
        copy.goto(url)
        return axe_violations(copy)
    finally:
        context.close()


def audit(page, name: str) -> Path:
    """Saves a full-page screenshot, then fails listing each axe violation (WCAG 2.2 A/AA).

    Returns the screenshot's path. Call it on every page a journey visits.
    """
    artifacts = _current["artifacts"] or start_test("adhoc")
    path = artifacts.next_path(name)
    page.screenshot(path=str(path), full_page=True)
    if id(page) in _current["no_js_pages"]:
        violations = _axe_violations_without_js(page)
    else:
        violations = axe_violations(page)
    if violations:
        raise AssertionError(
            f"axe found {len(violations)} WCAG 2.2 A/AA violation(s) on {name!r} "
            f"({page.url}; screenshot {path.relative_to(settings.BASE_DIR)}):\n"
            + format_violations(violations)
        )
    return path
