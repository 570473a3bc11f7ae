"""Browser harness: Playwright drives Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is /usr/bin/chromium (or CHROMIUM_PATH). Without it the browser
tests skip, unless REQUIRE_BROWSER=1 (CI), where its absence fails them.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from accompagnement import second_factor
from tests.accompagnement.factories import PASSWORD
from tests.second_factor import totp_code

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests are still
# synchronous and on their own connection, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required (REQUIRE_BROWSER=1) but {CHROMIUM} is missing")
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only when a browser test runs

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, user, password=PASSWORD):
    """Log `user` in through the real login form; staff type their authenticator's code too."""
    page.goto("/compte/login/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/compte/login/" not in url)
    if second_factor.needs_second_factor(user) and second_factor.has_totp(user):
        # The code of the factories' secret, as the staff member's authenticator app shows it now.
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Valider").click()
        page.wait_for_url(lambda url: "/compte/" not in url)
    return page


@pytest.fixture
def login(page):
    """Log `user` in through the real login form."""

    def _login(user, password=PASSWORD):
        return log_in(page, user, password)

    return _login


_axe = Axe()


def assert_accessible(page, context=None):
    """Run axe-core with the WCAG 2.0/2.1 A and AA rules; fail listing every violation.

    Waits for the page to settle first: the DSFR's JavaScript rewrites ARIA attributes when it starts.
    """
    page.wait_for_load_state("networkidle")
    results = _axe.run(page, context=context, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    )
    assert not violations, f"{page.url}: {len(violations)} axe violations\n{details}"
