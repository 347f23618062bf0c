"""xAPI 1.0.3 vocabulary and statement form of the learning record.

One place says what a statement looks like, so the data export, the record stores the
statements are forwarded to (``lms.services.lrs``) and the activity pages (``/xapi/...``) agree.
Verbs and activity types are ADL's registered IRIs; their display texts are given in German and
English (``de-DE``, ``en-US``), as the learning record stores of the Länder show them.
"""

from __future__ import annotations

from django.conf import settings

VERB_BASE = "http://adlnet.gov/expapi/verbs/"
ACTIVITY_TYPE_BASE = "http://adlnet.gov/expapi/activities/"
VERSION = "1.0.3"  # sent as X-Experience-API-Version; statements carry none (the LRS sets it)
ERASED_ACTOR_NAME = "geloescht"

# verb -> (German, English) display text
VERB_DISPLAY: dict[str, tuple[str, str]] = {
    "registered": ("hat sich angemeldet", "registered"),
    "exited": ("hat sich abgemeldet", "exited"),
    "experienced": ("hat aufgerufen", "experienced"),
    "completed": ("hat abgeschlossen", "completed"),
    "attempted": ("hat bearbeitet", "attempted"),
    "passed": ("hat bestanden", "passed"),
    "failed": ("hat nicht bestanden", "failed"),
}

# activity type -> (German, English) description, for the activity pages
ACTIVITY_TYPES: dict[str, tuple[str, str]] = {
    "course": ("Kurs", "Course"),
    "lesson": ("Lektion", "Lesson"),
    "assessment": ("Prüfung", "Assessment"),
}


def verb_iri(verb: str) -> str:
    return VERB_BASE + verb


def activity_type_iri(kind: str) -> str:
    return ACTIVITY_TYPE_BASE + kind


def activity_id(page_id: int) -> str:
    """The IRI of a course, lesson or quiz: resolves (``lms.views.xapi``) to the activity's
    definition as JSON, or for a browser to the page itself."""
    return f"{settings.SITE_URL}/xapi/activities/page/{page_id}"


# context extensions -> (German, English) description, for the extension pages
EXTENSIONS: dict[str, tuple[str, str]] = {
    "assigned": (
        "Die Personalverwaltung hat den Kurs zugewiesen (Pflichtfortbildung).",
        "The course was assigned by HR (mandatory training).",
    ),
}


def extension_iri(name: str) -> str:
    return f"{settings.SITE_URL}/xapi/extensions/{name}"


def activity_kind(page) -> str:
    """``course``, ``lesson`` or ``assessment`` for a course, lesson or quiz page."""
    from courses.models import CoursePage, QuizPage

    specific_class = page.specific_class
    if specific_class is not None and issubclass(specific_class, CoursePage):
        return "course"
    if specific_class is not None and issubclass(specific_class, QuizPage):
        return "assessment"
    return "lesson"


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration as xAPI's ``result.duration`` wants it, e.g. ``PT1H2M3S``."""
    whole = max(int(round(seconds)), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs or text == "PT":
        text += f"{secs}S"
    return text


def activity_definition(*, name: str, kind: str) -> dict:
    return {
        "type": activity_type_iri(kind),
        "name": {"de-DE": name},
        "description": {"de-DE": ACTIVITY_TYPES[kind][0], "en-US": ACTIVITY_TYPES[kind][1]},
    }


def statement_json(statement) -> dict:
    """A stored ``LearningStatement`` in xAPI 1.0.3 JSON form. The actor is identified by an
    account on this platform (its number, never a name or address: pseudonymous towards the
    record store); a person erased since is ``geloescht``."""
    verb = statement.verb.removeprefix(VERB_BASE)
    german, english = VERB_DISPLAY.get(verb, (verb, verb))
    kind = statement.object_type.removeprefix(ACTIVITY_TYPE_BASE)
    if kind not in ACTIVITY_TYPES:  # rows written before activity types were stored
        kind = "lesson"
    name = str(statement.actor_id) if statement.actor_id else ERASED_ACTOR_NAME
    data = {
        "id": str(statement.statement_id),
        "actor": {"objectType": "Agent", "account": {"homePage": settings.SITE_URL, "name": name}},
        "verb": {"id": statement.verb, "display": {"de-DE": german, "en-US": english}},
        "object": {
            "objectType": "Activity",
            "id": statement.object_id,
            "definition": activity_definition(name=statement.object_name, kind=kind),
        },
        "timestamp": statement.timestamp.isoformat(),
    }
    if statement.result:
        data["result"] = statement.result
    if statement.context:
        data["context"] = statement.context
    return data
