"""The registry of personal data is complete by construction: every relation to a person in
every installed app has a declaration of what export and erasure do with it."""

from django.apps import apps
from django.contrib.auth import get_user_model

from lms.personal_data import REGISTRY, Erase, declared_relations


def _relations_to_people() -> set[tuple[str, str]]:
    user_model = get_user_model()
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields(include_parents=False):
            if field.auto_created or not field.is_relation:
                continue
            if not (field.concrete or field.many_to_many):
                continue
            if field.related_model is user_model or (model is user_model and field.many_to_many):
                found.add((model._meta.label, field.name))
    return found


def test_every_relation_to_a_person_is_declared():
    """A new model with a foreign key to the user model fails here until its app declares
    what the export shows and what erasure does."""
    missing = _relations_to_people() - declared_relations()
    assert not missing, f"Personal data without a declaration: {sorted(missing)}"


def test_declarations_name_real_fields_and_give_reasons():
    """Declarations are not left behind when a model changes: each names an existing model and
    (unless it finds its rows itself) an existing field; each says why."""
    for declaration in REGISTRY.values():
        model = declaration.model_class()
        if declaration.rows is None:
            model._meta.get_field(declaration.field)
        assert declaration.reason.strip()
        for name in declaration.export:
            model._meta.get_field(name)
        if declaration.erase is Erase.ANONYMISE:
            assert declaration.handler is not None, declaration.key
        if declaration.erase is Erase.DETACH:
            assert model._meta.get_field(declaration.field).null, declaration.key
