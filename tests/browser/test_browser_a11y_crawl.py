"""Accessibility of every page a user reaches, not a hand-picked list: for a visitor and for each
role, a crawl follows the links of the site from the start page and runs axe-core (WCAG 2.1 A
and AA) on every page it finds. Pages of the same kind (the same address with other numbers,
e.g. every lesson) are checked once each, so the crawl covers every kind of page in bounded
time. The admin (``/cms/``, ``/django-admin/``) is Wagtail's and Django's, outside this check.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError

from lms.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import format_violations, login

SKIP = re.compile(
    r"^/(cms|django-admin|static|media|dokumente)/|/abmelden/|/sprache/|^/healthz"
    r"|\.(json|pdf|csv|xlsx|ics|zip|png|svg|xml)$|/(pdf|datei|herunterladen|download|ical)/"
)
MAX_PAGES = 90
# Pages reached through a form rather than a link: the header search and the catalogue search
# (the facet links of the results are the same page with a narrower list, left out).
FORM_PAGES = ["/suche/?q=Vergabe", "/kurse/?q=Datenschutz"]
SKIP_QUERY = re.compile(r"[?&](art|seite)=")
# WCAG 1.4.12 text spacing, applied through the CSSOM (allowed under the CSP, unlike a <style>).
TEXT_SPACING = """() => {
  for (const el of document.querySelectorAll('body *')) {
    el.style.setProperty('line-height', '1.5', 'important');
    el.style.setProperty('letter-spacing', '0.12em', 'important');
    el.style.setProperty('word-spacing', '0.16em', 'important');
    if (el.tagName === 'P') el.style.setProperty('margin-bottom', '2em', 'important');
  }
  const clipped = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.visually-hidden, .skip-link, [hidden], [aria-hidden=true]')) continue;
    const style = getComputedStyle(el);
    const cuts = ['hidden', 'clip'];
    const hides = cuts.includes(style.overflowY) || cuts.includes(style.overflowX);
    const over = el.scrollHeight > el.clientHeight + 2 || el.scrollWidth > el.clientWidth + 2;
    if (hides && el.textContent.trim() && over) {
      clipped.push(el.tagName + '.' + el.className);
    }
  }
  return clipped;
}"""


def _kind(path: str) -> str:
    """Addresses that differ only in numbers or codes are the same kind of page."""
    return re.sub(r"/[0-9A-Z]{4,}(-[0-9A-Z]{4,})*/|/\d+/", "/N/", path)


def _crawl(page, base: str, axe, *, phone: bool = False) -> tuple[list[str], dict]:
    seen_kinds, visited, findings = set(), [], {}
    queue = deque(["/", *FORM_PAGES])
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        kind = _kind(path)
        if kind in seen_kinds or SKIP.search(path):
            continue
        seen_kinds.add(kind)
        try:
            response = page.goto(base + path)
        except PlaywrightError:  # a download (a file behind a plain link): not a page
            continue
        if response is None or response.status >= 400 or not page.url.startswith(base):
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited.append(path)
        violations = axe(page)
        if phone:  # reflow (WCAG 1.4.10): no sideways scrolling; data tables scroll inside
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > page.viewport_size["width"]:
                violations.append({"id": "reflow", "impact": "serious", "nodes": [f"{width}px"]})
        else:  # 1.4.12 (checked apart from reflow): more text spacing cuts off no text
            clipped = page.evaluate(TEXT_SPACING)
            width = page.evaluate("document.documentElement.scrollWidth")
            if clipped or width > page.viewport_size["width"]:
                violations.append(
                    {"id": "text-spacing", "impact": "serious", "nodes": [*clipped, f"{width}px"]}
                )
        if violations:
            findings[path] = violations
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urldefrag(href)[0]
            if not url.startswith(base):
                continue
            parsed = urlparse(url)
            target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if SKIP_QUERY.search(target):
                continue
            if _kind(parsed.path) not in seen_kinds and not SKIP.search(parsed.path):
                queue.append(target)
    return visited, findings


LEARNER = "lernende@demo.kommunal-campus.de"
HR = "personal.bonn@demo.kommunal-campus.de"
CDO = "cdo.bonn@demo.kommunal-campus.de"
TRAINER = "trainer@demo.kommunal-campus.de"
ADMIN = "admin@demo.kommunal-campus.de"


@pytest.mark.parametrize(
    ("email", "width"),
    [
        (None, 1280),
        (LEARNER, 1280),
        (HR, 1280),
        (CDO, 1280),
        (TRAINER, 1280),
        (ADMIN, 1280),
        (None, 320),
        (LEARNER, 320),
        (HR, 320),
    ],
    ids=[
        "visitor",
        "learner",
        "hr",
        "org-admin-cdo",
        "trainer",
        "platform-admin",
        "visitor-320",
        "learner-320",
        "hr-320",
    ],
)
def test_every_reachable_page_passes_axe(browser, live_server, demo_site, axe, email, width):
    """0 serious or critical axe findings on every kind of page; at 320 CSS px no page scrolls
    sideways (reflow); on the desktop no text is cut off when text spacing is increased."""
    context = browser.new_context(locale="de-DE", viewport={"width": width, "height": 900})
    page = context.new_page()
    if email:
        login(page, live_server, email, DEMO_PASSWORD)
    visited, findings = _crawl(page, live_server.url, axe, phone=width < 400)
    context.close()
    print(f"{email or 'visitor'}: {len(visited)} kinds of page checked")
    assert len(visited) >= 8, visited  # the crawl really went through the site
    assert not findings, format_violations(findings)


def test_phone_shows_the_lesson_first_and_readable_charts(browser, live_server, demo_site):
    """At 390 px the lesson text starts at the top (the outline follows it, collapsible), and the
    key-figures charts keep readable labels without sideways scrolling."""
    from courses.models import CoursePage, LessonPage
    from lms.models import Enrolment, Organisation, User
    from lms.services.learning import enrolment_create

    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, live_server, LEARNER, DEMO_PASSWORD)
    learner = User.objects.get(email=LEARNER)
    course = CoursePage.objects.live().first()
    if not Enrolment.objects.filter(user=learner, course=course).exists():
        enrolment_create(user=learner, course=course)
    lesson = LessonPage.objects.live().descendant_of(course).first()
    page.goto(live_server.url + lesson.url)
    heading_top = page.get_by_role("heading", level=1).bounding_box()["y"]
    assert heading_top < 450, heading_top  # was about 950 px, below the whole outline
    page.locator(".outline-details > summary").click()  # the outline collapses
    assert not page.locator(".course-outline").is_visible()
    context.close()
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, live_server, HR, DEMO_PASSWORD)
    unit = Organisation.objects.get(name="Bundesstadt Bonn")
    page.goto(f"{live_server.url}/personal/einheit/{unit.pk}/kennzahlen/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    sizes = page.eval_on_selector_all(
        ".bar-label", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 14
    context.close()
