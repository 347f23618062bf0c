"""Expert circles: closed circles are invisible to outsiders, posts are sanitised, moderators
hide and members report, attachments are sniffed."""

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cdo_network import services
from cdo_network.models import CircleMembership, Post, PostAttachment

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)

XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    '<img src=x onerror="alert(1)">',
    "[klick](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<svg onload="alert(1)"></svg>',
    '<p style="background:url(javascript:alert(1))">x</p>',
]


def test_non_member_reading_closed_circle_gets_404(client, member_a, member_b, closed_circle):
    """Circle page, thread, post actions and attachments of a closed circle are a 404 to
    members of the network who are not in the circle, including those with a pending request."""
    services.circle_membership_set(
        circle=closed_circle, user=member_a, role=CircleMembership.Role.MODERATOR
    )
    thread = services.thread_create(
        circle=closed_circle,
        author=member_a,
        title="Vertraulich",
        body="Nur für Mitglieder",
        files=[SimpleUploadedFile("bild.png", PNG, content_type="image/png")],
    )
    post = thread.posts.get()
    attachment = post.attachments.get()
    urls = [
        reverse("cdo_network:circle_detail", args=[closed_circle.slug]),
        reverse("cdo_network:thread_detail", args=[closed_circle.slug, thread.pk]),
        reverse("cdo_network:attachment_download", args=[closed_circle.slug, attachment.pk]),
    ]
    client.force_login(member_b)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("cdo_network:post_report", args=[closed_circle.slug, post.pk]), {"reason": "x"}
        ).status_code
        == 404
    )

    services.circle_join(circle=closed_circle, user=member_b)  # request: still pending
    for url in urls:
        assert client.get(url).status_code == 404, url

    client.force_login(member_a)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_join_open_circle_and_post(client, member_a, open_circle):
    """A member joins an open circle at once, starts a discussion and replies."""
    client.force_login(member_a)
    response = client.post(reverse("cdo_network:circle_join", args=[open_circle.slug]))
    assert response.status_code == 302
    response = client.post(
        reverse("cdo_network:thread_create", args=[open_circle.slug]),
        {"title": "Open-Data-Portal", "body": "Wer nutzt **CKAN**?"},
    )
    assert response.status_code == 302
    thread = open_circle.threads.get()
    url = reverse("cdo_network:thread_detail", args=[open_circle.slug, thread.pk])
    response = client.post(url, {"body": "Wir, seit 2021."})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "<strong>CKAN</strong>" in page
    assert "Wir, seit 2021." in page


def test_closed_circle_admits_on_request(client, member_a, member_b, closed_circle):
    """A request stays pending until a moderator admits the person."""
    services.circle_membership_set(
        circle=closed_circle, user=member_a, role=CircleMembership.Role.MODERATOR
    )
    membership = services.circle_join(circle=closed_circle, user=member_b)
    assert membership.status == CircleMembership.Status.PENDING
    assert not member_b.has_perm("cdo_network.participate_circle", closed_circle)
    client.force_login(member_a)
    response = client.post(
        reverse("cdo_network:circle_approve", args=[closed_circle.slug, membership.pk])
    )
    assert response.status_code == 302
    member_b = type(member_b).objects.get(pk=member_b.pk)  # fresh permission cache
    assert member_b.has_perm("cdo_network.participate_circle", closed_circle)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_in_posts_is_neutralised(client, member_a, open_circle, payload):
    """Script tags, event handlers, javascript: links and raw HTML never reach the page."""
    services.circle_membership_set(circle=open_circle, user=member_a)
    thread = services.thread_create(
        circle=open_circle, author=member_a, title="Test", body=f"Vorher {payload} nachher"
    )
    client.force_login(member_a)
    page = client.get(
        reverse("cdo_network:thread_detail", args=[open_circle.slug, thread.pk])
    ).content.decode()
    body = page.split('class="post-body">', 1)[1].split("</div>", 1)[0]
    lowered = body.lower()
    for bad in ("<script", "onerror", "onload", "javascript:", "<iframe", "<svg", "style="):
        assert bad not in lowered, (payload, body)


