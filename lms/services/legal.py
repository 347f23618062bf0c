"""Accessibility feedback (BITV 2.0 § 7 (1) 2, Feedback-Mechanismus): stored for the operator's
list and mailed by a Celery task, once, to the address the accessibility statement names."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext

from .. import legal_content
from ..models import AccessibilityFeedback, AccessibilityStatementPage, LegalPage


def feedback_recipient() -> str:
    """The statement's feedback address, else the operator's (``ACCESSIBILITY_FEEDBACK_EMAIL``)."""
    page = AccessibilityStatementPage.objects.live().only("feedback_email").first()
    return (page.feedback_email if page else "") or settings.ACCESSIBILITY_FEEDBACK_EMAIL


@transaction.atomic
def accessibility_feedback_submit(
    *, message: str, page_url: str = "", name: str = "", email: str = ""
) -> AccessibilityFeedback:
    """Store the feedback; the mail to the operator is queued once the row is committed."""
    from ..tasks import accessibility_feedback_mail_task

    feedback = AccessibilityFeedback.objects.create(
        message=message.strip(), page_url=page_url.strip(), name=name.strip(), email=email.strip()
    )
    transaction.on_commit(lambda: accessibility_feedback_mail_task.delay(feedback.pk))
    return feedback


def accessibility_feedback_mail(*, feedback_id: int) -> bool:
    """Mail one feedback to the operator unless already mailed (the task may run twice)."""
    claimed = AccessibilityFeedback.objects.filter(pk=feedback_id, mailed_at__isnull=True).update(
        mailed_at=timezone.now()
    )
    recipient = feedback_recipient()
    if not claimed or not recipient:
        return False
    feedback = AccessibilityFeedback.objects.get(pk=feedback_id)
    with translation.override(settings.LANGUAGE_CODE):  # the operator's mailbox: German
        body = render_to_string(
            "lms/mail/accessibility_feedback.txt",
            {"feedback": feedback, "site_url": settings.SITE_URL},
        )
        subject = pgettext("mail subject", "Accessibility feedback")
    send_mail(subject, body, None, [recipient])
    return True


def _stream(blocks) -> list[dict]:
    return [{"type": kind, "value": value} for kind, value in blocks]


def legal_page_default(kind: str) -> LegalPage:
    """An unsaved page with the German default text, shown while the operator has none."""
    content = legal_content.PAGES[kind]
    return LegalPage(title=content["title"], kind=kind, body=_stream(content["blocks"]))


def accessibility_statement_default() -> AccessibilityStatementPage:
    content = legal_content.ACCESSIBILITY_STATEMENT
    return AccessibilityStatementPage(
        feedback_email=settings.ACCESSIBILITY_FEEDBACK_EMAIL,
        **content,
    )


@transaction.atomic
def legal_pages_ensure(*, parent) -> list[str]:
    """Create the legal and accessibility pages under ``parent`` (the site's home page) with the
    default texts, where missing; returns the slugs created. Idempotent; never overwrites what
    the operator edited."""
    created = []
    for kind in legal_content.PAGES:
        if not LegalPage.objects.filter(kind=kind).exists():
            page = legal_page_default(kind)
            page.slug = kind
            parent.add_child(instance=page)
            page.save_revision().publish()
            created.append(kind)
    if not AccessibilityStatementPage.objects.exists():
        page = accessibility_statement_default()
        page.slug = "barrierefreiheit"
        parent.add_child(instance=page)
        page.save_revision().publish()
        created.append(page.slug)
    return created
