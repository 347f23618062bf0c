"""Wagtail admin: certificate templates as snippets, with a PDF preview per template."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet

from . import views
from .models import CertificateTemplate

register_snippet(CertificateTemplate)


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [
        path(
            "certificates/template/<int:pk>/preview/",
            views.template_preview,
            name="certificate_template_preview",
        ),
    ]


@hooks.register("register_snippet_listing_buttons")
def template_preview_button(snippet, user, next_url=None):
    if isinstance(snippet, CertificateTemplate):
        yield Button(
            _("Preview PDF"),
            reverse("certificate_template_preview", args=[snippet.pk]),
            icon_name="doc-full",
            priority=30,
        )
