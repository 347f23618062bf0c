"""The platform's people and directory groups as SCIM resources (``scim2-models`` objects).

A person reads back what the directory wrote (``ScimAccount``: userName, externalId, name
parts, e-mail types), while the platform's own records win where they differ: the address is
the account's, ``active`` means "signs in and works in this unit", and ``groups`` are read
only. A person the directory never wrote (an HR import, say) reads as the platform knows them,
so the directory can match them by ``userName`` (the address) instead of creating a duplicate.
Lists load accounts, memberships and groups in one query each, whatever the page size.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable

from scim2_models import Context, Email, Group, GroupMember, GroupMembership, Meta, Name, User

from ..models import Membership, Organisation, ScimAccount, ScimGroup
from ..models import User as Person


class Locations:
    """Absolute resource URLs (``meta.location``, ``$ref``) under the service's base URL."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")

    def user(self, pk: int) -> str:
        return f"{self.base}/Users/{pk}"

    def group(self, pk: int) -> str:
        return f"{self.base}/Groups/{pk}"


def etag(resource) -> str:
    """A weak entity tag of the representation (meta left out): it changes exactly when what a
    client would read changes."""
    data = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, exclude={"meta"})
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def _with_version(resource, meta: Meta):
    resource.meta = meta
    meta.version = etag(resource)
    return resource


class PeopleContext:
    """What the representation of a page of people needs, loaded in three queries."""

    def __init__(self, root: Organisation, people: Iterable[Person]):
        ids = [p.pk for p in people]
        self.root = root
        self.accounts = {
            a.user_id: a for a in ScimAccount.objects.filter(organisation=root, user_id__in=ids)
        }
        self.members = set(
            Membership.objects.filter(
                user_id__in=ids, organisation__path__startswith=root.path
            ).values_list("user_id", flat=True)
        )
        self.groups: dict[int, list[tuple[int, str]]] = defaultdict(list)
        through = ScimGroup.members.through.objects.filter(
            user_id__in=ids, scimgroup__organisation=root
        ).values_list("user_id", "scimgroup_id", "scimgroup__display_name")
        for user_id, group_id, name in through.order_by("scimgroup_id"):
            self.groups[user_id].append((group_id, name))


def _emails(person: Person, stored: list | None) -> list[Email]:
    if stored:
        emails = [Email.model_validate(e) for e in stored]
        primary = next((e for e in emails if e.primary), emails[0])
        if (primary.value or "").lower() == person.email.lower():
            return emails
    return [Email(value=person.email, primary=True, type=Email.Type.work)]


def user_resource(person: Person, context: PeopleContext, locations: Locations) -> User:
    account = context.accounts.get(person.pk)
    stored = account.attributes if account else {}
    name = Name.model_validate(stored["name"]) if stored.get("name") else None
    if account is None:
        name = Name(formatted=person.full_name)
    resource = User(
        id=str(person.pk),
        external_id=(account.external_id or None) if account else None,
        user_name=account.user_name if account else person.email,
        name=name,
        display_name=stored.get("displayName") if account else person.full_name,
        active=person.is_active and person.pk in context.members,
        emails=_emails(person, stored.get("emails")),
        groups=[
            GroupMembership(value=str(pk), ref=locations.group(pk), display=title, type="direct")
            for pk, title in context.groups.get(person.pk, [])
        ]
        or None,
    )
    changed = account.updated_at if account else person.date_joined
    return _with_version(
        resource,
        Meta(
            resource_type="User",
            created=person.date_joined,
            last_modified=max(changed, person.date_joined),
            location=locations.user(person.pk),
        ),
    )


def group_resources(groups: list[ScimGroup], locations: Locations) -> list[Group]:
    members: dict[int, list[int]] = defaultdict(list)
    through = ScimGroup.members.through.objects.filter(scimgroup__in=groups)
    for group_id, user_id in through.values_list("scimgroup_id", "user_id").order_by("user_id"):
        members[group_id].append(user_id)
    return [
        _with_version(
            Group(
                id=str(group.pk),
                external_id=group.external_id or None,
                display_name=group.display_name,
                members=[
                    GroupMember(value=str(pk), ref=locations.user(pk), type="User")
                    for pk in members.get(group.pk, [])
                ]
                or None,
            ),
            Meta(
                resource_type="Group",
                created=group.created_at,
                last_modified=group.updated_at,
                location=locations.group(group.pk),
            ),
        )
        for group in groups
    ]
