"""Who a directory token is, and what it may see: one organisation unit and its sub-units.

Every query of the SCIM views starts from ``people_in_scope`` or ``groups_in_scope``, so a
token of Köln never reads, matches or changes a person of Bonn: an id from outside the scope is
simply not found (404), like the HR pages answer for a neighbouring municipality.
"""

import hashlib

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from scim2_filter_parser import ast as scim_ast
from scim2_filter_parser.lexer import SCIMLexer
from scim2_filter_parser.parser import SCIMParser
from scim2_filter_parser.transpilers.django_q_object import Transpiler
from scim2_models import InvalidFilterException

from ..models import Membership, Organisation, ScimAccount, ScimGroup, ScimToken, User
from ..models.accounts import ERASED_EMAIL_DOMAIN


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(header: str) -> ScimToken | None:
    """The active token an ``Authorization: Bearer …`` header names, or None."""
    scheme, _sep, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    found = (
        ScimToken.objects.select_related("organisation")
        .filter(token_digest=token_digest(token.strip()), revoked_at__isnull=True)
        .first()
    )
    if found is not None and (
        found.last_used_at is None or (timezone.now() - found.last_used_at).total_seconds() > 60
    ):
        ScimToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found


def members_of(root: Organisation):
    return Membership.objects.filter(user=OuterRef("pk"), organisation__path__startswith=root.path)


def accounts_of(root: Organisation):
    return ScimAccount.objects.filter(user=OuterRef("pk"), organisation=root)


def people_in_scope(root: Organisation) -> QuerySet[User]:
    """Members of the unit or its sub-units, and whoever this directory provisioned there
    (also after they left: their resource then reads ``active: false``)."""
    return (
        User.objects.filter(Exists(members_of(root)) | Exists(accounts_of(root)))
        .exclude(email__endswith=ERASED_EMAIL_DOMAIN)
        .order_by("pk")
    )


def groups_in_scope(root: Organisation) -> QuerySet[ScimGroup]:
    return ScimGroup.objects.filter(organisation=root).order_by("pk")


def _user_name(root: Organisation):
    """``userName`` is what the directory called the person, else the platform's address."""

    def query(lookup: str, value) -> Q:
        stored = accounts_of(root).filter(**{f"user_name__{lookup}": value})
        by_address = ~Q(Exists(accounts_of(root))) & Q(**{f"email__{lookup}": value})
        return Q(Exists(stored)) | by_address

    return query


def _external_id(root: Organisation):
    def query(lookup: str, value) -> Q:
        return Q(Exists(accounts_of(root).filter(**{f"external_id__{lookup}": value})))

    return query


def _active(root: Organisation):
    def query(lookup: str, value) -> Q:
        active = Q(is_active=True) & Q(Exists(members_of(root)))
        if lookup == "isnull":
            return Q()  # always present
        return active if value is True else ~active

    return query


def _pk(lookup: str, value) -> Q:
    """Ids are numbers here; any other id names no resource (not an error)."""
    if lookup == "isnull":
        return Q()
    if not str(value).isdigit():
        return Q(pk__in=[])
    return Q(**{f"pk__{lookup.removeprefix('i')}": int(value)})


def user_filter_map(root: Organisation) -> dict:
    return {
        ("id", None, None): _pk,
        ("userName", None, None): _user_name(root),
        ("externalId", None, None): _external_id(root),
        ("displayName", None, None): "full_name",
        ("name", "formatted", None): "full_name",
        ("emails", None, None): "email",
        ("emails", "value", None): "email",
        ("active", None, None): _active(root),
        ("groups", None, None): "scim_groups__pk",
        ("groups", "value", None): "scim_groups__pk",
        ("meta", "created", None): "date_joined",
    }


GROUP_FILTER_MAP = {
    ("id", None, None): _pk,
    ("displayName", None, None): "display_name",
    ("externalId", None, None): "external_id",
    ("members", None, None): "members__pk",
    ("members", "value", None): "members__pk",
    ("meta", "lastModified", None): "updated_at",
}


class _Transpiler(Transpiler):
    """The library's transpiler, stricter: an attribute it cannot map is an error (the library
    would drop the condition and return everything), and some attributes are queries of their
    own (``userName``, ``externalId``, ``active``) rather than a column."""

    def visit_AttrPath(self, node):
        found = super().visit_AttrPath(node)
        if found is None:
            name = node.attr_name if isinstance(node.attr_name, str) else "?"
            if node.sub_attr:
                name = f"{name}.{node.sub_attr.value}"
            raise InvalidFilterException(
                detail=_("The filter attribute %(name)s is not supported.") % {"name": name}
            )
        return found

    def visit_AttrExpr(self, node):
        if not isinstance(node.attr_path.attr_name, scim_ast.Filter):
            target = self.visit(node.attr_path)
            if callable(target):
                lookup, value = self.visit_AttrExprValue(node)
                query = target(lookup, value)
                return ~query if node.value.lower() == "ne" else query
        return super().visit_AttrExpr(node)


def filtered(queryset: QuerySet, scim_filter: str, attr_map: dict) -> QuerySet:
    """Apply a SCIM filter; a malformed one raises ``InvalidFilterException`` (RFC 7644
    §3.4.2.2: 400 with ``scimType: invalidFilter``)."""
    if not scim_filter:
        return queryset
    try:
        tree = SCIMParser().parse(SCIMLexer().tokenize(scim_filter))
        query = _Transpiler(attr_map).transpile(tree)
    except InvalidFilterException:
        raise
    except Exception as exc:  # the parser's own errors (syntax, unknown operators)
        raise InvalidFilterException(
            detail=_("The filter could not be read: %(error)s") % {"error": exc}
        ) from exc
    return queryset.filter(query).distinct() if query is not None else queryset
