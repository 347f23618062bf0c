"""Security headers on every URL of the URLconf, no-store for signed-in pages, htmx history
off after logout, and request size limits before a body is read."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lms.security.headers import ADMIN_POLICY, SITE_POLICY
from tests.factories import make_member


def _static_paths(resolver=None, prefix="/"):
    """Every URL of the URLconf without parameters (those with parameters are covered by the
    middleware being global; a sample of them is requested below)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern).lstrip("^").rstrip("$")
        if any(mark in route for mark in ("<", "(", "[", "*", "+", "?", "\\")):
            continue
        if isinstance(entry, URLResolver):
            yield from _static_paths(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def test_every_url_carries_csp_and_permissions_policy(client, db, amt_a):
    client.force_login(make_member(amt_a, full_name="Kopf Zeile"))
    client.raise_request_exception = False  # an error page must carry the headers too
    paths = sorted(set(_static_paths()))
    assert len(paths) > 30
    for path in paths:
        response = client.get(path)
        expected = ADMIN_POLICY if path.startswith(("/cms/", "/django-admin/")) else SITE_POLICY
        assert response["Content-Security-Policy"] == expected, path
        assert "camera=()" in response["Permissions-Policy"], path
        assert "no-store" in response["Cache-Control"], path


def test_site_policy_forbids_inline_scripts_and_eval():
    script_src = next(d for d in SITE_POLICY.split("; ") if d.startswith("script-src"))
    assert script_src == "script-src 'self'"
    assert "frame-ancestors 'none'" in SITE_POLICY


def test_hr_pages_are_not_stored_and_htmx_keeps_no_history(client, hr_a, gemeinde_a):
    client.force_login(hr_a)
    response = client.get(reverse("hr_matrix", args=[gemeinde_a.pk]))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    html = response.content.decode()
    assert 'hx-history="false"' in html and '"historyCacheSize": 0' in html
    assert '"allowEval": false' in html


def test_anonymous_pages_may_be_cached_by_the_browser(client, db):
    response = client.get("/impressum/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_oversized_verify_upload_is_refused_before_reading(client, db, settings):
    """A 60 MB upload to /verify/ is answered 413 from its Content-Length; the body is never
    read (the test sends a stream that fails when read)."""

    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = client.generic(
        "POST",
        reverse("certificate_verify_start"),
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "zu groß" in response.content.decode()


@pytest.mark.parametrize("path", ["/konto/profil/", "/netzwerk/"])
def test_oversized_form_posts_are_refused(client, db, path, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post(path, {"text": "x" * 2000})
    assert response.status_code == 413