def test_moderator_hides_post(client, member_a, member_b, open_circle):
    """A hidden post's text disappears for members; only moderators may hide."""
    services.circle_membership_set(
        circle=open_circle, user=member_a, role=CircleMembership.Role.MODERATOR
    )
    services.circle_membership_set(circle=open_circle, user=member_b)
    thread = services.thread_create(
        circle=open_circle, author=member_b, title="Spam", body="Kauft Krypto!"
    )
    post = thread.posts.get()
    with pytest.raises(PermissionDenied):
        services.post_hide(post=post, moderator=member_b)
    client.force_login(member_b)
    hide_url = reverse("cdo_network:post_hide", args=[open_circle.slug, post.pk])
    assert client.post(hide_url).status_code == 404
    client.force_login(member_a)
    assert client.post(hide_url, {"hide": "1"}).status_code == 302
    assert Post.objects.get(pk=post.pk).is_hidden
    client.force_login(member_b)
    page = client.get(
        reverse("cdo_network:thread_detail", args=[open_circle.slug, thread.pk])
    ).content.decode()
    assert "Kauft Krypto" not in page


def test_member_reports_post_and_moderators_are_mailed_once(
    client, member_a, member_b, open_circle, django_capture_on_commit_callbacks
):
    """A report reaches each moderator by mail; reporting twice changes nothing."""
    services.circle_membership_set(
        circle=open_circle, user=member_a, role=CircleMembership.Role.MODERATOR
    )
    services.circle_membership_set(circle=open_circle, user=member_b)
    thread = services.thread_create(
        circle=open_circle, author=member_a, title="Frage", body="Beleidigung"
    )
    post = thread.posts.get()
    client.force_login(member_b)
    url = reverse("cdo_network:post_report", args=[open_circle.slug, post.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "beleidigend"})
        client.post(url, {"reason": "nochmal"})
    assert post.reports.count() == 1
    assert [m.to for m in mail.outbox] == [[member_a.email]]


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("bild.png", PNG, True),
        (
            "bericht.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
            True,
        ),
        ("bild.pdf", PNG, False),  # name and bytes disagree
        ("skript.html", b"<html><script>alert(1)</script></html>", False),
        ("programm.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", False),
    ],
)
def test_attachment_types_are_sniffed(client, member_a, open_circle, name, content, ok):
    """Only allowed types, detected from the bytes, are stored."""
    services.circle_membership_set(circle=open_circle, user=member_a)
    client.force_login(member_a)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(
        reverse("cdo_network:thread_create", args=[open_circle.slug]),
        {"title": "Anhang", "body": "Siehe Anhang", "attachments": [upload]},
    )
    assert (response.status_code == 302) is ok
    assert PostAttachment.objects.exists() is ok


def test_attachment_size_limit(client, member_a, open_circle, settings):
    """Files above 5 MB are refused."""
    services.circle_membership_set(circle=open_circle, user=member_a)
    client.force_login(member_a)
    big = io.BytesIO(PNG + b"\x00" * (5 * 1024 * 1024))
    upload = SimpleUploadedFile("gross.png", big.getvalue(), content_type="image/png")
    response = client.post(
        reverse("cdo_network:thread_create", args=[open_circle.slug]),
        {"title": "Groß", "body": "x", "attachments": [upload]},
    )
    assert response.status_code == 400
    assert "5 MB" in response.content.decode()


def test_digest_can_be_switched_off(client, member_a, open_circle):
    """A member switches off the daily digest for one circle."""
    services.circle_membership_set(circle=open_circle, user=member_a)
    client.force_login(member_a)
    client.post(reverse("cdo_network:circle_digest", args=[open_circle.slug]), {"digest": "0"})
    assert not CircleMembership.objects.get(user=member_a).digest


def test_attachment_stored_under_random_name_and_served_scoped(client, member_a, open_circle):
    """The stored file name is random; the download keeps the original name and sniffed type."""
    services.circle_membership_set(circle=open_circle, user=member_a)
    thread = services.thread_create(
        circle=open_circle,
        author=member_a,
        title="Plan",
        body="Anbei",
        files=[SimpleUploadedFile("Lageplan Rathaus.png", PNG, content_type="text/html")],
    )
    attachment = thread.posts.get().attachments.get()
    assert "Lageplan" not in attachment.file.name
    assert attachment.content_type == "image/png"
    client.force_login(member_a)
    response = client.get(
        reverse("cdo_network:attachment_download", args=[open_circle.slug, attachment.pk])
    )
    assert response["Content-Type"] == "image/png"
    assert "Lageplan Rathaus.png" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PNG
