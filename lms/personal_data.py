"""The registry of personal data: what the data export shows and what erasure does, per relation.

Every relation from any model to the user model (foreign keys, one-to-one and many-to-many
fields, in our apps, Wagtail's and third-party apps') and every place that names a person
without a foreign key (django-axes' login logs, Django admin log entries about the person) is
declared here by the app that owns it, in its ``personal_data.py``. ``tests/lms/
test_personal_data_registry.py`` walks the model graph and fails for any relation that has no
declaration, so a new model cannot be forgotten by the export (DSGVO Art. 15/20) or by
erasure (Art. 17).

Erasure actions:

- ``DELETE``: the rows go; their stored files are deleted once the erasure commits. With a
  ``handler`` (when ``rows`` names what is exported, not what goes: the groups a person is a
  member of), the handler deletes instead.
- ``DETACH``: the reference is set to NULL; the row stays and names no one (who reviewed a
  proof, who locked a page).
- ``ANONYMISE``: the app's ``handler(user)`` rewrites the rows (a post's text, a project's
  contact, the certificate snapshots).
- ``KEEP``: the row stays pointing to the anonymised account, with the stated ``reason``
  (aggregates, append-only records whose only identifier is the account number).
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

FORMAT_VERSION = "2.0"
WHO_DID_IT = "Only who did something to another record; the reference is removed."

# Headings of the readable summary for fields that carry no verbose name of their own.
FIELD_LABELS = {
    "created_at": _("Created at"),
    "sent_at": _("Sent at"),
    "week": _("Week"),
    "kind": _("Kind"),
    "key": _("Key"),
    "status": _("Status"),
    "role": _("Role"),
    "digest": _("Digest by mail"),
    "joined_at": _("Joined at"),
    "queued_at": _("Registered at"),
    "attended": _("Attended"),
    "ip_address": _("IP address"),
    "user_agent": _("Browser"),
    "attempt_time": _("Time"),
    "logout_time": _("Signed out at"),
    "failures_since_start": _("Failed attempts"),
    "locked_out": _("Locked out"),
    "verb": _("Activity"),
    "object_id": _("Object"),
    "object_name": _("Name"),
    "result": _("Result"),
    "timestamp": _("Time"),
    "answers": _("Answers"),
    "enrolment": _("Enrolment"),
    "post": _("Post"),
    "thread": _("Thread"),
    "programme": _("Programme"),
    "event": _("Event"),
    "circle": _("Circle"),
    "live": _("Published"),
    "file": _("File"),
}


class Erase(enum.Enum):
    DELETE = "delete"
    DETACH = "detach"
    ANONYMISE = "anonymise"
    KEEP = "keep"


@dataclass(frozen=True)
class PersonalData:
    """How one relation to a person is exported and erased.

    ``field`` names the relation on ``model`` (``"app_label.ModelName"``); for data without a
    foreign key, ``rows`` returns the person's rows instead (``field`` is then a free label).
    ``export`` lists the fields shown in the data export; empty means not exported, and
    ``reason`` says why. ``order`` places an action before others (lower first): rows found by
    the person's e-mail address must go before the account is anonymised.
    """

    model: str
    field: str
    erase: Erase
    reason: str
    export: tuple[str, ...] = ()
    rows: Callable | None = None
    handler: Callable | None = None
    order: int = 50
    title: str = ""  # heading in the readable summary; default: the model's plural name

    @property
    def key(self) -> str:
        return f"{self.model}.{self.field}"

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def queryset(self, user):
        if self.rows is not None:
            return self.rows(user)
        model = self.model_class()
        field = model._meta.get_field(self.field)
        if field.many_to_many:  # the rows of the link table that name the person
            through = field.remote_field.through
            points_to_person = field.related_model is get_user_model()
            column = field.m2m_reverse_field_name() if points_to_person else field.m2m_field_name()
            return through.objects.filter(**{column: user})
        return model._default_manager.filter(**{self.field: user})


REGISTRY: dict[str, PersonalData] = {}


def declare(*declarations: PersonalData) -> None:
    """Add declarations (idempotent: ``ready()`` may run more than once in tests)."""
    for declaration in declarations:
        REGISTRY[declaration.key] = declaration


def declared_relations() -> set[tuple[str, str]]:
    return {(d.model, d.field) for d in REGISTRY.values()}


def _plain(value):
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def export_records(user) -> dict:
    """One list of rows per declaration with exported fields: ``{key: {"model", "reason",
    "rows"}}``; rows carry ``id`` (when the model has one) and the declared fields."""
    records = {}
    for key, declaration in sorted(REGISTRY.items()):
        if not declaration.export:
            continue
        model = declaration.model_class()
        # Related rows by their id (attname): no query per row.
        attnames = {name: model._meta.get_field(name).attname for name in declaration.export}
        queryset = declaration.queryset(user).order_by("pk")
        rows = [
            {"id": row.pk, **{name: _plain(getattr(row, attr)) for name, attr in attnames.items()}}
            for row in queryset
        ]
        records[key] = {
            "model": str(model._meta.verbose_name),
            "rows": rows,
        }
    return records


_JSON_TYPES = {
    "BooleanField": "boolean",
    "IntegerField": "integer",
    "PositiveIntegerField": "integer",
    "PositiveSmallIntegerField": "integer",
    "SmallIntegerField": "integer",
    "BigIntegerField": "integer",
    "AutoField": "integer",
    "BigAutoField": "integer",
    "ForeignKey": "integer",
    "OneToOneField": "integer",
    "JSONField": None,  # any JSON value
}


def _field_schema(field) -> dict:
    internal = field.get_internal_type()
    if internal in _JSON_TYPES and _JSON_TYPES[internal] is None:
        return {}
    kind = _JSON_TYPES.get(internal, "string")  # text, dates, decimals, files, addresses
    schema: dict = {"type": [kind, "null"] if field.null or field.is_relation else kind}
    if internal == "DateTimeField":
        schema["format"] = "date-time"
    elif internal == "DateField":
        schema["format"] = "date"
    if field.verbose_name:
        schema["title"] = str(field.verbose_name)
    return schema


def export_schema() -> dict:
    """The JSON Schema (draft 2020-12) of ``records`` in the data export, built from the
    registry, so the published schema and the export cannot drift apart."""
    records = {}
    for key, declaration in sorted(REGISTRY.items()):
        if not declaration.export:
            continue
        model = declaration.model_class()
        columns = {"id": {"type": ["integer", "string"]}}
        for name in declaration.export:
            columns[name] = _field_schema(model._meta.get_field(name))
        records[key] = {
            "type": "object",
            "required": ["model", "rows"],
            "properties": {
                "model": {"type": "string"},
                "rows": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": list(columns),
                        "properties": columns,
                        "additionalProperties": False,
                    },
                },
            },
            "description": declaration.reason,
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Kommunal-Campus: Auskunft über gespeicherte Daten (Art. 15/20 DSGVO)",
        "type": "object",
        "required": ["format_version", "generated_at", "records"],
        "properties": {
            "format_version": {"const": FORMAT_VERSION},
            "generated_at": {"type": "string", "format": "date-time"},
            "records": {
                "type": "object",
                "required": list(records),
                "properties": records,
                "additionalProperties": False,
            },
        },
    }


def export_sections(user) -> list[dict]:
    """The same records for people: one table per kind of data with German headings and
    displayed values (choices as labels, related rows by name), kinds without rows left out."""
    sections = []
    for _key, declaration in sorted(REGISTRY.items()):
        if not declaration.export:
            continue
        model = declaration.model_class()
        fields = [model._meta.get_field(name) for name in declaration.export]
        related = [field.name for field in fields if field.many_to_one]  # shown by name
        queryset = declaration.queryset(user).select_related(*related)
        rows = [[_display(row, field) for field in fields] for row in queryset]
        if rows:
            sections.append(
                {
                    "title": str(declaration.title or model._meta.verbose_name_plural),
                    "columns": [_label(field) for field in fields],
                    "rows": rows,
                }
            )
    return sorted(sections, key=lambda section: section["title"].casefold())


def _label(field) -> str:
    from django.utils.text import capfirst

    return capfirst(str(FIELD_LABELS.get(field.name, field.verbose_name)))


def _display(row, field):
    if field.choices:
        return getattr(row, f"get_{field.name}_display")()
    value = getattr(row, field.name)
    if isinstance(value, FieldFile):
        return value.name.rsplit("/", 1)[-1] if value.name else ""
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)[:500]
    return value


def _file_names(queryset) -> list[str]:
    file_fields = [
        f.name for f in queryset.model._meta.concrete_fields if isinstance(f, models.FileField)
    ]
    if not file_fields:
        return []
    names = []
    for values in queryset.values_list(*file_fields):
        names += [name for name in values if name]
    return names


def erase_records(user) -> dict[str, int]:
    """Apply every declaration to ``user``'s rows; returns rows touched per key. Runs inside
    ``person_erase``'s transaction; files go after the commit. Re-running finds nothing left."""
    from .services.stored_files import stored_files_delete_after_commit

    touched: dict[str, int] = {}
    files: list[str] = []
    for declaration in sorted(REGISTRY.values(), key=lambda d: (d.order, d.key)):
        if declaration.erase is Erase.KEEP:
            continue
        if declaration.erase is Erase.ANONYMISE or declaration.handler is not None:
            touched[declaration.key] = declaration.handler(user) or 0
            continue
        queryset = declaration.queryset(user)
        if declaration.erase is Erase.DETACH:
            touched[declaration.key] = queryset.update(**{declaration.field: None})
        else:
            files += _file_names(queryset)
            touched[declaration.key], _ = queryset.delete()
    stored_files_delete_after_commit(files)
    return touched
